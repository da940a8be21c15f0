import type { TranslationBundle } from '@jupyterlab/translation';
import type { JobEvent } from './api-types';
import type { JobView } from './job-types';
import { formatClock } from './format';
import { estimateFinish } from './status-text';
import { svgElement, svgRoot } from './svg';

const WIDTH = 900;
const LEFT = 110;
const RIGHT = WIDTH - 20;
const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 28;

/** The rows of the drawing, top to bottom, and the event types each one shows. */
const LANES: Array<{ lane: string; title: string; matches: (event: JobEvent) => boolean }> = [
  { lane: 'state', title: 'State', matches: (event) => event.type === 'state' },
  { lane: 'preflight', title: 'Pre-flight', matches: (event) => event.type === 'preflight' },
  { lane: 'promise', title: 'Promise', matches: (event) => event.type === 'promise' || event.type === 'critical_approved' || event.type === 'critical_lane_used' },
  { lane: 'progress', title: 'Progress', matches: (event) => event.type === 'progress' || event.type === 'eta' },
  { lane: 'checkpoint', title: 'Pause, checkpoint', matches: (event) => /pause|resume|checkpoint|preempt/.test(event.type) },
  { lane: 'other', title: 'Other', matches: () => true },
];

/** Return the lane an event is drawn on: the first whose rule matches. */
export function laneOf(event: JobEvent): string {
  return (LANES.find((lane) => lane.matches(event)) ?? LANES[LANES.length - 1]!).lane;
}

/** When a job is expected to finish: the pre-flight p50 to p90 band and the live estimate. */
export interface EtaBand {
  /** Null when pre-flight had no run-time estimate or the job has neither a start nor a planned start. */
  p50: number | null;
  p90: number | null;
  /** The live estimate from the latest `eta` event or the job's pace; null before any progress. */
  live: number | null;
}

/**
 * Compute the finish band: p50 and p90 counted from the start (or the planned start while the job
 * waits), and the live finish from the latest `eta` event or the job's pace. Returns null once the
 * job has ended.
 */
export function etaBand(job: JobView, events: JobEvent[], now: Date): EtaBand | null {
  if (job.finished_at !== null) return null;
  const p50S = typeof job.spec['eta_p50_s'] === 'number' ? job.spec['eta_p50_s'] : null;
  const p90S = typeof job.spec['eta_p90_s'] === 'number' ? job.spec['eta_p90_s'] : p50S;
  const startText = job.started_at ?? job.planned_start;
  const start = startText === null ? null : Date.parse(startText);

  const lastEta = [...events].reverse().find((event) => event.type === 'eta' && typeof event.data?.['finish_at'] === 'string');
  const liveText = lastEta?.data?.['finish_at'] as string | undefined;
  const live = liveText !== undefined ? Date.parse(liveText) : (estimateFinish(job, now)?.getTime() ?? null);
  return {
    p50: start === null || p50S === null ? null : start + p50S * 1000,
    p90: start === null || p90S === null ? null : start + p90S * 1000,
    live,
  };
}

/** Draw a job's events on a time axis, one lane per kind, with the finish band and "now". */
export function drawTimeline(job: JobView, events: JobEvent[], now: Date, trans: TranslationBundle): SVGSVGElement {
  const lanes = LANES.filter((lane) => lane.lane !== 'other' || events.some((event) => laneOf(event) === 'other'));
  const height = AXIS_HEIGHT + lanes.length * ROW_HEIGHT + 8;
  const root = svgRoot('dofc-Timeline-chart', WIDTH, height, trans.__('Timeline of job %1', job.job_id));

  const band = etaBand(job, events, now);
  const times = [Date.parse(job.submitted_at), now.getTime(), ...events.map((event) => Date.parse(event.at))];
  if (job.finished_at !== null) times.push(Date.parse(job.finished_at));
  for (const at of [band?.p50, band?.p90, band?.live]) if (typeof at === 'number') times.push(at);
  const from = Math.min(...times);
  const to = Math.max(from + 1000, ...times);
  const x = (at: number): number => LEFT + ((at - from) / (to - from)) * (RIGHT - LEFT);
  const laneTop = (index: number): number => AXIS_HEIGHT + index * ROW_HEIGHT;

  lanes.forEach((lane, index) => {
    root.append(
      svgElement('rect', { class: 'dofc-Timeline-lane', x: LEFT, y: laneTop(index), width: RIGHT - LEFT, height: ROW_HEIGHT - 4 }),
      svgElement('text', { class: 'dofc-Timeline-laneTitle', x: 4, y: laneTop(index) + 15 }, trans.__(lane.title)),
    );
  });

  if (band !== null && band.p50 !== null && band.p90 !== null) {
    const bandNode = svgElement('rect', {
      class: 'dofc-Timeline-band',
      x: x(band.p50),
      y: AXIS_HEIGHT - 4,
      width: Math.max(2, x(band.p90) - x(band.p50)),
      height: lanes.length * ROW_HEIGHT,
    });
    bandNode.append(svgElement('title', {}, trans.__('Expected finish between %1 (p50) and %2 (p90)', formatClock(new Date(band.p50)), formatClock(new Date(band.p90)))));
    root.append(bandNode);
  }
  if (band !== null && band.live !== null) {
    root.append(
      svgElement('line', { class: 'dofc-Timeline-liveEta', x1: x(band.live), x2: x(band.live), y1: AXIS_HEIGHT - 8, y2: height - 4 }),
      svgElement('text', { class: 'dofc-Timeline-axis dofc-Timeline-etaText', x: x(band.live), y: AXIS_HEIGHT - 10, 'text-anchor': 'middle' }, trans.__('ETA %1', formatClock(new Date(band.live)))),
    );
  }

  const ticks = axisTicks(from, to);
  // Ticks closer than a minute apart would all read the same "HH:MM".
  const withSeconds = ticks.length > 1 && (ticks[1] ?? 0) - (ticks[0] ?? 0) < 60_000;
  for (const tick of ticks) {
    root.append(
      svgElement('line', { class: 'dofc-Timeline-tick', x1: x(tick), x2: x(tick), y1: AXIS_HEIGHT - 4, y2: height - 4 }),
      svgElement('text', { class: 'dofc-Timeline-axis', x: x(tick), y: 10, 'text-anchor': 'middle' }, formatClock(new Date(tick), now, withSeconds)),
    );
  }

  if (job.finished_at === null) {
    root.append(svgElement('line', { class: 'dofc-Timeline-now', x1: x(now.getTime()), x2: x(now.getTime()), y1: AXIS_HEIGHT - 4, y2: height - 4 }));
  }

  for (const event of events) {
    const index = lanes.findIndex((lane) => lane.lane === laneOf(event));
    const marker = svgElement('circle', {
      class: `dofc-Timeline-event dofc-type-${event.type}${event.to_state !== null ? ` dofc-state-${event.to_state}` : ''}`,
      cx: x(Date.parse(event.at)).toFixed(1),
      cy: laneTop(index) + (ROW_HEIGHT - 4) / 2,
      r: 5,
      'data-event-id': event.id,
      'data-type': event.type,
    });
    marker.append(svgElement('title', {}, `${formatClock(new Date(event.at), now)} ${eventTitle(event)}: ${event.message ?? ''}`));
    root.append(marker);
  }
  return root;
}

/** Return a short name for an event: its new state, or its type. */
export function eventTitle(event: JobEvent): string {
  if (event.type === 'state' && event.to_state !== null) return event.to_state;
  return event.type.replace(/_/g, ' ');
}

/** Return about six round instants between `from` and `to`, for the axis labels. */
function axisTicks(from: number, to: number): number[] {
  const steps = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86400].map((seconds) => seconds * 1000);
  const step = steps.find((candidate) => (to - from) / candidate <= 6) ?? steps[steps.length - 1]!;
  const ticks: number[] = [];
  for (let at = Math.ceil(from / step) * step; at <= to; at += step) ticks.push(at);
  return ticks;
}
