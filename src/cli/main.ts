import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfig, publicBaseUrl } from '../config/index.ts';
import type { AddAuthConfigInput } from '../connections/auth-configs.ts';
import { connectDemo, DEMO_TOOLKITS, ensureDemoAuthConfigs } from '../connections/demo.ts';
import { type Connections, createConnections } from '../connections/index.ts';
import {
  createApiKey,
  ensureUser,
  findUserByName,
  listApiKeys,
  listUsers,
  revokeApiKey,
  validateUserName,
} from '../identity/index.ts';
import { setPassword, validatePassword } from '../identity/passwords.ts';
import { deleteUserSessions } from '../identity/sessions.ts';
import { SERVER_VERSION } from '../mcp/toolkit-server.ts';
import { startEmulatorServer } from '../server/emulator-server.ts';
import { startGateway } from '../server/gateway.ts';
import { migrate, openStore, type Store } from '../store/db.ts';
import { createCatalog } from '../toolkits/index.ts';
import { isGatewayError } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { checkKeyring, createVault, loadKeyring } from '../vault/index.ts';
import { rotateVault } from '../vault/rotate.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function config(overrides: Parameters<typeof loadConfig>[1] = {}): Config {
  return loadConfig(process.env, overrides);
}

/** Opens the same store a running gateway uses (same configuration), migrated to the latest schema. */
async function withStore<T>(cfg: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
  try {
    await migrate(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function requireUser(store: Store, name: string) {
  const user = await findUserByName(store.db, name);
  if (!user) throw new UsageError(`no user named "${name}" (create one with: switchboard keys create --user ${name})`);
  return user;
}

class UsageError extends Error {}

const program = new Command('switchboard')
  .description("Switchboard: one MCP endpoint for your agents' business apps.")
  .version(SERVER_VERSION)
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('Run the gateway (what `npm start` runs, with --demo).')
  .option('--demo', 'demo mode: serve the emulators with seeded data and a demo user (same as SWITCHBOARD_DEMO=true)')
  .option('-p, --port <port>', 'port to listen on (default SWITCHBOARD_PORT or 8787)')
  .action(async (opts: { demo?: boolean; port?: string }) => {
    const cfg = config({
      ...(opts.demo ? { SWITCHBOARD_DEMO: 'true' } : {}),
      ...(opts.port !== undefined ? { SWITCHBOARD_PORT: opts.port } : {}),
    });
    const log = createLogger(cfg.logLevel);
    const gateway = await startGateway(cfg, log);
    log.info({ url: gateway.url, demo: cfg.demo, dialect: gateway.store.dialect, dataDir: cfg.dataDir }, 'listening');
    if (cfg.demo) err(demoBanner(gateway.url, cfg, gateway.demoLoginLink));
    let signals = 0;
    const stop = (signal: string) => {
      if (++signals > 1) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      log.info({ signal }, 'signal received');
      gateway.close().then(
        () => process.exit(0),
        (e: unknown) => {
          log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('Apply pending database migrations (the server also does this at start).')
  .action(async () => {
    const cfg = config();
    const store = openStore({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
    try {
      const { applied } = await migrate(store);
      out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await store.close();
    }
  });

const keys = program.command('keys').description('Manage API keys (Authorization: Bearer <key> on /mcp).');
keys
  .command('create')
  .description('Create an API key for a user (creating the user if needed); the key is the last line of stdout.')
  .requiredOption('-u, --user <name>', 'user name')
  .option('-l, --label <label>', 'a note to tell keys apart')
  .action(async (opts: { user: string; label?: string }) => {
    await withStore(config(), async (store) => {
      const { user, created } = await ensureUser(store.db, opts.user);
      const key = await createApiKey(store.db, user.id, opts.label);
      err(`${created ? 'created user' : 'user'} ${user.name}; key ${key.id} (${key.prefix}…). It is shown once:`);
      out(key.key);
    });
  });
keys
  .command('list')
  .description("List a user's API keys (prefixes only; keys are stored hashed).")
  .requiredOption('-u, --user <name>', 'user name')
  .action(async (opts: { user: string }) => {
    await withStore(config(), async (store) => {
      const user = await requireUser(store, opts.user);
      for (const k of await listApiKeys(store.db, user.id)) {
        out(
          `${k.id}\t${k.prefix}…\t${k.label ?? ''}\tcreated ${k.created_at}${k.revoked_at ? `\trevoked ${k.revoked_at}` : ''}`,
        );
      }
    });
  });
keys
  .command('revoke')
  .description('Revoke an API key by its id (from `keys list`).')
  .argument('<key-id>', 'the key id, e.g. key_…')
  .action(async (keyId: string) => {
    await withStore(config(), async (store) => {
      if (!(await revokeApiKey(store.db, keyId))) throw new UsageError(`no active key ${keyId}`);
      out(`revoked ${keyId}`);
    });
  });

/**
 * A new password: from stdin with --password-stdin (its first line; for scripts), else typed twice on the
 * terminal without echo. Never from an argument: arguments show in `ps` and shell history.
 */
async function readNewPassword(fromStdin: boolean | undefined): Promise<string> {
  let password: string;
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  } else {
    if (!process.stdin.isTTY) throw new UsageError('no terminal to type a password in: pipe it with --password-stdin');
    password = await promptHidden('Password: ');
    if ((await promptHidden('Password (again): ')) !== password) throw new UsageError('the passwords differ');
  }
  const problem = validatePassword(password);
  if (problem) throw new UsageError(problem);
  return password;
}

/** Reads a line from the terminal with echo off. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt appears, so nothing typed after it is ever echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (fn: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      fn();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(() => resolve(value));
        if (ch === '\u0003') return done(() => reject(new UsageError('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

program
  .command('users')
  .description('Manage users (people who sign in to the gateway from their MCP clients).')
  .addCommand(
    new Command('list').description('List users.').action(async () => {
      await withStore(config(), async (store) => {
        for (const u of await listUsers(store.db)) out(`${u.id}\t${u.name}\tcreated ${u.created_at}`);
      });
    }),
  )
  .addCommand(
    new Command('add')
      .description('Create a user who signs in with a password (typed on the terminal, or --password-stdin).')
      .argument('<name>', 'user name')
      .option('--password-stdin', 'read the password from the first line of stdin')
      .action(async (name: string, opts: { passwordStdin?: boolean }) => {
        const problem = validateUserName(name);
        if (problem) throw new UsageError(problem);
        const cfg = config();
        await withStore(cfg, async (store) => {
          if (await findUserByName(store.db, name)) {
            throw new UsageError(`user "${name}" exists; set its password with: switchboard users passwd ${name}`);
          }
          const password = await readNewPassword(opts.passwordStdin);
          const { user } = await ensureUser(store.db, name);
          await setPassword(store.db, user.id, password);
          out(`created user ${user.name} (${user.id})`);
        });
      }),
  )
  .addCommand(
    new Command('passwd')
      .description("Set a user's password (typed on the terminal, or --password-stdin); signs out their browsers.")
      .argument('<name>', 'user name')
      .option('--password-stdin', 'read the password from the first line of stdin')
      .action(async (name: string, opts: { passwordStdin?: boolean }) => {
        await withStore(config(), async (store) => {
          const user = await requireUser(store, name);
          const password = await readNewPassword(opts.passwordStdin);
          await setPassword(store.db, user.id, password);
          await deleteUserSessions(store.db, user.id);
          out(`password set for ${user.name}`);
        });
      }),
  );

/**
 * The store, the vault (its key checked against the data, as at the gateway's start) and the connections service,
 * as the running gateway has them (same configuration).
 */
async function withConnections<T>(
  cfg: Config,
  fn: (store: Store, connections: Connections) => Promise<T>,
  opts: { demoKey?: boolean } = {},
): Promise<T> {
  return withStore(cfg, async (store) => {
    const keyring = loadKeyring({ keys: cfg.encryptionKeys, demo: opts.demoKey ?? cfg.demo, dataDir: cfg.dataDir });
    await checkKeyring(store.db, keyring);
    const connections = createConnections({
      db: store.db,
      vault: createVault(keyring),
      dialect: store.dialect,
      publicUrl: () => publicBaseUrl(cfg),
      demoConfigs: cfg.demo,
    });
    return fn(store, connections);
  });
}

program
  .command('connect')
  .description(
    "Print a connect link for a user's account of a toolkit (single use, 10 minutes; the user opens it signed in to the gateway). --demo connects the emulator's demo account at once.",
  )
  .argument('<toolkit>', `toolkit id (${DEMO_TOOLKITS.join(', ')})`)
  .requiredOption('-u, --user <name>', 'user name (created if needed)')
  .option('-a, --alias <alias>', 'name of the connection (default: "default", then "default-2", …)')
  .option(
    '--auth-config <id>',
    'which auth config (see `auth-configs list`); default: the preferred one for the toolkit',
  )
  .option('--reconnect <connection-id>', 'a link that replaces the credentials of this connection')
  .option('--demo', 'connect the demo account of the local emulator')
  .action(
    async (
      toolkit: string,
      opts: { user: string; demo?: boolean; alias?: string; authConfig?: string; reconnect?: string },
    ) => {
      const cfg = config();
      await withConnections(
        cfg,
        async (store, connections) => {
          const { user } = await ensureUser(store.db, opts.user);
          if (opts.demo) {
            const c = await connectDemo(connections, user.id, toolkit);
            out(
              `${user.name}: ${c.toolkit} connection "${c.alias}" (${c.id}) is ${c.status}${c.isDefault ? ', default' : ''}`,
            );
            return;
          }
          if (cfg.demo) await ensureDemoAuthConfigs(connections);
          const link = opts.reconnect
            ? await connections.reconnect(
                user.id,
                opts.reconnect,
                opts.authConfig ? { authConfigId: opts.authConfig } : {},
              )
            : await connections.createConnectLink(user.id, toolkit, {
                ...(opts.alias ? { alias: opts.alias } : {}),
                ...(opts.authConfig ? { authConfigId: opts.authConfig } : {}),
              });
          err(
            `${user.name}: open this link signed in to the gateway as ${user.name} (single use, until ${link.expiresAt}); connection "${link.alias}" (${link.connectionId}):`,
          );
          out(link.url);
        },
        { demoKey: opts.demo === true || cfg.demo },
      );
    },
  );

const authConfigsCmd = program
  .command('auth-configs')
  .description(
    'Manage auth configs: which app and scheme connections use (OAuth apps, API-token and access-key settings).',
  );
authConfigsCmd
  .command('add')
  .description(
    'Add a gateway-wide auth config. Secrets (client secret, API token, access key secret) are read from the first line of stdin with --secret-stdin, never from arguments.',
  )
  .argument('<toolkit>', 'confluence or gong')
  .requiredOption(
    '-s, --scheme <scheme>',
    'oauth2 (Atlassian or Gong app), api_token (Confluence), basic (Gong access key)',
  )
  .option('-n, --name <name>', 'shown to users on the connect page')
  .option('--id <id>', 'a fixed id (replaces the config of that id)')
  .option('--client-id <id>', "oauth2: the app's client id")
  .option('--scopes <scopes>', 'oauth2: space-separated scopes (default: every scope the tools use)')
  .option('--authorize-url <url>', 'oauth2: override the authorization endpoint')
  .option('--token-url <url>', 'oauth2: override the token endpoint')
  .option('--resources-url <url>', 'oauth2 (Atlassian): override accessible-resources')
  .option('--api-base-url <url>', 'oauth2 (Atlassian): override the API base, with {cloudId}')
  .option('--site <url>', 'api_token: the Confluence site (https://x.atlassian.net) users connect to')
  .option('--email <email>', 'api_token: a fixed account email (a shared service account)')
  .option('--base-url <url>', 'basic: the Gong API base URL')
  .option('--access-key <key>', 'basic: a company-wide access key (its secret via --secret-stdin)')
  .option('--secret-stdin', 'read the secret from the first line of stdin')
  .action(
    async (
      toolkit: string,
      o: {
        scheme: string;
        name?: string;
        id?: string;
        clientId?: string;
        scopes?: string;
        authorizeUrl?: string;
        tokenUrl?: string;
        resourcesUrl?: string;
        apiBaseUrl?: string;
        site?: string;
        email?: string;
        baseUrl?: string;
        accessKey?: string;
        secretStdin?: boolean;
      },
    ) => {
      if (o.scheme !== 'oauth2' && o.scheme !== 'api_token' && o.scheme !== 'basic') {
        throw new UsageError('--scheme must be oauth2, api_token or basic');
      }
      const secret = o.secretStdin ? await readStdinLine() : undefined;
      if (o.scheme === 'oauth2' && !secret)
        throw new UsageError('an OAuth app needs its client secret: pipe it with --secret-stdin');
      const input: AddAuthConfigInput = {
        toolkit,
        scheme: o.scheme,
        ...(o.name ? { name: o.name } : {}),
        ...(o.id ? { id: o.id } : {}),
      };
      if (o.scheme === 'oauth2') {
        Object.assign(input, {
          clientId: o.clientId,
          clientSecret: secret,
          ...(o.scopes ? { scopes: o.scopes.split(/[\s,]+/).filter(Boolean) } : {}),
          endpoints: {
            ...(o.authorizeUrl ? { authorize: o.authorizeUrl } : {}),
            ...(o.tokenUrl ? { token: o.tokenUrl } : {}),
            ...(o.resourcesUrl ? { resources: o.resourcesUrl } : {}),
            ...(o.apiBaseUrl ? { apiBase: o.apiBaseUrl } : {}),
          },
        });
      } else if (o.scheme === 'api_token') {
        Object.assign(input, { siteUrl: o.site, email: o.email, apiToken: secret });
      } else {
        Object.assign(input, { baseUrl: o.baseUrl, accessKey: o.accessKey, accessKeySecret: secret });
      }
      const cfg = config();
      await withConnections(cfg, async (_store, connections) => {
        const c = await connections.authConfigs.add(input);
        out(`${c.id}\t${c.toolkit}\t${c.scheme}\t${c.name}`);
        if (c.scheme === 'oauth2') {
          err(`Register this callback URL in the app: ${publicBaseUrl(cfg)}/connections/callback`);
        }
      });
    },
  );
authConfigsCmd
  .command('list')
  .description('List auth configs (secrets are never shown: only which secret fields are set).')
  .option('-t, --toolkit <id>', 'only this toolkit')
  .action(async (o: { toolkit?: string }) => {
    await withConnections(config(), async (_store, connections) => {
      for (const c of await connections.authConfigs.list(o.toolkit ? { toolkit: o.toolkit } : {})) {
        const s = c.settings as Record<string, unknown>;
        const where = (s.siteUrl ?? s.baseUrl ?? (s.emulator ? `emulator:${String(s.emulator)}` : '')) as string;
        out(
          [
            c.id,
            c.toolkit,
            c.scheme,
            c.name,
            c.ownerUserId ? `owner ${c.ownerUserId}` : 'gateway-wide',
            c.builtin ? 'built-in' : '',
            s.clientId ? `client ${String(s.clientId)}` : '',
            where,
            c.secretFields.length ? `secrets: ${c.secretFields.join(',')}` : '',
          ]
            .filter(Boolean)
            .join('\t'),
        );
      }
    });
  });
authConfigsCmd
  .command('remove')
  .description('Remove an auth config no live connection uses.')
  .argument('<id>', 'the auth config id')
  .action(async (id: string) => {
    await withConnections(config(), async (_store, connections) => {
      await connections.authConfigs.remove(id);
      out(`removed ${id}`);
    });
  });

program
  .command('vault')
  .description('The vault of secrets (tokens, API keys, client secrets).')
  .addCommand(
    new Command('rotate')
      .description(
        'Re-encrypt every secret under the first key of SWITCHBOARD_ENCRYPTION_KEYS, in batches; reports the values per key id. Safe to re-run and while gateways run.',
      )
      .option('--batch-size <n>', 'rows per batch', '200')
      .option('--dry-run', 'only count the values per key id')
      .action(async (o: { batchSize: string; dryRun?: boolean }) => {
        const batchSize = Number(o.batchSize);
        if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
          throw new UsageError('--batch-size must be a whole number from 1 to 10000');
        }
        const cfg = config();
        await withConnections(cfg, async (store, connections) => {
          const keyring = loadKeyring({ keys: cfg.encryptionKeys, demo: cfg.demo, dataDir: cfg.dataDir });
          const report = await rotateVault(store.db, keyring, {
            batchSize,
            dryRun: o.dryRun === true,
            withRowLock: (id, fn) => connections.lock.run(id, fn),
          });
          let failed = 0;
          for (const c of report.columns) {
            const kids = Object.entries(c.byKid)
              .map(([k, n]) => `${k}=${n}`)
              .join(' ');
            failed += c.failed.length;
            out(
              `${c.table}.${c.column}\t${kids || 'no values'}\trotated ${c.rotated}\tchanged meanwhile ${c.changed}\tfailed ${c.failed.length}${c.failed.length ? ` (${c.failed.join(', ')})` : ''}`,
            );
          }
          err(
            report.dryRun
              ? `dry run: nothing written; primary key is "${report.primary}"`
              : `every value is now under "${report.primary}" unless counted as changed (run again) or failed`,
          );
          if (failed) process.exitCode = 1;
        });
      }),
  );

/** The first line of stdin (secrets for scripts; never from arguments, which show in `ps` and shell history). */
async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]?.trim() ?? '';
}

program
  .command('connections')
  .description("List a user's connections and their statuses.")
  .requiredOption('-u, --user <name>', 'user name')
  .action(async (opts: { user: string }) => {
    await withStore(config(), async (store) => {
      const user = await requireUser(store, opts.user);
      const connections = createConnections({ db: store.db, vault: undefined as never });
      for (const c of await connections.list(user.id, { includeRevoked: true })) {
        out(
          `${c.id}\t${c.toolkit}\t${c.alias}${c.isDefault ? ' (default)' : ''}\t${c.status}${c.statusReason ? `: ${c.statusReason}` : ''}`,
        );
      }
    });
  });

program
  .command('tools')
  .description('List the tools of every toolkit (or one).')
  .option('-t, --toolkit <id>', 'only this toolkit')
  .action((opts: { toolkit?: string }) => {
    const catalog = createCatalog();
    for (const [id, toolkit] of catalog.toolkits) {
      if (opts.toolkit && opts.toolkit !== id) continue;
      for (const t of toolkit.tools) out(`${t.name}\t${t.title}`);
    }
  });

program
  .command('emulators')
  .description('Serve the upstream emulators alone (for development against a gateway elsewhere).')
  .option('-p, --port <port>', 'port (default SWITCHBOARD_EMULATOR_PORT or 8788)')
  .action(async (opts: { port?: string }) => {
    const cfg = config(opts.port !== undefined ? { SWITCHBOARD_EMULATOR_PORT: opts.port } : {});
    const handle = await startEmulatorServer(cfg.host, cfg.emulatorPort);
    for (const [name, url] of handle.urls) out(`${name}: ${url}`);
    const stop = () => void handle.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

/** The clients `mcp-config` knows, with their config file, the entry it writes, and how the user logs in. */
const MCP_CLIENTS = ['kimi', 'claude', 'cursor', 'codex', 'vscode'] as const;
type McpClient = (typeof MCP_CLIENTS)[number];
type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

interface McpConfigTarget {
  /** The file `--write` edits. */
  path: string;
  /** JSON files: where the servers live (keys from the root); TOML (Codex): undefined. */
  jsonKeys?: string[];
  entry: JsonObject;
  login: string;
}

function mcpConfigTarget(client: McpClient, url: string, name: string, scope: string | undefined): McpConfigTarget {
  const home = homedir();
  const cwd = process.cwd();
  const badScope = (allowed: string[]) =>
    new UsageError(`--scope for ${client} must be one of: ${allowed.join(', ')} (got "${scope}")`);
  switch (client) {
    case 'kimi': {
      if (scope && scope !== 'user' && scope !== 'project') throw badScope(['user', 'project']);
      const kimiHome = process.env.KIMI_CODE_HOME || join(home, '.kimi-code');
      return {
        path: scope === 'project' ? join(cwd, '.kimi-code', 'mcp.json') : join(kimiHome, 'mcp.json'),
        jsonKeys: ['mcpServers'],
        entry: { url },
        login: `in Kimi Code: /mcp-config login ${name}`,
      };
    }
    case 'claude': {
      const s = scope ?? 'user';
      if (s !== 'user' && s !== 'local' && s !== 'project') throw badScope(['user', 'local', 'project']);
      return {
        path: s === 'project' ? join(cwd, '.mcp.json') : join(home, '.claude.json'),
        jsonKeys: s === 'local' ? ['projects', cwd, 'mcpServers'] : ['mcpServers'],
        entry: { type: 'http', url },
        login: `in Claude Code: /mcp, pick "${name}", Authenticate`,
      };
    }
    case 'cursor': {
      if (scope && scope !== 'user' && scope !== 'project') throw badScope(['user', 'project']);
      return {
        path: scope === 'project' ? join(cwd, '.cursor', 'mcp.json') : join(home, '.cursor', 'mcp.json'),
        jsonKeys: ['mcpServers'],
        entry: { url },
        login: 'in Cursor: Settings → MCP, click the server that needs a login',
      };
    }
    case 'codex': {
      if (scope && scope !== 'user' && scope !== 'project') throw badScope(['user', 'project']);
      const codexHome = process.env.CODEX_HOME || join(home, '.codex');
      return {
        path: scope === 'project' ? join(cwd, '.codex', 'config.toml') : join(codexHome, 'config.toml'),
        entry: { url },
        login: `codex mcp login ${name}`,
      };
    }
    case 'vscode': {
      if (scope && scope !== 'project') throw badScope(['project']);
      return {
        path: join(cwd, '.vscode', 'mcp.json'),
        jsonKeys: ['servers'],
        entry: { type: 'http', url },
        login: 'in VS Code: "Start" above the entry (or MCP: List Servers), allow the authentication',
      };
    }
  }
}

/** A TOML basic string (JSON escapes are valid TOML escapes for what a URL holds). */
const tomlString = (s: string) => JSON.stringify(s);

function codexTable(name: string, entry: JsonObject): string {
  const lines = [`[mcp_servers.${name}]`];
  for (const [k, v] of Object.entries(entry)) lines.push(`${k} = ${tomlString(String(v))}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Puts `[mcp_servers.<name>]` into a TOML file's text: the table (and its sub-tables such as
 * `[mcp_servers.<name>.env]`) is replaced where it is, or appended; every other line is kept as it is.
 */
function mergeCodexToml(text: string, name: string, entry: JsonObject): string {
  const table = codexTable(name, entry);
  const lines = text.length ? text.replace(/\r\n/g, '\n').split('\n') : [];
  if (lines.at(-1) === '') lines.pop();
  const esc = name.replace(/[-]/g, '\\-');
  const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
  const ours = new RegExp(`^mcp_servers\\s*\\.\\s*(${esc}|"${esc}"|'${esc}')(\\s*\\..*)?$`);
  // The same server written another way (inline table or dotted keys): refuse rather than duplicate it.
  let section = '';
  for (const line of lines) {
    const h = line.match(header);
    if (h) {
      section = h[1]!;
      continue;
    }
    const key = line.match(/^\s*([A-Za-z0-9_."'-]+?)\s*=/)?.[1]?.replace(/\s+/g, '');
    if (!key) continue;
    const full = section ? `${section}.${key}` : key;
    if (new RegExp(`^mcp_servers\\.("?)${esc}\\1(\\.|$)`).test(full) && !ours.test(section)) {
      throw new UsageError(
        `the file defines mcp_servers.${name} outside a [mcp_servers.${name}] table (inline or dotted keys): edit it by hand`,
      );
    }
  }
  const out: string[] = [];
  let inOurs = false;
  let insertAt = -1;
  for (const line of lines) {
    const h = line.match(header);
    if (h) {
      inOurs = ours.test(h[1]!);
      if (inOurs) {
        if (insertAt < 0) insertAt = out.length;
        continue;
      }
    }
    if (!inOurs) out.push(line);
  }
  const tableLines = table.trimEnd().split('\n');
  if (insertAt >= 0) {
    // Keep a blank line between our table and what follows it.
    const next = out[insertAt];
    out.splice(insertAt, 0, ...tableLines, ...(next !== undefined && next.trim() !== '' ? [''] : []));
  } else {
    while (out.length && out.at(-1)!.trim() === '') out.pop();
    if (out.length) out.push('');
    out.push(...tableLines);
  }
  return `${out.join('\n')}\n`;
}

/** Sets `servers[name] = entry` at `keys` inside a JSON document, keeping everything else. */
function mergeJson(text: string, path: string, keys: string[], name: string, entry: JsonObject): string {
  let doc: unknown = {};
  if (text.trim()) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `${path} is not plain JSON (${(e as Error).message}); fix it or add the entry by hand (nothing was written)`,
      );
    }
  }
  if (!isObject(doc)) throw new UsageError(`${path} does not hold a JSON object (nothing was written)`);
  let node: JsonObject = doc;
  for (const k of keys) {
    const next = node[k] ?? {};
    if (!isObject(next)) throw new UsageError(`${path}: "${k}" is not an object (nothing was written)`);
    node[k] = next;
    node = next;
  }
  node[name] = entry;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

program
  .command('mcp-config')
  .description(
    "Print (or --write) an MCP client's configuration for the gateway's /mcp URL (SWITCHBOARD_PUBLIC_URL, or host and port), with OAuth login: no key goes in the file.",
  )
  .argument('<client>', MCP_CLIENTS.join(', '))
  .option('--write', "write or merge the entry into the client's config file (other servers and settings are kept)")
  .option('--path <file>', 'the config file to write instead of the default one')
  .option('-n, --name <name>', 'server name (tools appear as mcp__<name>__<tool>)', 'switchboard')
  .option(
    '--scope <scope>',
    'kimi, cursor, codex: user (default) or project; claude: user (default, ~/.claude.json), local (~/.claude.json, this project) or project (.mcp.json); vscode: project (.vscode/mcp.json)',
  )
  .addHelpText(
    'after',
    `
Files written with --write (the entry named --name is replaced; the rest of the file is kept):
  kimi     $KIMI_CODE_HOME/mcp.json or ~/.kimi-code/mcp.json   {"mcpServers": {"<name>": {"url": …}}}
           (--scope project: .kimi-code/mcp.json, loaded only in a trusted workspace)
  claude   ~/.claude.json "mcpServers" (user), its "projects"."<cwd>"."mcpServers" (local), or .mcp.json (project)
           entry {"type": "http", "url": …}; \`claude mcp add --transport http --scope user <name> <url>\` does the same.
           Claude Code rewrites ~/.claude.json while it runs: write it with Claude Code closed.
  cursor   ~/.cursor/mcp.json (or .cursor/mcp.json)                {"mcpServers": {"<name>": {"url": …}}}
  codex    $CODEX_HOME/config.toml or ~/.codex/config.toml (or .codex/config.toml)   [mcp_servers.<name>] url = …
  vscode   .vscode/mcp.json in the current folder                 {"servers": {"<name>": {"type": "http", "url": …}}}
JSON files are rewritten with 2-space indentation; files with comments (JSONC) are refused, not rewritten.
These formats follow each client's documentation as of mid-2025 (Kimi Code 2.1): check your client's docs if it
does not pick the server up.`,
  )
  .action(async (client: string, o: { write?: boolean; path?: string; name: string; scope?: string }) => {
    if (!(MCP_CLIENTS as readonly string[]).includes(client)) {
      throw new UsageError(`unknown client "${client}": one of ${MCP_CLIENTS.join(', ')}`);
    }
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(o.name)) {
      throw new UsageError('--name: 1 to 32 letters, digits, "_" or "-" (it becomes part of every tool name)');
    }
    const url = `${publicBaseUrl(config())}/mcp`;
    const target = mcpConfigTarget(client as McpClient, url, o.name, o.scope);
    const path = o.path ? resolve(o.path) : target.path;
    const merge = (text: string) =>
      target.jsonKeys
        ? mergeJson(text, path, target.jsonKeys, o.name, target.entry)
        : mergeCodexToml(text, o.name, target.entry);
    if (!o.write) {
      out(merge('').trimEnd());
      err(`(for ${path}; write it there with --write. Then log in: ${target.login})`);
      return;
    }
    let before = '';
    try {
      before = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const after = merge(before);
    if (after === before) {
      out(`${path}: "${o.name}" is already configured (${url}); unchanged`);
    } else {
      await mkdir(dirname(path), { recursive: true });
      // In place (not a rename): keeps the file's mode, owner and symlinks (dotfile managers).
      await writeFile(path, after, { mode: 0o600 });
      out(`${path}: wrote "${o.name}" -> ${url}`);
    }
    err(`Log in: ${target.login}`);
  });

function demoBanner(url: string, cfg: Config, loginLink: string | undefined): string {
  const env = cfg.dataDir ? `SWITCHBOARD_DATA_DIR=${JSON.stringify(cfg.dataDir)} ` : '';
  const entry = { mcpServers: { switchboard: { url: `${url}/mcp` } } };
  return [
    '',
    'Switchboard is running in demo mode (emulated Confluence and Gong with seeded data).',
    `  MCP URL (tool router):       ${url}/mcp`,
    `  Every Confluence tool:       ${url}/mcp/confluence`,
    `  Every Gong tool:             ${url}/mcp/gong`,
    `  Health:                      ${url}/healthz`,
    `  Console (apps, connections): ${url}/console`,
    '',
    'Add this to ~/.kimi-code/mcp.json (no key in the file: the client logs in with OAuth in your browser):',
    `  ${JSON.stringify(entry)}`,
    'then log in from Kimi Code with: /mcp-config login switchboard',
    '',
    ...(loginLink
      ? [
          'Sign in as the demo user (already connected to the demo Confluence and Gong) with this one-time link (15 minutes):',
          `  ${loginLink}`,
          `or give it a password: ${env}npx switchboard users passwd demo`,
        ]
      : ['Sign in as the demo user with its password.']),
    '',
    'Scripts and CI can use an API key instead (Authorization: Bearer <key>):',
    `  ${env}npx switchboard keys create --user demo`,
    '',
  ].join('\n');
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof ConfigError || e instanceof UsageError) {
    err(e.message);
    process.exit(2);
  }
  if (isGatewayError(e)) {
    err(`error (${e.code}): ${e.message}`);
    process.exit(1);
  }
  throw e;
}
