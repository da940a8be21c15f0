import type { Request, RequestHandler } from 'express';
import type { ServiceMetrics } from './metrics.js';

/**
 * Time every request and record it under its route pattern (`/jobs/:id`), not its path, so job
 * ids do not create a label value each. Requests no route matched share the label "unmatched".
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const route = trackRoutePattern(request);
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(request.method, route.pattern ?? 'unmatched', response.statusCode, seconds);
    });
    next();
  };
}

/**
 * Record the full pattern of the route that handles the request at the moment Express assigns
 * `request.route`. Reading it at the end is not enough: when a handler throws, Express has left
 * the sub-router by then and restored `request.baseUrl`, so the mount path (such as /jobs) is lost.
 */
function trackRoutePattern(request: Request): { pattern: string | null } {
  const tracked: { pattern: string | null } = { pattern: null };
  let current: unknown = request.route;
  Object.defineProperty(request, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: unknown) => {
      current = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (typeof path === 'string') tracked.pattern = withoutTrailingSlash(`${request.baseUrl}${path}`);
    },
  });
  return tracked;
}

// A router mounted at /jobs reports its '/' route as '/jobs/'.
function withoutTrailingSlash(pattern: string): string {
  if (pattern === '') return '/';
  return pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
}
