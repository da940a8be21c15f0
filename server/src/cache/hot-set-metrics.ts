import { Counter, Gauge, type Registry } from 'prom-client';
import type { HotSetCache } from './hot-set-cache.js';

/** Register the hot-set cache's lookups by result and its size against its bound. */
export function registerHotSetMetrics(registry: Registry, cache: HotSetCache): void {
  const registers = [registry];
  const counted = { hits: 0, misses: 0 };
  new Counter({
    name: 'dofc_hot_set_lookups_total',
    help: 'Reads of local files by jobs through the hot-set cache, by result (hit or miss), counted at each cache refresh.',
    labelNames: ['result'],
    registers,
    collect() {
      const stats = cache.stats();
      this.inc({ result: 'hit' }, stats.hits - counted.hits);
      this.inc({ result: 'miss' }, stats.misses - counted.misses);
      counted.hits = stats.hits;
      counted.misses = stats.misses;
    },
  });
  new Gauge({
    name: 'dofc_hot_set_bytes',
    help: 'Bytes of input copies in the hot-set cache.',
    registers,
    collect() {
      this.set(cache.stats().bytes);
    },
  });
  new Gauge({
    name: 'dofc_hot_set_max_bytes',
    help: 'Size bound of the hot-set cache (DOFC_HOT_SET_GB).',
    registers,
    collect() {
      this.set(cache.stats().max_bytes);
    },
  });
  new Gauge({
    name: 'dofc_hot_set_entries',
    help: 'Input copies in the hot-set cache.',
    registers,
    collect() {
      this.set(cache.stats().entries);
    },
  });
}
