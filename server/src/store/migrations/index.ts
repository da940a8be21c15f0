import type { Knex } from 'knex';
import * as jobs from './001-jobs.js';
import * as preflight from './002-preflight.js';
import * as policySettings from './003-policy-settings.js';
import * as recurringAndApprovals from './004-recurring-and-approvals.js';
import * as identity from './005-identity.js';
import * as audit from './006-audit.js';
import * as preemption from './007-preemption.js';
import * as sampleRuns from './008-sample-runs.js';

/**
 * The numbered, forward-only migrations, listed in code so that the compiled server and the
 * tests load the same modules without scanning a folder.
 */
const MIGRATIONS: ReadonlyArray<[string, Knex.Migration]> = [
  ['001-jobs', jobs],
  ['002-preflight', preflight],
  ['003-policy-settings', policySettings],
  ['004-recurring-and-approvals', recurringAndApprovals],
  ['005-identity', identity],
  ['006-audit', audit],
  ['007-preemption', preemption],
  ['008-sample-runs', sampleRuns],
];

export const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
