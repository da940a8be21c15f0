import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { requestActor } from './actor.js';

/** A token bucket per user: `perMinute` tokens refill each minute, up to `burst` saved. */
export interface RateLimitSettings {
  perMinute: number;
  burst: number;
}

export const DEFAULT_SUBMIT_RATE_LIMIT: RateLimitSettings = { perMinute: 30, burst: 60 };

/** The requests that create work and so count against a user's submission rate. */
const LIMITED_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'POST', path: '/jobs' },
  { method: 'POST', path: '/jobs/' },
  { method: 'POST', path: '/preflight' },
  { method: 'POST', path: '/preflight/' },
  { method: 'POST', path: '/recurring' },
  { method: 'POST', path: '/recurring/' },
];

/** Buckets kept before idle, full ones are dropped; a bound so many user names cannot grow memory. */
const MAX_TRACKED_USERS = 10_000;

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a positive number or unset it.`);
  }
  return value;
}

/** Read DOFC_SUBMIT_RATE_PER_MIN and DOFC_SUBMIT_BURST (submissions per user), with the defaults. */
export function loadRateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const perMinute = positiveNumber('DOFC_SUBMIT_RATE_PER_MIN', env['DOFC_SUBMIT_RATE_PER_MIN'], DEFAULT_SUBMIT_RATE_LIMIT.perMinute);
  const burst = positiveNumber('DOFC_SUBMIT_BURST', env['DOFC_SUBMIT_BURST'], Math.max(DEFAULT_SUBMIT_RATE_LIMIT.burst, perMinute));
  if (burst < 1) throw new Error(`DOFC_SUBMIT_BURST=${burst} is invalid: a bucket must hold at least one submission.`);
  return { perMinute, burst };
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token buckets keyed by user. `take` spends one token or returns the wait until one refills. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly settings: RateLimitSettings) {}

  /** Spend one token of `key` at `nowMs`; returns 0 on success, else the milliseconds to wait. */
  take(key: string, nowMs: number): number {
    const refillPerMs = this.settings.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.settings.burst, updatedMs: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.updatedMs);
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + elapsed * refillPerMs);
    bucket.updatedMs = nowMs;

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.remember(key, bucket, nowMs);
      return 0;
    }
    this.remember(key, bucket, nowMs);
    return Math.ceil((1 - bucket.tokens) / refillPerMs);
  }

  private remember(key: string, bucket: Bucket, nowMs: number): void {
    this.buckets.set(key, bucket);
    if (this.buckets.size <= MAX_TRACKED_USERS) return;
    // A bucket that would be full again carries no state, so forgetting it changes nothing.
    const refillPerMs = this.settings.perMinute / 60_000;
    for (const [name, other] of this.buckets) {
      if (other.tokens + (nowMs - other.updatedMs) * refillPerMs >= this.settings.burst) this.buckets.delete(name);
    }
  }
}

/**
 * Limit each authenticated user's submissions (POST /jobs, /preflight and /recurring) with a token
 * bucket. Over the limit the request gets 429 with Retry-After in whole seconds. Register it after
 * the authentication middleware, because it keys buckets by the authenticated user.
 */
export function submissionRateLimit(settings: RateLimitSettings, now: () => Date): RequestHandler {
  const buckets = new TokenBuckets(settings);
  return (request: Request, response: Response, next: NextFunction) => {
    if (!LIMITED_ROUTES.some((route) => route.method === request.method && route.path === request.path)) {
      next();
      return;
    }
    const user = requestActor(request);
    const waitMs = buckets.take(user, now().getTime());
    if (waitMs === 0) {
      next();
      return;
    }
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    response
      .status(429)
      .set('Retry-After', String(retryAfterS))
      .json({
        error: 'rate_limited',
        message: `${user} sent more than ${settings.perMinute} submissions per minute (bursts of up to ${settings.burst} are allowed); retry after ${retryAfterS} s. An admin can raise DOFC_SUBMIT_RATE_PER_MIN and DOFC_SUBMIT_BURST.`,
      });
  };
}
