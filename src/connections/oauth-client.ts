import * as oauth from 'oauth4webapi';
import { isLoopbackUrl, type OAuthEndpoints, type ProviderDef } from './providers.ts';

/**
 * The gateway as an OAuth client of the upstream providers, on `oauth4webapi` (panva): authorization URLs with
 * `state` and PKCE S256, the authorization response check (state, error, `iss` when present), the code exchange and
 * the refresh grant, with the token responses validated (token_type, types of every field).
 *
 * Nothing here logs, and errors never carry a token: oauth4webapi's errors can hold the whole response body (a
 * non-conforming success response would include the tokens), so they are turned into `OAuthFailure`s that keep
 * only the status and the OAuth error code.
 */
export interface OAuthApp {
  provider: ProviderDef;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  endpoints: OAuthEndpoints;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** ISO time the access token expires, when the provider said (`expires_in`). */
  expiresAt?: string;
  scope?: string;
  /** Gong: the customer's API base (`api_base_url_for_customer`). */
  apiBaseUrl?: string;
}

/**
 * Why an upstream OAuth exchange failed:
 * - `invalid_grant`: the code or refresh token is dead (revoked, reused, expired): the user must connect again;
 * - `invalid_client`: the app's credentials are wrong: an administrator must fix the auth config;
 * - `denied`: the user refused consent;
 * - `transient`: network, timeout, 5xx, 429: trying later may work;
 * - `invalid_response`: the provider answered something that is not OAuth.
 */
export type OAuthFailureKind = 'invalid_grant' | 'invalid_client' | 'denied' | 'transient' | 'invalid_response';

export class OAuthFailure extends Error {
  readonly kind: OAuthFailureKind;
  readonly status: number | undefined;
  readonly oauthError: string | undefined;
  constructor(kind: OAuthFailureKind, message: string, status?: number, oauthError?: string) {
    super(message);
    this.name = 'OAuthFailure';
    this.kind = kind;
    this.status = status;
    this.oauthError = oauthError;
  }
}

/** Token endpoint round trips get this long (an attempt of a tool call gets 20 s; a refresh is part of one). */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

function server(app: OAuthApp): oauth.AuthorizationServer {
  return {
    issuer: new URL(app.endpoints.authorize).origin,
    authorization_endpoint: app.endpoints.authorize,
    token_endpoint: app.endpoints.token,
  };
}

/**
 * Client authentication. Atlassian: client_secret_post. Gong: HTTP Basic over the raw `client_id:client_secret`, as
 * Gong documents it; oauth4webapi's ClientSecretBasic form-urlencodes both first (RFC 6749 §2.3.1), which Gong's
 * endpoint does not undo for ids with `-` or `.`, so the header is built here.
 */
function clientAuth(app: OAuthApp): oauth.ClientAuth {
  if (app.provider.clientAuth === 'post') return oauth.ClientSecretPost(app.clientSecret);
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`, 'utf8').toString('base64');
  return (_as, _client, _body, headers) => {
    headers.set('authorization', `Basic ${basic}`);
  };
}

/** Plain http is refused by oauth4webapi; it is allowed for loopback endpoints only (emulators, tests). */
function requestOptions(url: string, fetchImpl?: typeof fetch) {
  return {
    signal: () => AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    ...(isLoopbackUrl(new URL(url)) ? { [oauth.allowInsecureRequests]: true } : {}),
    ...(fetchImpl ? { [oauth.customFetch]: fetchImpl } : {}),
  };
}

export function newState(): string {
  return oauth.generateRandomState();
}

export function newCodeVerifier(): string {
  return oauth.generateRandomCodeVerifier();
}

/** The URL the browser is sent to for consent. */
export async function authorizationUrl(
  app: OAuthApp,
  input: { redirectUri: string; state: string; codeVerifier?: string },
): Promise<string> {
  const url = new URL(app.endpoints.authorize);
  const params: Record<string, string> = {
    ...app.provider.authorizeParams,
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: input.redirectUri,
    scope: app.scopes.join(' '),
    state: input.state,
  };
  if (input.codeVerifier) {
    params.code_challenge = await oauth.calculatePKCECodeChallenge(input.codeVerifier);
    params.code_challenge_method = 'S256';
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Checks the callback (state, error) and exchanges the code. */
export async function exchangeCode(
  app: OAuthApp,
  input: { callbackUrl: URL; expectedState: string; redirectUri: string; codeVerifier?: string; fetch?: typeof fetch },
): Promise<TokenSet> {
  const as = server(app);
  const client: oauth.Client = { client_id: app.clientId };
  try {
    const params = oauth.validateAuthResponse(as, client, input.callbackUrl, input.expectedState);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(app),
      params,
      input.redirectUri,
      input.codeVerifier ?? oauth.nopkce,
      requestOptions(app.endpoints.token, input.fetch),
    );
    return toTokenSet(await oauth.processAuthorizationCodeResponse(as, client, response));
  } catch (e) {
    throw toFailure(e, app);
  }
}

/** The refresh grant. A provider that rotates refresh tokens returns a new one; else the old one stays. */
export async function refreshTokens(app: OAuthApp, refreshToken: string, fetchImpl?: typeof fetch): Promise<TokenSet> {
  const as = server(app);
  const client: oauth.Client = { client_id: app.clientId };
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth(app),
      refreshToken,
      requestOptions(app.endpoints.token, fetchImpl),
    );
    return toTokenSet(await oauth.processRefreshTokenResponse(as, client, response));
  } catch (e) {
    throw toFailure(e, app);
  }
}

function toTokenSet(r: oauth.TokenEndpointResponse): TokenSet {
  const set: TokenSet = { accessToken: r.access_token };
  if (r.refresh_token) set.refreshToken = r.refresh_token;
  if (typeof r.expires_in === 'number' && r.expires_in > 0) {
    set.expiresAt = new Date(Date.now() + r.expires_in * 1000).toISOString();
  }
  if (r.scope) set.scope = r.scope;
  if (typeof r.api_base_url_for_customer === 'string') set.apiBaseUrl = r.api_base_url_for_customer;
  return set;
}

/** Maps any error to an OAuthFailure whose message names no secret (see the file comment). */
export function toFailure(e: unknown, app: OAuthApp): OAuthFailure {
  if (e instanceof OAuthFailure) return e;
  const who = app.provider.label;
  if (e instanceof oauth.AuthorizationResponseError) {
    const kind = e.error === 'access_denied' ? 'denied' : 'invalid_response';
    return new OAuthFailure(kind, `${who} refused the authorization: ${e.error}`, undefined, e.error);
  }
  if (e instanceof oauth.ResponseBodyError) {
    // Atlassian answers a bad client secret with 401 access_denied, others with invalid_client (RFC 6749 §5.2).
    let kind: OAuthFailureKind = 'invalid_response';
    if (e.error === 'invalid_grant') kind = 'invalid_grant';
    else if (e.error === 'invalid_client' || e.error === 'unauthorized_client' || e.status === 401)
      kind = 'invalid_client';
    else if (e.status >= 500 || e.status === 429) kind = 'transient';
    return new OAuthFailure(kind, `${who}'s token endpoint answered ${e.status} ${e.error}`, e.status, e.error);
  }
  if (e instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthFailure(
      'invalid_client',
      `${who}'s token endpoint refused the app's client credentials (${e.status})`,
      e.status,
    );
  }
  if (e instanceof oauth.OperationProcessingError) {
    const status = e.cause instanceof Response ? e.cause.status : undefined;
    if (status !== undefined && (status >= 500 || status === 429)) {
      return new OAuthFailure('transient', `${who}'s token endpoint answered ${status}`, status);
    }
    // e.message describes the check that failed, never the body.
    return new OAuthFailure('invalid_response', `${who} sent an invalid OAuth response: ${e.message}`, status);
  }
  const name = e instanceof Error ? e.name : 'error';
  return new OAuthFailure(
    'transient',
    name === 'TimeoutError' || name === 'AbortError'
      ? `${who}'s token endpoint did not answer within ${TOKEN_REQUEST_TIMEOUT_MS / 1000} s`
      : `could not reach ${who}'s token endpoint`,
  );
}
