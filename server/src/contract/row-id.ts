/**
 * The largest id the API accepts in a path or cursor: the top of PostgreSQL's `integer`, the type
 * of every `serial` id column. A larger id would make the query itself fail.
 */
export const MAX_ROW_ID = 2_147_483_647;
