import type { TranslationBundle } from '@jupyterlab/translation';
import type { Resources } from './api-types';
import { element } from './format';

/**
 * An editable table of named cores-and-memory limits, such as team caps or per-user executor
 * ceilings. Rows with an empty name are ignored, so clearing the name removes a limit.
 */
export class ResourceTable {
  constructor(
    readonly key: string,
    private readonly nameTitle: string,
    private readonly trans: TranslationBundle,
  ) {
    this.node.dataset['table'] = key;
    const head = element('tr', '');
    for (const title of [nameTitle, trans.__('Cores'), trans.__('Memory (GB)'), '']) head.append(element('th', '', title));
    this.head.append(head);
    this.table.append(this.head, this.body);

    const add = element('button', 'jp-mod-styled dofc-Admin-addRow', trans.__('Add %1', nameTitle.toLowerCase()));
    add.type = 'button';
    add.addEventListener('click', () => this.addRow('', null));
    this.node.append(this.table, add);
  }

  readonly node = element('div', 'dofc-ResourceTable');

  /** Replace the rows with `values`, sorted by name. */
  setValue(values: Record<string, Resources>): void {
    this.body.replaceChildren();
    for (const name of Object.keys(values).sort()) this.addRow(name, values[name] ?? null);
  }

  /** Read the rows; throws naming the row and the field when a number is invalid or a name repeats. */
  getValue(): Record<string, Resources> {
    const values: Record<string, Resources> = {};
    for (const row of this.body.querySelectorAll('tr')) {
      const name = (row.querySelector('input[name="name"]') as HTMLInputElement).value.trim();
      if (name === '') continue;
      if (name in values) throw new Error(this.trans.__('%1 "%2" appears twice in %3; keep one row per name.', this.nameTitle, name, this.key));
      values[name] = { cores: this.number(row, 'cores', name), memGb: this.number(row, 'memGb', name) };
    }
    return values;
  }

  private number(row: Element, field: 'cores' | 'memGb', name: string): number {
    const text = (row.querySelector(`input[name="${field}"]`) as HTMLInputElement).value;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw new Error(this.trans.__('%1 of "%2" is "%3"; enter a positive number.', field, name, text));
    }
    return value;
  }

  private addRow(name: string, value: Resources | null): void {
    const row = element('tr', 'dofc-ResourceTable-row');
    const cell = (input: HTMLInputElement): HTMLTableCellElement => {
      const td = element('td', '');
      td.append(input);
      return td;
    };
    const remove = element('button', 'jp-mod-styled dofc-Admin-removeRow', this.trans.__('Remove'));
    remove.type = 'button';
    remove.addEventListener('click', () => row.remove());
    const removeCell = element('td', '');
    removeCell.append(remove);
    row.append(
      cell(textInput('name', name, 'text')),
      cell(textInput('cores', value === null ? '' : String(value.cores), 'number')),
      cell(textInput('memGb', value === null ? '' : String(value.memGb), 'number')),
      removeCell,
    );
    this.body.append(row);
  }

  private readonly table = element('table', 'dofc-Admin-table');
  private readonly head = element('thead', '');
  private readonly body = element('tbody', '');
}

/** Create a styled input with a name, for forms that tests and users fill by field name. */
export function textInput(name: string, value: string, type: string): HTMLInputElement {
  const input = element('input', 'jp-mod-styled');
  input.name = name;
  input.type = type;
  input.value = value;
  if (type === 'number') input.step = 'any';
  return input;
}
