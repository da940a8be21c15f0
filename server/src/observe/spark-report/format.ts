const BYTE_UNITS = ['kB', 'MB', 'GB', 'TB', 'PB'];

/** Formats a byte count in decimal units (1 MB = 10^6 bytes), the units of Spark's documentation examples. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1000) {
    return `${bytes} B`;
  }
  let value = bytes;
  let unit = 'B';
  for (const next of BYTE_UNITS) {
    if (Math.abs(value) < 1000) {
      break;
    }
    value /= 1000;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** Formats milliseconds as "752 ms", "15.8 s", "3 min 25 s" or "2 h 05 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, '0')} min`;
}

/** Formats a share between 0 and 1 as a whole percentage, or with one decimal below 10%. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  return percent < 10 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

/** Formats a ratio such as a skew factor: whole numbers from 10 up, one decimal below. */
export function formatRatio(ratio: number): string {
  return ratio >= 10 ? String(Math.round(ratio)) : ratio.toFixed(1);
}

/** Formats an epoch-millisecond time as ISO 8601 in UTC. */
export function formatTime(epochMs: number | null): string {
  return epochMs === null ? 'unknown' : new Date(epochMs).toISOString();
}

/** Returns the first line of a message, such as an exception description followed by its stack trace. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? '';
}
