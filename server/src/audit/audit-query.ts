import type { Request } from 'express';
import { InvalidInputError } from '../jobs/errors.js';
import { AUDIT_ACTIONS, type AuditQuery } from './audit-log.js';

/** The largest page of JSON entries; a CSV export may ask for up to MAX_EXPORT_ROWS. */
export const MAX_AUDIT_PAGE = 500;
export const MAX_EXPORT_ROWS = 50_000;

export interface AuditRequest extends AuditQuery {
  format: 'json' | 'csv';
  limit: number;
}

/**
 * Parse the query of `GET /admin/audit`: limit, before_id, actor, action, since, until and
 * format. Throws InvalidInputError naming the parameter, the value and what is allowed.
 */
export function parseAuditQuery(query: Request['query']): AuditRequest {
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw new InvalidInputError('invalid_query', `Query parameter ${name} must appear once.`, name);
    }
    return value;
  };

  const formatText = single('format') ?? 'json';
  if (formatText !== 'json' && formatText !== 'csv') {
    throw new InvalidInputError('invalid_query', `format "${formatText}" is invalid; use json or csv.`, 'format');
  }
  const maxLimit = formatText === 'csv' ? MAX_EXPORT_ROWS : MAX_AUDIT_PAGE;
  const result: AuditRequest = { format: formatText, limit: formatText === 'csv' ? MAX_EXPORT_ROWS : 100 };

  const limit = single('limit');
  if (limit !== undefined) result.limit = wholeNumber('limit', limit, maxLimit);
  const beforeId = single('before_id');
  if (beforeId !== undefined) result.beforeId = wholeNumber('before_id', beforeId, Number.MAX_SAFE_INTEGER);

  const actor = single('actor');
  if (actor !== undefined) result.actor = actor;
  const action = single('action');
  if (action !== undefined) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(action)) {
      throw new InvalidInputError('invalid_query', `action "${action}" is invalid; use one of ${AUDIT_ACTIONS.join(', ')}.`, 'action');
    }
    result.action = action;
  }

  const since = single('since');
  if (since !== undefined) result.since = timestamp('since', since);
  const until = single('until');
  if (until !== undefined) result.until = timestamp('until', until);
  return result;
}

function wholeNumber(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidInputError('invalid_query', `${name} "${text}" is invalid; use a whole number from 1 to ${max}.`, name);
  }
  return value;
}

function timestamp(name: string, text: string): Date {
  const value = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(value.getTime())) {
    throw new InvalidInputError('invalid_query', `${name} "${text}" is invalid; use an ISO 8601 time such as 2026-01-31T09:00:00Z.`, name);
  }
  return value;
}
