import { parseAdmins, parseSeededUsers, type AuthSettings } from '../../src/auth/settings.js';

/** The secret every test service and `dofc serve` process shares with the test helpers that sign requests. */
export const TEST_SECRET = Buffer.from('dofc-test-secret-0123456789abcdef', 'utf8');

/** `admin` administers; ana and ben are users of team data, lea leads team data, zoe is a user of team ml. */
export const TEST_USERS = 'ana:user:data,ben:user:data,lea:team_lead:data,zoe:user:ml';
export const TEST_ADMINS = 'admin';

export const TEST_AUTH_SETTINGS: AuthSettings = {
  secret: { kind: 'value', value: TEST_SECRET.toString('utf8') },
  signatureMaxAgeS: 120,
  admins: parseAdmins(TEST_ADMINS),
  users: parseSeededUsers(TEST_USERS),
  defaultTeam: null,
  jupyterHub: null,
};

/** The environment that gives a `dofc serve` process the same secret and users as the test service. */
export const TEST_AUTH_ENV: Record<string, string> = {
  DOFC_SHARED_SECRET: TEST_SECRET.toString('utf8'),
  DOFC_ADMINS: TEST_ADMINS,
  DOFC_USERS: TEST_USERS,
};
