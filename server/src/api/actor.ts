import type { Request } from 'express';
import type { Identity } from '../auth/identity.js';
import { findRequestIdentity } from '../auth/request-identity.js';

/**
 * The authenticated caller of a request. Every route except /health, /openapi.json and /metrics
 * runs after the authentication middleware, so calling this on one of those three is a bug.
 */
export function requestIdentity(request: Request): Identity {
  const identity = findRequestIdentity(request);
  if (identity === undefined) {
    throw new Error(`${request.method} ${request.path} has no authenticated identity; its route must not be public in ROUTE_ACCESS`);
  }
  return identity;
}

/** The name recorded as the author of a change: the authenticated user. */
export function requestActor(request: Request): string {
  return requestIdentity(request).user;
}
