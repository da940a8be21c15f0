import type { AuditEntry } from './audit-log.js';

const COLUMNS = ['id', 'at', 'actor', 'action', 'target', 'before', 'after', 'reason'] as const;

/**
 * Quote one CSV field as RFC 4180 does. A field that starts with = + - @ or a tab gets a
 * leading apostrophe, so a spreadsheet that opens the export does not run it as a formula.
 */
function csvField(value: unknown): string {
  let text = '';
  if (typeof value === 'string') text = value;
  else if (value !== null && value !== undefined) text = JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Render audit entries as CSV with a header line; `before` and `after` are JSON text. */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const entry of entries) {
    lines.push(COLUMNS.map((column) => csvField(entry[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
