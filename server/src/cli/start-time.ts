/** The clock time an "off-peak" start means, in the submitting machine's time zone. */
export const OFF_PEAK_START = '19:00';

/**
 * Turn a --not-before value into an ISO timestamp: "HH:MM" is its next occurrence in the local
 * time zone, "off-peak" is the next 19:00, and a full ISO date-time is taken as given.
 * Returns null when the value is none of these.
 */
export function resolveStartTime(value: string, now: Date): string | null {
  const text = value.trim().toLowerCase() === 'off-peak' ? OFF_PEAK_START : value.trim();
  const clock = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (clock !== null) {
    const target = new Date(now);
    target.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
    if (target.getTime() <= now.getTime()) target.setDate(target.getDate() + 1);
    return target.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const parsed = new Date(text);
    return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
  }
  return null;
}
