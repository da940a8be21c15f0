import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Describe the first problem zod found as one sentence that names the field, the value sent
 * and what is allowed.
 */
export function describeFirstIssue(error: z.ZodError, input: unknown): FieldProblem {
  const issue = error.issues[0];
  if (issue === undefined) return { field: '', message: 'The request is invalid.' };

  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.map(String).join('.');
    const keys = issue.keys.join(', ');
    const field = parent === '' ? (issue.keys[0] ?? '') : `${parent}.${issue.keys[0] ?? ''}`;
    return {
      field,
      message: `Unknown field ${keys}${parent === '' ? '' : ` in ${parent}`}; remove it or check its spelling.`,
    };
  }

  const field = issue.path.map(String).join('.');
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'missing' : JSON.stringify(value).slice(0, 120);
  return { field, message: `Invalid ${field || 'request'} (${shown}): ${issue.message}.` };
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
