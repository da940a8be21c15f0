import type { Request } from 'express';
import type { Identity } from './identity.js';

// A WeakMap keeps the identity off the Request type and lets it go with the request.
const identities = new WeakMap<Request, Identity>();

export function setRequestIdentity(request: Request, identity: Identity): void {
  identities.set(request, identity);
}

/** Returns the identity the authentication middleware stored, or undefined on the open routes. */
export function findRequestIdentity(request: Request): Identity | undefined {
  return identities.get(request);
}
