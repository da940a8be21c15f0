import type { TranslationBundle } from '@jupyterlab/translation';
import type { LiveOps, UsagePoint } from './api-types';
import { formatClock, formatDuration, formatPercent } from './format';
import { polylinePoints, svgElement, svgRoot } from './svg';

/** Drawing box of every Live Ops chart; the SVG scales it to the sidebar's width. */
const WIDTH = 300;
const LEFT = 4;
const RIGHT = WIDTH - 4;
const LABEL_WIDTH = 70;

/**
 * Draw one resource's use over the recent hours. Cores show the interactive and heavy parts
 * stacked, memory one area. The capacity is the top line, and the interactive floor is a dashed
 * line that steps when business hours begin or end.
 */
export function usageChart(points: UsagePoint[], resource: 'cores' | 'mem_gb', capacity: number, trans: TranslationBundle): SVGSVGElement {
  const height = 90;
  const top = 12;
  const bottom = height - 14;
  const title = resource === 'cores' ? trans.__('Cores in use against %1', capacity) : trans.__('Memory in use against %1 GB', capacity);
  const root = svgRoot(`dofc-Chart dofc-UsageChart dofc-mod-${resource}`, WIDTH, height, title);
  const scale = Math.max(capacity, ...points.map((point) => point[resource]), 1);
  const y = (value: number): number => bottom - (value / scale) * (bottom - top);

  const area = (values: number[], className: string): SVGPolygonElement =>
    svgElement('polygon', { class: className, points: `${LEFT},${bottom} ${polylinePoints(values, LEFT, RIGHT, y)} ${RIGHT},${bottom}` });
  if (resource === 'cores') {
    root.append(area(points.map((point) => point.cores), 'dofc-Chart-heavy'));
    root.append(area(points.map((point) => point.interactive_cores), 'dofc-Chart-interactive'));
  } else {
    root.append(area(points.map((point) => point.mem_gb), 'dofc-Chart-memory'));
  }

  const floors = points.map((point) => (resource === 'cores' ? point.floor_cores : point.floor_mem_gb));
  root.append(
    svgElement('line', { class: 'dofc-Chart-capacity', x1: LEFT, x2: RIGHT, y1: y(capacity), y2: y(capacity) }),
    svgElement('polyline', { class: 'dofc-Chart-floor', points: polylinePoints(floors, LEFT, RIGHT, y) }),
    svgElement('text', { class: 'dofc-Chart-label', x: LEFT, y: top - 2 }, title),
  );

  const first = points[0];
  const last = points.at(-1);
  if (first !== undefined && last !== undefined) {
    root.append(
      svgElement('text', { class: 'dofc-Chart-axis', x: LEFT, y: height - 2 }, formatClock(new Date(first.at))),
      svgElement('text', { class: 'dofc-Chart-axis', x: RIGHT, y: height - 2, 'text-anchor': 'end' }, trans.__('now %1', last[resource].toFixed(resource === 'cores' ? 0 : 1))),
    );
  }
  return root;
}

interface Bar {
  key: string;
  label: string;
  /** Share of the scale, from 0 to 1; longer bars are cut at the end of the scale. */
  value: number;
  text: string;
  /** Position of a reference tick, from 0 to 1, such as the fair share or a threshold. */
  mark?: number;
  highlight?: boolean;
}

/** Draw labelled horizontal bars, each with an optional reference tick. */
export function barChart(className: string, title: string, bars: Bar[]): SVGSVGElement {
  const rowHeight = 18;
  const height = 16 + bars.length * rowHeight;
  const root = svgRoot(`dofc-Chart dofc-BarChart ${className}`, WIDTH, height, title);
  root.append(svgElement('text', { class: 'dofc-Chart-label', x: LEFT, y: 10 }, title));
  const barLeft = LEFT + LABEL_WIDTH;
  const barWidth = RIGHT - barLeft - 50;

  bars.forEach((bar, index) => {
    const rowTop = 16 + index * rowHeight;
    const group = svgElement('g', { class: `dofc-Bar${bar.highlight === true ? ' dofc-mod-above' : ''}`, 'data-key': bar.key });
    group.append(
      svgElement('text', { class: 'dofc-Bar-label', x: LEFT, y: rowTop + 12 }, bar.label),
      svgElement('rect', { class: 'dofc-Bar-track', x: barLeft, y: rowTop + 3, width: barWidth, height: 11 }),
      svgElement('rect', { class: 'dofc-Bar-fill', x: barLeft, y: rowTop + 3, width: (Math.min(Math.max(bar.value, 0), 1) * barWidth).toFixed(1), height: 11 }),
      svgElement('text', { class: 'dofc-Bar-text', x: barLeft + barWidth + 4, y: rowTop + 12 }, bar.text),
    );
    if (bar.mark !== undefined) {
      const x = barLeft + Math.min(Math.max(bar.mark, 0), 1) * barWidth;
      group.append(svgElement('line', { class: 'dofc-Bar-mark', x1: x, x2: x, y1: rowTop + 1, y2: rowTop + 16 }));
    }
    root.append(group);
  });
  return root;
}

/** Draw the queue length of each pool, scaled to the longest queue. */
export function queueChart(live: LiveOps, trans: TranslationBundle): SVGSVGElement {
  const longest = Math.max(1, ...live.pools.map((pool) => pool.queue_length));
  return barChart(
    'dofc-QueueChart',
    trans.__('Queued jobs per pool'),
    live.pools.map((pool) => ({ key: pool.pool, label: pool.pool, value: pool.queue_length / longest, text: String(pool.queue_length) })),
  );
}

/** Draw each user's dominant share with a tick at the user's fair share; users above it are highlighted. */
export function shareChart(live: LiveOps, trans: TranslationBundle): SVGSVGElement {
  return barChart(
    'dofc-ShareChart',
    trans.__('Dominant share against fair share (tick)'),
    live.users.map((user) => ({
      key: user.owner,
      label: user.owner,
      value: user.dominant_share,
      mark: user.fair_share,
      text: formatPercent(user.dominant_share),
      highlight: user.above_fair_share,
    })),
  );
}

/**
 * Draw the interactive service-level signals on a scale of twice their threshold, so the
 * threshold tick sits in the middle and a breach fills the bar past it.
 */
export function sloChart(live: LiveOps, trans: TranslationBundle): SVGSVGElement {
  const signal = (key: string, label: string, value: number | null, threshold: number): Bar => ({
    key,
    label,
    value: value === null ? 0 : value / (2 * threshold),
    mark: 0.5,
    text: value === null ? trans.__('no data') : formatDuration(value),
    highlight: value !== null && value > threshold,
  });
  const { slo } = live;
  return barChart('dofc-SloChart', trans.__('Interactive p95 against threshold (tick)'), [
    signal('queue_wait', trans.__('queue wait'), slo.queue_wait_p95_s, slo.queue_wait_threshold_s),
    signal('cell_latency', trans.__('cell latency'), slo.cell_latency_p95_s, slo.cell_latency_threshold_s),
  ]);
}
