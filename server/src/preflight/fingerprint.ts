import { createHash } from 'node:crypto';

type SourceKind = 'notebook' | 'cell' | 'script';

/**
 * Computes the sha256 of a job's code: the code cells' source joined in order for a notebook
 * (nbformat 4 `cells` or nbformat 3 `worksheets`), the whole text otherwise. Outputs, execution
 * counts and markdown are left out, so re-running or re-documenting a notebook keeps its fingerprint.
 */
export function codeFingerprint(kind: SourceKind, content: string): string {
  const code = kind === 'notebook' ? notebookCode(content) : content;
  return createHash('sha256').update(code).digest('hex');
}

function notebookCode(content: string): string {
  let notebook: Record<string, unknown>;
  try {
    notebook = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return content;
  }
  const worksheets = Array.isArray(notebook['worksheets']) ? (notebook['worksheets'] as Array<Record<string, unknown>>) : [];
  const cells = Array.isArray(notebook['cells'])
    ? (notebook['cells'] as Array<Record<string, unknown>>)
    : worksheets.flatMap((sheet) => (Array.isArray(sheet['cells']) ? (sheet['cells'] as Array<Record<string, unknown>>) : []));

  const sources: string[] = [];
  for (const cell of cells) {
    if (cell['cell_type'] !== 'code') continue;
    // nbformat 4 keeps the text in `source`, nbformat 3 in `input`; either may be a list of lines.
    const text = cell['source'] ?? cell['input'] ?? '';
    sources.push(Array.isArray(text) ? text.join('') : String(text));
  }
  return sources.join('\n\0\n');
}
