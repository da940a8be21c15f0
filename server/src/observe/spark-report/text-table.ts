export interface TableColumn {
  header: string;
  align: 'left' | 'right';
}

/** Renders rows as a plain-text table with aligned columns separated by two spaces. */
export function renderTable(columns: readonly TableColumn[], rows: readonly string[][]): string[] {
  const widths = columns.map((column, i) =>
    rows.reduce((width, row) => Math.max(width, (row[i] ?? '').length), column.header.length),
  );
  const renderRow = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();

  return [renderRow(columns.map((column) => column.header)), ...rows.map(renderRow)];
}
