/**
 * Table types shared by both dialects. Timestamps are ISO-8601 UTC strings (`toISOString()`), JSON is text and
 * booleans are 0/1 integers, so the same queries and the same rows work on SQLite and Postgres alike.
 */
export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  vault_keys: VaultKeysTable;
  auth_configs: AuthConfigsTable;
  connected_accounts: ConnectedAccountsTable;
  audit_events: AuditEventsTable;
  user_passwords: UserPasswordsTable;
  web_sessions: WebSessionsTable;
  login_links: LoginLinksTable;
  oauth_clients: OAuthClientsTable;
  oauth_pending_authorizations: OAuthPendingAuthorizationsTable;
  oauth_codes: OAuthCodesTable;
  oauth_grants: OAuthGrantsTable;
  oauth_access_tokens: OAuthAccessTokensTable;
  oauth_refresh_tokens: OAuthRefreshTokensTable;
  connect_links: ConnectLinksTable;
  connection_oauth_states: ConnectionOAuthStatesTable;
  stored_results: StoredResultsTable;
}

export interface UsersTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  /** First characters of the key, shown in listings so a user can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key; the key itself is never stored. */
  key_hash: string;
  label: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface VaultKeysTable {
  kid: string;
  /** HMAC of a fixed label under the key: proves a configured key is the one the data was written with. */
  fingerprint: string;
  created_at: string;
}

export interface AuthConfigsTable {
  id: string;
  toolkit: string;
  name: string;
  /** `demo`, `api_token`, `basic`, `oauth2`. */
  scheme: string;
  is_builtin: number;
  /** Non-secret settings as JSON (base URL, scopes, site). */
  settings: string;
  /** Secret settings (client secret, API key), vault-encrypted JSON. */
  secrets_enc: string | null;
  created_at: string;
  updated_at: string;
  /** Migration 0003: the user an auth config added from the console belongs to; NULL for gateway-wide ones. */
  owner_user_id: string | null;
}

export interface ConnectedAccountsTable {
  id: string;
  user_id: string;
  toolkit: string;
  auth_config_id: string;
  alias: string;
  is_default: number;
  /** `initiated` | `active` | `expired` | `failed` | `revoked`. */
  status: string;
  status_reason: string | null;
  /** Vault-encrypted JSON credentials, bound to this row and column. */
  credentials_enc: string | null;
  /** Non-secret JSON: base URL, site, account identity. */
  metadata: string;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  /** Migration 0003, SQLite only: who holds the cross-process refresh lease, and until when. */
  refresh_lease_owner: string | null;
  refresh_lease_until: string | null;
}

export interface AuditEventsTable {
  /** Time-ordered random id (UUIDv7): sortable without an autoincrement that differs per dialect. */
  id: string;
  at: string;
  user_id: string;
  surface: string;
  toolkit: string;
  tool: string;
  connection_id: string | null;
  outcome: string;
  error_code: string | null;
  upstream_status: number | null;
  duration_ms: number;
}

// --- Identity and the OAuth authorization server (migration 0002). Every secret (session id, login link, code,
// token) is stored as its SHA-256 only; the column names say `_hash`.

export interface UserPasswordsTable {
  user_id: string;
  /** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url); the parameters travel with the hash. */
  hash: string;
  updated_at: string;
}

export interface WebSessionsTable {
  /** SHA-256 of the session cookie's random value. */
  id_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface LoginLinksTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface OAuthClientsTable {
  /** A generated id (`sbc_…`) for dynamic registrations, the document URL for client ID metadata documents. */
  client_id: string;
  /** `dcr` (RFC 7591) or `cimd` (client ID metadata document). */
  kind: string;
  client_name: string;
  /** JSON array of the registered redirect URIs. */
  redirect_uris: string;
  /** JSON of the other accepted metadata (client_uri, software_id, scope, ...). */
  metadata: string;
  created_at: string;
  last_used_at: string | null;
  /** `cimd` only: when the cached document must be fetched again. */
  cache_expires_at: string | null;
}

export interface OAuthPendingAuthorizationsTable {
  /** SHA-256 of the random id carried by the consent form. */
  id_hash: string;
  /** The browser session that may approve it (SHA-256 of the session id). */
  session_hash: string;
  user_id: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string | null;
  code_challenge: string;
  resource: string;
  created_at: string;
  expires_at: string;
}

export interface OAuthCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  code_challenge: string;
  scope: string;
  resource: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** The grant issued from this code, revoked if the code is presented again (RFC 6749 §4.1.2). */
  grant_id: string | null;
}

export interface OAuthGrantsTable {
  /** One login of one client by one user: the family of every token issued from one authorization code. */
  id: string;
  user_id: string;
  client_id: string;
  scope: string;
  /** The RFC 8707 resource (audience) the user approved. */
  resource: string;
  created_at: string;
  last_used_at: string;
  /** Absolute end of the grant, whatever the refreshes. */
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface OAuthAccessTokensTable {
  token_hash: string;
  grant_id: string;
  scope: string;
  resource: string;
  created_at: string;
  expires_at: string;
}

export interface OAuthRefreshTokensTable {
  token_hash: string;
  grant_id: string;
  created_at: string;
  expires_at: string;
  /** Set when rotated: presenting it again is reuse and revokes the grant (OAuth 2.1 §4.3.1). */
  used_at: string | null;
}

// --- Managed connections (migration 0003).

export interface ConnectLinksTable {
  /** SHA-256 of the link's random token; the token itself is only in the URL handed to the user. */
  token_hash: string;
  user_id: string;
  /** The connection the link completes (a new `initiated` one, or an existing one to reconnect). */
  connection_id: string;
  auth_config_id: string;
  toolkit: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ConnectionOAuthStatesTable {
  /** SHA-256 of the `state` sent to the upstream authorization server. */
  state_hash: string;
  user_id: string;
  connection_id: string;
  auth_config_id: string;
  /** The browser session that started the flow (SHA-256 of its id): only it may complete it. */
  session_hash: string;
  redirect_uri: string;
  /** The PKCE code verifier, vault-encrypted and bound to this row; NULL for providers without PKCE (Gong). */
  code_verifier_enc: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

// --- Large tool results kept out of the model's context (migration 0004).

export interface StoredResultsTable {
  /** The handle the model reads it by (`res_…`, 128 random bits). */
  id: string;
  user_id: string;
  /** The tool whose result it is. */
  tool: string;
  /** Length of `data` in characters. */
  size_chars: number;
  /** The result as JSON text. */
  data: string;
  created_at: string;
  expires_at: string;
}
