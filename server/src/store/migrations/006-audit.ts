import type { Knex } from 'knex';

/**
 * The append-only audit log of privileged acts, and admins' emergency grants for the critical
 * lane. Triggers reject UPDATE, DELETE and TRUNCATE on `audit_log`, so even the service's own
 * database user cannot rewrite history; only a superuser dropping the triggers can.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (table) => {
    table.bigIncrements('id').primary();
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('actor').notNullable();
    table.text('action').notNullable();
    table.text('target').notNullable();
    table.jsonb('before');
    table.jsonb('after');
    table.text('reason');
    table.index(['actor', 'id']);
    table.index(['action', 'id']);
    table.index(['at']);
  });

  await knex.raw(`
    CREATE FUNCTION audit_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$`);
  await knex.raw(`
    CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change()`);
  await knex.raw(`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change()`);

  await knex.schema.createTable('critical_grants', (table) => {
    table.increments('id').primary();
    table.text('user_name').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.integer('max_runtime_s').notNullable();
    table.text('reason').notNullable();
    table.text('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['user_name', 'expires_at']);
  });

  await knex.schema.alterTable('jobs', (table) => {
    // The emergency grant that approved this job for the critical lane, if one did.
    table.integer('critical_grant_id').references('id').inTable('critical_grants');
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
