import { createHmac, timingSafeEqual } from 'node:crypto';

export const USER_HEADER = 'X-Dofc-User';
export const TIMESTAMP_HEADER = 'X-Dofc-Timestamp';
export const SIGNATURE_HEADER = 'X-Dofc-Signature';

/** The headers of one signed identity assertion, as the Jupyter proxy sends them. */
export interface SignedAssertionHeaders {
  user: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** Outcome of checking an assertion: the asserted user, or the reason it is not accepted. */
export type AssertionCheck = { ok: true; user: string } | { ok: false; reason: string };

/**
 * Computes the hex HMAC-SHA256 of `user\ntimestamp\nMETHOD\npath`, where `path` includes the query
 * string. It is the scheme of `dofc/jupyter/identity.py`, so a signature binds the user to one
 * method and route and cannot be replayed for another.
 */
export function signAssertion(secret: Buffer, user: string, timestampS: number, method: string, path: string): string {
  const message = [user, String(timestampS), method.toUpperCase(), path].join('\n');
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** Returns the three identity headers that assert `user` for one request. */
export function signedAssertionHeaders(secret: Buffer, user: string, method: string, path: string, nowMs: number): Record<string, string> {
  const timestampS = Math.floor(nowMs / 1000);
  return {
    [USER_HEADER]: user,
    [TIMESTAMP_HEADER]: String(timestampS),
    [SIGNATURE_HEADER]: signAssertion(secret, user, timestampS, method, path),
  };
}

/**
 * Checks an assertion against the shared secret. The timestamp must lie within `maxAgeS` of
 * `nowMs` in either direction, which bounds how long a captured request can be replayed.
 */
export function verifyAssertion(
  secret: Buffer,
  headers: SignedAssertionHeaders,
  method: string,
  path: string,
  nowMs: number,
  maxAgeS: number,
): AssertionCheck {
  const { user, timestamp, signature } = headers;
  if (user === undefined || timestamp === undefined || signature === undefined) {
    return { ok: false, reason: `a signed assertion needs all of ${USER_HEADER}, ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER}` };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: `${TIMESTAMP_HEADER} ${JSON.stringify(timestamp)} is not a Unix time in whole seconds` };
  }

  const skewS = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skewS > maxAgeS) {
    return { ok: false, reason: `${TIMESTAMP_HEADER} is ${Math.round(skewS)} s away from the scheduler's clock, more than the ${maxAgeS} s allowed; sign each request when it is sent and keep the clocks in sync` };
  }

  const expected = Buffer.from(signAssertion(secret, user, Number(timestamp), method, path), 'hex');
  const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : null;
  // timingSafeEqual needs equal lengths, and a wrong length reveals nothing about the secret.
  if (given === null || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: `${SIGNATURE_HEADER} does not match; the proxy and the scheduler must share the same DOFC_SHARED_SECRET` };
  }
  return { ok: true, user };
}
