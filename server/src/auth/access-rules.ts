/**
 * How a route decides who may call it:
 * - `public`: anyone, without a credential;
 * - `authenticated`: any authenticated user (the handler limits lists to what the caller may see);
 * - `job`: the job's owner, a team lead of the job's team, or an admin;
 * - `recurring`: the same for a recurring submission;
 * - `admin`: admins only.
 */
export type AccessRule = 'public' | 'authenticated' | 'job' | 'recurring' | 'admin';

export interface RouteAccess {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as /openapi.json writes it, with `{name}` for a path parameter. */
  path: string;
  rule: AccessRule;
}

/**
 * Every route's rule, in one table. A request that matches no row needs the admin role, so a new
 * route is closed until it gets a row here; the authorization matrix test fails for any route in
 * /openapi.json without one.
 */
export const ROUTE_ACCESS: readonly RouteAccess[] = [
  // Open, so load balancers and Prometheus can probe without a credential; none of them shows a job.
  { method: 'GET', path: '/health', rule: 'public' },
  { method: 'GET', path: '/openapi.json', rule: 'public' },
  { method: 'GET', path: '/metrics', rule: 'public' },

  { method: 'GET', path: '/me', rule: 'authenticated' },
  { method: 'GET', path: '/me/tokens', rule: 'authenticated' },
  { method: 'POST', path: '/me/tokens', rule: 'authenticated' },
  { method: 'DELETE', path: '/me/tokens/{id}', rule: 'authenticated' },

  { method: 'POST', path: '/jobs', rule: 'authenticated' },
  { method: 'GET', path: '/jobs', rule: 'authenticated' },
  { method: 'GET', path: '/jobs/stream', rule: 'authenticated' },
  { method: 'GET', path: '/jobs/{id}', rule: 'job' },
  { method: 'POST', path: '/jobs/{id}/cancel', rule: 'job' },
  { method: 'POST', path: '/jobs/{id}/resubmit', rule: 'job' },
  { method: 'GET', path: '/jobs/{id}/events', rule: 'job' },
  { method: 'GET', path: '/jobs/{id}/logs', rule: 'job' },
  { method: 'GET', path: '/jobs/{id}/output', rule: 'job' },
  { method: 'GET', path: '/jobs/{id}/report', rule: 'job' },
  { method: 'GET', path: '/jobs/{id}/stream', rule: 'job' },

  { method: 'POST', path: '/preflight', rule: 'authenticated' },
  { method: 'POST', path: '/observations/cell-latency', rule: 'authenticated' },
  { method: 'GET', path: '/ops/live', rule: 'authenticated' },

  { method: 'GET', path: '/recurring', rule: 'authenticated' },
  { method: 'POST', path: '/recurring', rule: 'authenticated' },
  { method: 'DELETE', path: '/recurring/{id}', rule: 'recurring' },

  { method: 'GET', path: '/admin/policy', rule: 'admin' },
  { method: 'PUT', path: '/admin/policy', rule: 'admin' },
  { method: 'GET', path: '/admin/reservations', rule: 'admin' },
  { method: 'POST', path: '/admin/reservations', rule: 'admin' },
  { method: 'DELETE', path: '/admin/reservations/{id}', rule: 'admin' },
  { method: 'POST', path: '/admin/jobs/{id}/approve-critical', rule: 'admin' },
  { method: 'GET', path: '/admin/users', rule: 'admin' },
  { method: 'GET', path: '/admin/users/{name}', rule: 'admin' },
  { method: 'PUT', path: '/admin/users/{name}', rule: 'admin' },
  { method: 'GET', path: '/admin/audit', rule: 'admin' },
  { method: 'GET', path: '/admin/critical-grants', rule: 'admin' },
  { method: 'POST', path: '/admin/critical-grants', rule: 'admin' },
];

/** A matched row with the values of its path parameters. */
export interface MatchedAccess {
  access: RouteAccess;
  params: Record<string, string>;
}

interface CompiledRoute {
  access: RouteAccess;
  pattern: RegExp;
  names: string[];
  /** Literal routes such as /jobs/stream must win over templates such as /jobs/{id}. */
  literal: boolean;
}

function compile(access: RouteAccess): CompiledRoute {
  const names: string[] = [];
  const source = access.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(parameter[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { access, pattern: new RegExp(`^${source}/?$`), names, literal: names.length === 0 };
}

/** Builds the lookup of a rule table; a method and path that match no row return null. */
export function accessMatcher(table: readonly RouteAccess[]): (method: string, path: string) => MatchedAccess | null {
  const compiled = table.map(compile).sort((a, b) => Number(b.literal) - Number(a.literal));
  return (method, path) => {
    // Express handles HEAD with the GET handler, so HEAD follows the GET rule.
    const effective = method === 'HEAD' ? 'GET' : method;
    for (const route of compiled) {
      if (route.access.method !== effective) continue;
      const match = route.pattern.exec(path);
      if (match === null) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodePathSegment(match[index + 1] as string);
      });
      return { access: route.access, params };
    }
    return null;
  };
}

/** A malformed escape stays as sent, so the handler rejects it with its own 400 or 404. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
