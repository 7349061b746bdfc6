import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Managed connections (issue 6): connect links, upstream OAuth states, per-user auth configs, the refresh lease.
// Migrations never import application code: they must keep meaning what they meant when written.
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;

  // 0001 made (user, toolkit, alias) unique over every row, revoked ones included, so a removed connection's alias
  // could never be used again. The rule now holds for live rows only (a partial unique index, same on both
  // dialects). SQLite cannot drop a table constraint: the table is rebuilt (nothing references it yet).
  if (sqlite) {
    await db.schema
      .createTable('connected_accounts_v3')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('toolkit', 'text', (c) => c.notNull())
      .addColumn('auth_config_id', 'text', (c) => c.notNull().references('auth_configs.id'))
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('credentials_enc', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into connected_accounts_v3 (id, user_id, toolkit, auth_config_id, alias, is_default, status,
      status_reason, credentials_enc, metadata, expires_at, created_at, updated_at)
      select id, user_id, toolkit, auth_config_id, alias, is_default, status, status_reason, credentials_enc, metadata,
      expires_at, created_at, updated_at from connected_accounts`.execute(db);
    await db.schema.dropTable('connected_accounts').execute();
    await db.schema.alterTable('connected_accounts_v3').renameTo('connected_accounts').execute();
  } else {
    await sql`alter table connected_accounts drop constraint connected_accounts_user_toolkit_alias`.execute(db);
  }
  await sql`create unique index connected_accounts_live_alias on connected_accounts (user_id, toolkit, alias)
    where status <> 'revoked'`.execute(db);
  await db.schema.createIndex('connected_accounts_user_idx').on('connected_accounts').column('user_id').execute();

  // The cross-process refresh lock on SQLite: a lease claimed with one atomic UPDATE (SQLite's write lock makes it
  // a compare-and-set), so no transaction is held open across the token endpoint's HTTP round trip. Postgres uses
  // pg_advisory_xact_lock instead and leaves these empty.
  await db.schema.alterTable('connected_accounts').addColumn('refresh_lease_owner', 'text').execute();
  await db.schema.alterTable('connected_accounts').addColumn('refresh_lease_until', 'text').execute();

  // Auth configs added by a user from the console belong to that user only (NULL: gateway-wide, from the CLI or
  // the environment). See connections/auth-configs.ts for why.
  await db.schema
    .alterTable('auth_configs')
    .addColumn('owner_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .execute();

  // Connect links: single use, 10 minutes, bound to the user who asked; only the SHA-256 of the token is stored.
  await db.schema
    .createTable('connect_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connected_accounts.id').onDelete('cascade'))
    .addColumn('auth_config_id', 'text', (c) => c.notNull().references('auth_configs.id').onDelete('cascade'))
    .addColumn('toolkit', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('connect_links_expires_idx').on('connect_links').column('expires_at').execute();
  await db.schema.createIndex('connect_links_connection_idx').on('connect_links').column('connection_id').execute();

  // Upstream OAuth authorization requests in flight: `state` (stored hashed) and the PKCE verifier (vault-encrypted,
  // bound to this row), bound to the browser session that started them.
  await db.schema
    .createTable('connection_oauth_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connected_accounts.id').onDelete('cascade'))
    .addColumn('auth_config_id', 'text', (c) => c.notNull().references('auth_configs.id').onDelete('cascade'))
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('code_verifier_enc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('connection_oauth_states_expires_idx')
    .on('connection_oauth_states')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connection_oauth_states').ifExists().execute();
  await db.schema.dropTable('connect_links').ifExists().execute();
  await db.schema.dropIndex('connected_accounts_live_alias').ifExists().execute();
  await db.schema.dropIndex('connected_accounts_user_idx').ifExists().execute();
}
