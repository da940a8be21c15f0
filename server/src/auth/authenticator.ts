import type { Knex } from 'knex';
import { checkToken, TOKEN_PREFIX } from './api-tokens.js';
import { UnauthenticatedError } from './errors.js';
import { TEAM_NAME_PATTERN, toUserName, USER_NAME_PATTERN, type Identity } from './identity.js';
import { JupyterHubTokens, type HubUser } from './jupyterhub.js';
import type { AuthSettings } from './settings.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, USER_HEADER, verifyAssertion, type SignedAssertionHeaders } from './signed-assertion.js';
import { identityFromRow, identityOf } from './users.js';

/** The parts of an HTTP request that carry credentials. */
export interface CredentialRequest {
  method: string;
  /** Path with the query string, exactly as the client sent it, because signatures cover it. */
  url: string;
  header(name: string): string | undefined;
}

/**
 * Turns a request's credential into an identity. It accepts, in this order: a personal token
 * (`Authorization: Bearer dofc_...`), a JupyterHub token (`Authorization: token ...` or a
 * Bearer token without the dofc_ prefix) when a hub is configured, and the Jupyter proxy's
 * signed assertion. An X-Dofc-User header without a valid signature grants nothing.
 */
export class Authenticator {
  private readonly hub: JupyterHubTokens | null;

  constructor(
    private readonly db: Knex,
    private readonly settings: AuthSettings,
    private readonly secret: Buffer,
    private readonly now: () => Date,
  ) {
    this.hub = settings.jupyterHub === null ? null : new JupyterHubTokens(settings.jupyterHub, () => now().getTime());
  }

  async authenticate(request: CredentialRequest): Promise<Identity> {
    const authorization = request.header('Authorization');
    if (authorization !== undefined) return this.fromAuthorization(authorization);

    if (request.header(SIGNATURE_HEADER) !== undefined) return this.fromAssertion(request);

    if (request.header(USER_HEADER) !== undefined) {
      throw this.rejection(`${USER_HEADER} alone is not a credential`);
    }
    throw this.rejection('the request carries no credential');
  }

  private async fromAuthorization(header: string): Promise<Identity> {
    const match = /^(Bearer|token)\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw this.rejection('the Authorization header is neither "Bearer <token>" nor "token <token>"');
    const token = match[2] as string;

    if (token.startsWith(TOKEN_PREFIX)) {
      const check = await checkToken(this.db, token, this.now());
      if (!check.ok) throw this.rejection(check.reason);
      if (check.user !== null) return identityFromRow(check.owner, check.user);
      return identityOf(this.db, check.owner, this.settings.defaultTeam, this.now());
    }

    if (this.hub === null) {
      throw this.rejection(`the token is not a DOFC API token (those start with ${TOKEN_PREFIX}) and no JupyterHub is configured to check it`);
    }
    const check = await this.hub.check(token);
    if (!check.ok) throw this.rejection(check.reason);
    return this.fromHubUser(check.user);
  }

  /**
   * A hub admin is a DOFC admin. A hub user first seen joins their first hub group in name order
   * (or DOFC_DEFAULT_TEAM without groups); afterwards the team and role stored in DOFC apply.
   */
  private async fromHubUser(hubUser: HubUser): Promise<Identity> {
    const firstGroup = [...hubUser.groups].sort().find((group) => TEAM_NAME_PATTERN.test(group));
    const identity = await identityOf(this.db, toUserName(hubUser.name), firstGroup ?? this.settings.defaultTeam, this.now());
    return hubUser.admin ? { ...identity, role: 'admin' } : identity;
  }

  private async fromAssertion(request: CredentialRequest): Promise<Identity> {
    const headers: SignedAssertionHeaders = {
      user: request.header(USER_HEADER),
      timestamp: request.header(TIMESTAMP_HEADER),
      signature: request.header(SIGNATURE_HEADER),
    };
    const check = verifyAssertion(this.secret, headers, request.method, request.url, this.now().getTime(), this.settings.signatureMaxAgeS);
    if (!check.ok) throw this.rejection(check.reason);
    if (!USER_NAME_PATTERN.test(check.user)) {
      throw this.rejection(`the asserted user ${JSON.stringify(check.user)} is invalid: user names are 1 to 64 letters, digits or _ . @ -`);
    }
    return identityOf(this.db, check.user, this.settings.defaultTeam, this.now());
  }

  private rejection(reason: string): UnauthenticatedError {
    return new UnauthenticatedError(
      'unauthenticated',
      `Authentication failed: ${reason}. Send "Authorization: Bearer dofc_..." with a personal API token (create one with "dofc token create")${this.hub === null ? '' : ', "Authorization: token ..." with a JupyterHub token'}, or call through the Jupyter proxy, which signs the X-Dofc-User header.`,
    );
  }
}
