import type { TranslationBundle } from '@jupyterlab/translation';
import type { Reservation } from './api-types';
import { svgElement, svgRoot } from './svg';

const DAY_MS = 86_400_000;
const WIDTH = 700;
const HEIGHT = 260;
const LEFT = 36;
const TOP = 20;

/** Return local midnight of the Monday of the week that contains `day`. */
export function weekStart(day: Date): Date {
  const start = new Date(day);
  start.setHours(0, 0, 0, 0);
  const sinceMonday = (start.getDay() + 6) % 7;
  start.setDate(start.getDate() - sinceMonday);
  return start;
}

/**
 * Draw a week, Monday to Sunday in local time, with one column per day and each reservation as a
 * block per day it covers. Columns are split by reservation, so overlapping bookings stay apart.
 */
export function drawReservationWeek(reservations: Reservation[], week: Date, trans: TranslationBundle): SVGSVGElement {
  const root = svgRoot('dofc-Chart dofc-ReservationWeek', WIDTH, HEIGHT, trans.__('Reservations in the week of %1', week.toLocaleDateString()));
  const columnWidth = (WIDTH - LEFT) / 7;
  const hourHeight = (HEIGHT - TOP) / 24;

  for (let day = 0; day < 7; day += 1) {
    const date = new Date(week);
    date.setDate(week.getDate() + day);
    root.append(
      svgElement('rect', { class: 'dofc-Week-day', x: LEFT + day * columnWidth, y: TOP, width: columnWidth, height: HEIGHT - TOP }),
      svgElement('text', { class: 'dofc-Chart-axis', x: LEFT + day * columnWidth + 4, y: 12 }, date.toLocaleDateString([], { weekday: 'short', day: 'numeric' })),
    );
  }
  for (let hour = 0; hour <= 24; hour += 6) {
    root.append(svgElement('text', { class: 'dofc-Chart-axis', x: 2, y: TOP + hour * hourHeight + 4 }, `${String(hour).padStart(2, '0')}:00`));
  }

  const slotWidth = columnWidth / Math.max(1, reservations.length);
  reservations.forEach((reservation, index) => {
    const start = Date.parse(reservation.starts_at);
    const end = Date.parse(reservation.ends_at);
    for (let day = 0; day < 7; day += 1) {
      const dayStart = new Date(week);
      dayStart.setDate(week.getDate() + day);
      const from = Math.max(start, dayStart.getTime());
      const to = Math.min(end, dayStart.getTime() + DAY_MS);
      if (to <= from) continue;
      const block = svgElement('rect', {
        class: 'dofc-Week-block',
        'data-reservation-id': reservation.id,
        x: LEFT + day * columnWidth + index * slotWidth + 1,
        y: TOP + ((from - dayStart.getTime()) / 3_600_000) * hourHeight,
        width: Math.max(3, slotWidth - 2),
        height: Math.max(2, ((to - from) / 3_600_000) * hourHeight),
      });
      block.append(svgElement('title', {}, `${reservation.team ?? reservation.owner}: ${reservation.cores} cores, ${reservation.mem_gb} GB`));
      root.append(block);
    }
  });
  return root;
}
