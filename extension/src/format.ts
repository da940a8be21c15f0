/** Format a duration in seconds as "45 s", "12 min" or "3 h 20 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Format gigabytes with the precision their size needs, so a tiny estimate does not read as zero. */
export function formatGb(gb: number): string {
  if (gb === 0 || gb >= 10) return `${gb.toFixed(0)} GB`;
  if (gb >= 0.1) return `${gb.toFixed(1)} GB`;
  return `${gb.toPrecision(2)} GB`;
}

/** Format a share from 0 to 1 as a whole percentage. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Format a date as local "HH:MM" (or "HH:MM:SS" with `seconds`), with the weekday when it is not today. */
export function formatClock(value: Date, now: Date = new Date(), seconds = false): string {
  const time = value.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
  if (value.toDateString() === now.toDateString()) return time;
  return `${value.toLocaleDateString([], { weekday: 'short' })} ${time}`;
}

/** Create an element with a class and, optionally, its text. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
