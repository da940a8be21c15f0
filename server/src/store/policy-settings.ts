import type { Knex } from 'knex';
import type { ReservationRequest, ReservationView } from '../contract/admin.js';
import type { DofcPolicyConfigInput } from '../policy/config.js';
import type { Reservation } from '../policy/types.js';

export interface StoredPolicySettings {
  settings: DofcPolicyConfigInput;
  version: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

interface SettingsRow {
  settings: DofcPolicyConfigInput;
  version: number;
  updated_by: string;
  updated_at: Date;
}

/** Read the admin's policy settings; version 0 with no settings means the defaults apply. */
export async function loadPolicySettings(
  db: Knex | Knex.Transaction,
): Promise<StoredPolicySettings> {
  const row = (await db('policy_settings').where({ id: 1 }).first()) as SettingsRow | undefined;
  if (row === undefined) return { settings: {}, version: 0, updatedBy: null, updatedAt: null };
  return {
    settings: row.settings,
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

/** Write new settings as the next version. The caller validated them and checked the version. */
export async function storePolicySettings(
  trx: Knex.Transaction,
  settings: DofcPolicyConfigInput,
  version: number,
  by: string,
  at: Date,
): Promise<void> {
  await trx('policy_settings')
    .insert({ id: 1, settings: JSON.stringify(settings), version, updated_by: by, updated_at: at })
    .onConflict('id')
    .merge();
}

interface ReservationRow {
  id: number;
  team: string | null;
  owner: string | null;
  cores: number;
  mem_gb: number;
  starts_at: Date;
  ends_at: Date;
  note: string | null;
  created_by: string;
  created_at: Date;
  cancelled_at: Date | null;
}

export function toReservationView(row: ReservationRow): ReservationView {
  return {
    id: row.id,
    team: row.team,
    owner: row.owner,
    cores: row.cores,
    mem_gb: row.mem_gb,
    starts_at: new Date(row.starts_at).toISOString(),
    ends_at: new Date(row.ends_at).toISOString(),
    note: row.note,
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Reservations not cancelled whose window has not ended by `now`, soonest first. */
export async function listReservations(
  db: Knex | Knex.Transaction,
  now: Date,
): Promise<ReservationRow[]> {
  return db<ReservationRow>('reservations')
    .whereNull('cancelled_at')
    .andWhere('ends_at', '>', now)
    .orderBy([{ column: 'starts_at' }, { column: 'id' }]);
}

export async function insertReservation(
  db: Knex | Knex.Transaction,
  request: ReservationRequest,
  by: string,
  at: Date,
): Promise<ReservationRow> {
  const [row] = await db<ReservationRow>('reservations')
    .insert({
      team: request.team ?? null,
      owner: request.owner ?? null,
      cores: request.cores,
      mem_gb: request.mem_gb,
      starts_at: new Date(request.starts_at),
      ends_at: new Date(request.ends_at),
      note: request.note ?? null,
      created_by: by,
      created_at: at,
    })
    .returning('*');
  return row as ReservationRow;
}

/** Mark a reservation cancelled; returns false when it does not exist or was already cancelled. */
export async function cancelReservation(
  db: Knex | Knex.Transaction,
  id: number,
  at: Date,
): Promise<boolean> {
  const count = await db('reservations')
    .where({ id })
    .whereNull('cancelled_at')
    .update({ cancelled_at: at });
  return count > 0;
}

/** Reservations as the policy core takes them. */
export function toPolicyReservation(row: ReservationRow): Reservation {
  return {
    id: String(row.id),
    start: new Date(row.starts_at).getTime(),
    end: new Date(row.ends_at).getTime(),
    capacity: { cores: row.cores, memGb: row.mem_gb },
    team: row.team,
    owner: row.owner,
  };
}
