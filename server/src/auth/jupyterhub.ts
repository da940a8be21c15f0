import { hashToken } from './api-tokens.js';
import type { JupyterHubSettings } from './settings.js';

/** The parts of JupyterHub's user model (GET /hub/api/user) that DOFC uses. */
export interface HubUser {
  name: string;
  admin: boolean;
  groups: string[];
}

/** Outcome of asking the hub about a token. */
export type HubCheck = { ok: true; user: HubUser } | { ok: false; reason: string };

/** Time the hub has to respond; after it, the request fails with 401 and a message that says so. */
const HUB_TIMEOUT_MS = 5_000;

/** Upper bound on cached tokens, so a flood of distinct valid tokens cannot grow memory without end. */
const MAX_CACHED_TOKENS = 10_000;

/**
 * Checks JupyterHub tokens the way a JupyterHub service does: `GET {api}/user` with
 * `Authorization: token ...` returns the token's owner. Accepted tokens are cached for
 * `cacheTtlMs`, so a token revoked at the hub keeps working for at most that long; rejections are
 * not cached, so a token that has just been issued works at once.
 */
export class JupyterHubTokens {
  private readonly cache = new Map<string, { user: HubUser; until: number }>();

  constructor(
    private readonly settings: JupyterHubSettings,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async check(token: string): Promise<HubCheck> {
    // The cache is keyed by the hash, so the process memory contains no hub token.
    const key = hashToken(token);
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > this.nowMs()) return { ok: true, user: cached.user };
    this.cache.delete(key);

    const url = `${this.settings.apiUrl}/user`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `token ${token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
      });
    } catch (error) {
      return { ok: false, reason: `JupyterHub at ${url} did not respond (${(error as Error).message}), so the hub token cannot be checked; try again when the hub is up` };
    }
    if (response.status === 401 || response.status === 403) {
      return { ok: false, reason: 'JupyterHub rejected the token: it is unknown, expired or revoked' };
    }
    if (!response.ok) {
      return { ok: false, reason: `JupyterHub at ${url} answered ${response.status}, so the hub token cannot be checked; check the hub's log` };
    }

    const user = parseHubUser(await response.json().catch(() => null));
    if (user === null) return { ok: false, reason: `JupyterHub at ${url} returned no user name for the token; the token may belong to a service, not a user` };

    if (this.cache.size >= MAX_CACHED_TOKENS) this.cache.clear();
    this.cache.set(key, { user, until: this.nowMs() + this.settings.cacheTtlMs });
    return { ok: true, user };
  }
}

function parseHubUser(body: unknown): HubUser | null {
  if (typeof body !== 'object' || body === null) return null;
  const model = body as { kind?: unknown; name?: unknown; admin?: unknown; groups?: unknown };
  // GET /user also accepts a service token and returns kind "service". Only users may act on jobs.
  if (model.kind !== undefined && model.kind !== 'user') return null;
  if (typeof model.name !== 'string' || model.name === '') return null;
  const groups = Array.isArray(model.groups) ? model.groups.filter((group): group is string => typeof group === 'string') : [];
  return { name: model.name, admin: model.admin === true, groups };
}
