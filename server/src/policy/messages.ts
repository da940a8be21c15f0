/** Wording shared by the decision messages. */

/** "40 s", "45 min", "1 h 10 min", "2 d 3 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours === 0 ? `${days} d` : `${days} d ${restHours} h`;
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

export function poolTitle(pool: string): string {
  return pool.charAt(0).toUpperCase() + pool.slice(1);
}
