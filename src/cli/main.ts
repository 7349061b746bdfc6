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
