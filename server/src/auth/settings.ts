import { isRole, TEAM_NAME_PATTERN, USER_NAME_PATTERN, type Role } from './identity.js';
import { sharedSecretSource, type SharedSecretSource } from './shared-secret.js';

/** A user whose role and team are set at start-up unless the user already exists. */
export interface SeededUser {
  name: string;
  role: Role;
  team: string | null;
}

export interface JupyterHubSettings {
  /** The hub's REST API, such as http://127.0.0.1:8081/hub/api. */
  apiUrl: string;
  /** How long a token the hub accepted is trusted without asking again, in milliseconds. */
  cacheTtlMs: number;
}

/** Authentication settings of the API, and the users that exist from the start. */
export interface AuthSettings {
  secret: SharedSecretSource;
  /** How far a signed assertion's timestamp may be from the scheduler's clock, in seconds. */
  signatureMaxAgeS: number;
  /** Users made admins at every start (DOFC_ADMINS). */
  admins: string[];
  /** Users created with a role and team if they do not exist yet (DOFC_USERS). */
  users: SeededUser[];
  /** The team of a user first seen through a credential (DOFC_DEFAULT_TEAM), or null for none. */
  defaultTeam: string | null;
  jupyterHub: JupyterHubSettings | null;
}

export const DEFAULT_SIGNATURE_MAX_AGE_S = 120;
export const DEFAULT_HUB_CACHE_TTL_S = 30;

/** Reads the authentication settings from the environment. `dataDir` contains the default secret file. */
export function loadAuthSettings(env: NodeJS.ProcessEnv, dataDir: string): AuthSettings {
  const defaultTeam = env['DOFC_DEFAULT_TEAM'];
  if (defaultTeam !== undefined && defaultTeam !== '' && !TEAM_NAME_PATTERN.test(defaultTeam)) {
    throw new Error(`DOFC_DEFAULT_TEAM=${JSON.stringify(defaultTeam)} is invalid: use 1 to 64 letters, digits or _ . -, or unset it.`);
  }

  const hubUrl = env['DOFC_JUPYTERHUB_API_URL'];
  return {
    secret: sharedSecretSource(env, dataDir),
    signatureMaxAgeS: positiveSeconds('DOFC_SIGNATURE_MAX_AGE_S', env['DOFC_SIGNATURE_MAX_AGE_S'], DEFAULT_SIGNATURE_MAX_AGE_S),
    admins: parseAdmins(env['DOFC_ADMINS']),
    users: parseSeededUsers(env['DOFC_USERS']),
    defaultTeam: defaultTeam !== undefined && defaultTeam !== '' ? defaultTeam : null,
    jupyterHub:
      hubUrl !== undefined && hubUrl !== ''
        ? {
            apiUrl: parseHubUrl(hubUrl),
            cacheTtlMs: 1000 * positiveSeconds('DOFC_JUPYTERHUB_CACHE_S', env['DOFC_JUPYTERHUB_CACHE_S'], DEFAULT_HUB_CACHE_TTL_S),
          }
        : null,
  };
}

/** Parses DOFC_ADMINS, a comma-separated list of user names. */
export function parseAdmins(raw: string | undefined): string[] {
  return splitList(raw).map((name) => checkedUserName(name, 'DOFC_ADMINS'));
}

/** Parses DOFC_USERS, comma-separated `name:role[:team]` entries such as `lea:team_lead:data`. */
export function parseSeededUsers(raw: string | undefined): SeededUser[] {
  return splitList(raw).map((entry) => {
    const [name = '', role = '', team, ...rest] = entry.split(':');
    if (rest.length > 0 || !isRole(role)) {
      throw new Error(`DOFC_USERS entry ${JSON.stringify(entry)} is invalid: write name:role or name:role:team, with role user, team_lead or admin.`);
    }
    if (team !== undefined && !TEAM_NAME_PATTERN.test(team)) {
      throw new Error(`DOFC_USERS entry ${JSON.stringify(entry)} has an invalid team: use 1 to 64 letters, digits or _ . -.`);
    }
    return { name: checkedUserName(name, 'DOFC_USERS'), role, team: team ?? null };
  });
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function checkedUserName(name: string, variable: string): string {
  if (!USER_NAME_PATTERN.test(name)) {
    throw new Error(`${variable} names the user ${JSON.stringify(name)}, which is invalid: user names are 1 to 64 letters, digits or _ . @ -.`);
  }
  return name;
}

function parseHubUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`DOFC_JUPYTERHUB_API_URL=${JSON.stringify(raw)} is not a URL: set it to the hub's API, such as http://127.0.0.1:8081/hub/api.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DOFC_JUPYTERHUB_API_URL=${JSON.stringify(raw)} is invalid: use an http:// or https:// URL.`);
  }
  return raw.replace(/\/+$/, '');
}

function positiveSeconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a positive number of seconds or unset it.`);
  }
  return value;
}
