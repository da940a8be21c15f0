import type { TranslationBundle } from '@jupyterlab/translation';
import type { Reservation } from './api-types';
import { element, formatClock } from './format';
import { deleteRoute, errorMessage, postJson, requestJson } from './request';
import { drawReservationWeek, weekStart } from './reservation-calendar';
import { textInput } from './resource-table';
import { localInputToIso } from './submit-dialog';

/** The reservations part of the admin page: a form to book heavy capacity, the list and a week calendar. */
export class ReservationsSection {
  constructor(private readonly trans: TranslationBundle) {
    this.node.dataset['section'] = 'reservations';
    const create = element('button', 'jp-mod-styled jp-mod-accept dofc-Admin-createReservation', trans.__('Reserve'));
    create.type = 'button';
    create.addEventListener('click', () => void this.create());

    const kind = element('select', 'jp-mod-styled');
    kind.name = 'kind';
    for (const [value, text] of [['team', trans.__('Team')], ['owner', trans.__('User')]]) {
      const option = element('option', '', text);
      option.value = value ?? '';
      kind.append(option);
    }

    const form = element('div', 'dofc-Admin-reservationForm');
    form.append(
      this.labelled(trans.__('For'), kind),
      this.labelled(trans.__('Name'), textInput('name', '', 'text')),
      this.labelled(trans.__('Cores'), textInput('cores', '', 'number')),
      this.labelled(trans.__('Memory (GB)'), textInput('mem_gb', '', 'number')),
      this.labelled(trans.__('From'), textInput('starts_at', '', 'datetime-local')),
      this.labelled(trans.__('Until'), textInput('ends_at', '', 'datetime-local')),
      this.labelled(trans.__('Note'), textInput('note', '', 'text')),
      create,
    );
    this.node.append(element('h2', '', trans.__('Reservations')), form, this.status, this.calendar, this.list);
  }

  readonly node = element('section', 'dofc-Admin-section dofc-Admin-reservations');

  async refresh(): Promise<void> {
    try {
      const { reservations } = await requestJson<{ reservations: Reservation[] }>('admin/reservations');
      this.render(reservations);
    } catch (error) {
      this.status.textContent = this.trans.__('Reading the reservations failed: %1', errorMessage(error));
    }
  }

  private render(reservations: Reservation[]): void {
    this.calendar.replaceChildren(drawReservationWeek(reservations, weekStart(new Date()), this.trans));
    if (reservations.length === 0) {
      this.list.replaceChildren(element('li', 'dofc-Admin-empty', this.trans.__('No current or future reservations.')));
      return;
    }
    this.list.replaceChildren(
      ...reservations.map((reservation) => {
        const item = element('li', 'dofc-Admin-reservation');
        item.dataset['reservationId'] = String(reservation.id);
        const cancel = element('button', 'jp-mod-styled dofc-Admin-cancelReservation', this.trans.__('Cancel'));
        cancel.addEventListener('click', () => void this.cancel(reservation.id));
        const holder = reservation.team !== null ? this.trans.__('team %1', reservation.team) : this.trans.__('user %1', reservation.owner ?? '');
        item.append(
          element(
            'span',
            'dofc-Admin-reservationText',
            this.trans.__('%1: %2 cores, %3 GB, %4 – %5', holder, reservation.cores, reservation.mem_gb, formatClock(new Date(reservation.starts_at)), formatClock(new Date(reservation.ends_at))),
          ),
          cancel,
        );
        return item;
      }),
    );
  }

  private async create(): Promise<void> {
    try {
      const value = (name: string): string => (this.node.querySelector(`[name="${name}"]`) as HTMLInputElement | HTMLSelectElement).value.trim();
      const body: Record<string, unknown> = {
        [value('kind')]: value('name'),
        cores: Number(value('cores')),
        mem_gb: Number(value('mem_gb')),
        starts_at: localInputToIso(value('starts_at'), this.trans.__('From')),
        ends_at: localInputToIso(value('ends_at'), this.trans.__('Until')),
      };
      if (value('note') !== '') body['note'] = value('note');
      const created = await postJson<Reservation>('admin/reservations', body);
      this.status.textContent = this.trans.__('Reservation %1 created.', created.id);
      await this.refresh();
    } catch (error) {
      this.status.textContent = this.trans.__('Creating the reservation failed: %1', errorMessage(error));
    }
  }

  private async cancel(id: number): Promise<void> {
    try {
      await deleteRoute(`admin/reservations/${id}`);
      this.status.textContent = this.trans.__('Reservation %1 cancelled.', id);
      await this.refresh();
    } catch (error) {
      this.status.textContent = this.trans.__('Cancelling reservation %1 failed: %2', id, errorMessage(error));
    }
  }

  private labelled(title: string, control: HTMLElement): HTMLElement {
    const label = element('label', 'dofc-Admin-field');
    label.append(element('span', 'dofc-Admin-caption', title), control);
    return label;
  }

  private readonly status = element('p', 'dofc-Admin-status');
  private readonly calendar = element('div', 'dofc-Admin-calendar');
  private readonly list = element('ul', 'dofc-Admin-list');
}
