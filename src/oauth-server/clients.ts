import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { prefixedId } from '../util/ids.ts';
import { CimdError, isMetadataDocumentUrl, type MetadataFetcher } from './cimd.ts';
import { MAX_REDIRECT_URIS, redirectUriProblem } from './redirect-uris.ts';
import { parseScope, scopeString } from './scopes.ts';

export interface OAuthClient {
  clientId: string;
  /** `dcr`: registered through RFC 7591, its name is self-asserted; `cimd`: its document is published at its id. */
  kind: 'dcr' | 'cimd';
  name: string;
  redirectUris: string[];
}

export interface ClientError {
  error: 'invalid_redirect_uri' | 'invalid_client_metadata';
  description: string;
}

const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'];
const MAX_NAME_LENGTH = 100;

/** A display name: control characters removed, whitespace collapsed, length capped (it is also HTML-escaped). */
function cleanName(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name) return undefined;
  return [...name].slice(0, MAX_NAME_LENGTH).join('');
}

const optionalString = (v: unknown, max = 2000): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;

/**
 * The checks shared by registration requests (RFC 7591 §2) and client metadata documents. Public clients only:
 * this server issues no client secrets (OAuth 2.1 §2.1), PKCE protects the code instead.
 */
function validateMetadata(
  body: Record<string, unknown>,
  source: 'registration' | 'document',
): { name: string | undefined; redirectUris: string[]; extra: Record<string, unknown> } | ClientError {
  const uris = body.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) {
    return { error: 'invalid_redirect_uri', description: 'redirect_uris must be a non-empty array' };
  }
  if (uris.length > MAX_REDIRECT_URIS) {
    return { error: 'invalid_redirect_uri', description: `at most ${MAX_REDIRECT_URIS} redirect URIs` };
  }
  for (const uri of uris) {
    const check = redirectUriProblem(uri as string);
    if ('error' in check) return { error: 'invalid_redirect_uri', description: check.error };
  }
  const grantTypes = body.grant_types;
  if (grantTypes !== undefined && grantTypes !== null) {
    if (!Array.isArray(grantTypes) || grantTypes.some((g) => !SUPPORTED_GRANT_TYPES.includes(g as string))) {
      return {
        error: 'invalid_client_metadata',
        description: `grant_types may only contain ${SUPPORTED_GRANT_TYPES.join(' and ')}`,
      };
    }
  }
  const responseTypes = body.response_types;
  if (responseTypes !== undefined && responseTypes !== null) {
    if (!Array.isArray(responseTypes) || responseTypes.some((r) => r !== 'code')) {
      return { error: 'invalid_client_metadata', description: 'response_types may only contain "code"' };
    }
  }
  const method = body.token_endpoint_auth_method;
  if (source === 'document') {
    // Draft client-id-metadata-document §4.1: no shared secrets in a public document; and this server only has
    // public clients, so `none` (or nothing) is the only method it can honour.
    if ('client_secret' in body || 'client_secret_expires_at' in body) {
      return { error: 'invalid_client_metadata', description: 'a client metadata document must not carry a secret' };
    }
    if (method !== undefined && method !== 'none') {
      return {
        error: 'invalid_client_metadata',
        description: 'only public clients (token_endpoint_auth_method "none") are supported',
      };
    }
  }
  let scope: string | undefined;
  if (typeof body.scope === 'string' && body.scope.trim()) {
    const parsed = parseScope(body.scope);
    if ('error' in parsed) return { error: 'invalid_client_metadata', description: parsed.error };
    scope = scopeString(parsed.scopes);
  }
  const extra: Record<string, unknown> = {};
  if (scope) extra.scope = scope;
  for (const key of ['client_uri', 'software_id', 'software_version'] as const) {
    const v = optionalString(body[key], 500);
    if (v) extra[key] = v;
  }
  if (typeof method === 'string' && method !== 'none') extra.requested_token_endpoint_auth_method = method;
  return { name: cleanName(body.client_name), redirectUris: uris as string[], extra };
}

export interface RegistrationResponse {
  client_id: string;
  client_id_issued_at: number;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'none';
  scope?: string;
  client_uri?: string;
  software_id?: string;
  software_version?: string;
}

/**
 * RFC 7591 §3: registers a public client. A request for a confidential method (`client_secret_basic`, ...) is
 * answered with `none` instead, as §3.2.1 allows ("the server MAY ... substitute"), because this server issues no
 * secrets; clients read the method back from the response.
 */
export async function registerClient(db: Db, body: unknown): Promise<RegistrationResponse | ClientError> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: 'invalid_client_metadata', description: 'the registration request must be a JSON object' };
  }
  const checked = validateMetadata(body as Record<string, unknown>, 'registration');
  if ('error' in checked) return checked;
  const clientId = prefixedId('sbc', 16);
  const at = now();
  const name = checked.name ?? 'Unnamed client';
  await db
    .insertInto('oauth_clients')
    .values({
      client_id: clientId,
      kind: 'dcr',
      client_name: name,
      redirect_uris: JSON.stringify(checked.redirectUris),
      metadata: JSON.stringify(checked.extra),
      created_at: at,
      last_used_at: null,
      cache_expires_at: null,
    })
    .execute();
  const { requested_token_endpoint_auth_method: _ignored, ...echo } = checked.extra as Record<string, string>;
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(Date.parse(at) / 1000),
    client_name: name,
    redirect_uris: checked.redirectUris,
    grant_types: SUPPORTED_GRANT_TYPES,
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...echo,
  };
}

function rowToClient(row: {
  client_id: string;
  kind: string;
  client_name: string;
  redirect_uris: string;
}): OAuthClient {
  return {
    clientId: row.client_id,
    kind: row.kind === 'cimd' ? 'cimd' : 'dcr',
    name: row.client_name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
  };
}

/** A stored client (registered, or a cached metadata document), without fetching anything. */
export async function findClient(db: Db, clientId: string): Promise<OAuthClient | undefined> {
  if (clientId.length > 2000) return undefined;
  const row = await db
    .selectFrom('oauth_clients')
    .select(['client_id', 'kind', 'client_name', 'redirect_uris'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row ? rowToClient(row) : undefined;
}

export const CIMD_DEFAULT_CACHE_S = 3600;
export const CIMD_MAX_CACHE_S = 86_400;

export interface ResolveOptions {
  fetcher: MetadataFetcher;
  allowLoopback: boolean;
  /** Called before a document is fetched (rate limit); returns an error to refuse the fetch. */
  beforeFetch?: () => string | undefined;
}

/**
 * The client behind a `client_id` at the authorization endpoint: a registered client, or a client ID metadata
 * document, fetched (MCP authorization 2025-11-25: "Authorization servers MUST fetch and validate") and cached by
 * its Cache-Control for at most a day, so a changed document is seen within that time.
 */
export async function resolveClient(
  db: Db,
  clientId: string,
  opts: ResolveOptions,
): Promise<OAuthClient | { error: string }> {
  if (!isMetadataDocumentUrl(clientId, opts.allowLoopback)) {
    return (await findClient(db, clientId)) ?? { error: 'the client is not registered here (unknown client_id)' };
  }
  const cached = await db
    .selectFrom('oauth_clients')
    .select(['client_id', 'kind', 'client_name', 'redirect_uris', 'cache_expires_at'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (cached?.kind === 'cimd' && cached.cache_expires_at && cached.cache_expires_at > now()) return rowToClient(cached);
  const refused = opts.beforeFetch?.();
  if (refused) return { error: refused };
  let fetched: Awaited<ReturnType<MetadataFetcher['fetch']>>;
  try {
    fetched = await opts.fetcher.fetch(clientId);
  } catch (e) {
    return { error: e instanceof CimdError ? e.message : 'the client metadata document could not be fetched' };
  }
  const doc = fetched.document;
  // Draft §4.1: the document's client_id must be its own URL, compared as strings.
  if (doc.client_id !== clientId) return { error: 'the client metadata document names a different client_id' };
  const checked = validateMetadata(doc, 'document');
  if ('error' in checked) return { error: `the client metadata document is invalid: ${checked.description}` };
  const ttl = Math.min(Math.max(fetched.maxAgeSeconds ?? CIMD_DEFAULT_CACHE_S, 0), CIMD_MAX_CACHE_S);
  const at = now();
  const values = {
    kind: 'cimd',
    client_name: checked.name ?? new URL(clientId).host,
    redirect_uris: JSON.stringify(checked.redirectUris),
    metadata: JSON.stringify(checked.extra),
    cache_expires_at: new Date(Date.now() + ttl * 1000).toISOString(),
  };
  await db
    .insertInto('oauth_clients')
    .values({ client_id: clientId, created_at: at, last_used_at: null, ...values })
    .onConflict((oc) => oc.column('client_id').doUpdateSet(values))
    .execute();
  return { clientId, kind: 'cimd', name: values.client_name, redirectUris: checked.redirectUris };
}

export async function touchClient(db: Db, clientId: string): Promise<void> {
  await db.updateTable('oauth_clients').set({ last_used_at: now() }).where('client_id', '=', clientId).execute();
}
