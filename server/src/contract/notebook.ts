/** The facts the server checks before a notebook runs: its format version and its code cells. */
export interface NotebookOutline {
  nbformat: number;
  codeCells: number;
}

/**
 * Check that a text is a Jupyter notebook in nbformat 3 (`worksheets`) or 4 (`cells`).
 * Returns the outline, or a sentence that says what is wrong.
 */
export function outlineNotebook(text: string): NotebookOutline | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `it is not JSON (${printable((error as Error).message)})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { problem: 'its JSON is not an object with "cells"' };
  }
  const notebook = parsed as Record<string, unknown>;
  const nbformat = notebook['nbformat'];
  if (typeof nbformat !== 'number') return { problem: 'it has no "nbformat" number' };

  if (nbformat >= 4) {
    const cells = notebook['cells'];
    if (!Array.isArray(cells)) return { problem: `nbformat ${nbformat} needs a "cells" list` };
    const malformed = findMalformedCell(cells);
    if (malformed !== null) return { problem: malformed };
    return { nbformat, codeCells: cells.filter(isCodeCell).length };
  }
  if (nbformat === 3) {
    const worksheets = notebook['worksheets'];
    if (!Array.isArray(worksheets)) return { problem: 'nbformat 3 needs a "worksheets" list' };
    const cells = worksheets.flatMap((sheet) =>
      sheet !== null && typeof sheet === 'object' && Array.isArray((sheet as { cells?: unknown }).cells)
        ? ((sheet as { cells: unknown[] }).cells)
        : [],
    );
    const malformed = findMalformedCell(cells);
    if (malformed !== null) return { problem: malformed };
    return { nbformat, codeCells: cells.filter(isCodeCell).length };
  }
  return { problem: `nbformat ${nbformat} is not supported; only 3 and 4 are` };
}

/** Describe the first cell the runner could not execute: one that is not an object with a cell_type. */
function findMalformedCell(cells: readonly unknown[]): string | null {
  const index = cells.findIndex(
    (cell) =>
      cell === null ||
      typeof cell !== 'object' ||
      Array.isArray(cell) ||
      typeof (cell as { cell_type?: unknown }).cell_type !== 'string',
  );
  return index === -1 ? null : `cell ${index} is not an object with a "cell_type" string`;
}

function isCodeCell(cell: unknown): boolean {
  return cell !== null && typeof cell === 'object' && (cell as { cell_type?: unknown }).cell_type === 'code';
}

/**
 * Escapes control characters and line breaks. The parser's message quotes the start of the text,
 * so without this a NUL or a newline would reach the error message.
 */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
