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
