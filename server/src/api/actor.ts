import type { Request } from 'express';

/**
 * The name recorded as the author of an admin change.
 * TODO: take it from the authenticated identity once the API authenticates requests; until
 * then it is the unverified X-Dofc-User header, so it must not be used to grant rights.
 */
export function requestActor(request: Request): string {
  const header = request.get('X-Dofc-User');
  return header !== undefined && /^[A-Za-z0-9_.@-]{1,64}$/.test(header) ? header : 'anonymous';
}
