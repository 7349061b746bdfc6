import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config/index.ts';
import { connectDemo, DEMO_TOOLKITS } from '../connections/demo.ts';
import { createConnections } from '../connections/index.ts';
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

program
  .command('connect')
  .description("Connect a user's account of a toolkit. First form: --demo connects the emulator's demo account.")
  .argument('<toolkit>', `toolkit id (${DEMO_TOOLKITS.join(', ')})`)
  .requiredOption('-u, --user <name>', 'user name (created if needed)')
  .option('--demo', 'connect the demo account of the local emulator')
  .action(async (toolkit: string, opts: { user: string; demo?: boolean }) => {
    if (!opts.demo)
      throw new UsageError('only --demo connections exist so far; managed OAuth and API-key connections come next');
    const cfg = config();
    await withStore(cfg, async (store) => {
      const keyring = loadKeyring({ keys: cfg.encryptionKeys, demo: true, dataDir: cfg.dataDir });
      await checkKeyring(store.db, keyring);
      const connections = createConnections({ db: store.db, vault: createVault(keyring) });
      const { user } = await ensureUser(store.db, opts.user);
      const c = await connectDemo(connections, user.id, toolkit);
      out(
        `${user.name}: ${c.toolkit} connection "${c.alias}" (${c.id}) is ${c.status}${c.isDefault ? ', default' : ''}`,
      );
    });
  });

program
  .command('connections')
  .description("List a user's connections and their statuses.")
  .requiredOption('-u, --user <name>', 'user name')
  .action(async (opts: { user: string }) => {
    await withStore(config(), async (store) => {
      const user = await requireUser(store, opts.user);
      const connections = createConnections({ db: store.db, vault: undefined as never });
      for (const c of await connections.list(user.id)) {
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
  const entry = { mcpServers: { switchboard: { url: `${url}/mcp/confluence` } } };
  return [
    '',
    'Switchboard is running in demo mode (emulated Confluence and Gong with seeded data).',
    `  MCP URL (Confluence tools): ${url}/mcp/confluence`,
    `  MCP URL (Gong tools):       ${url}/mcp/gong`,
    `  Health:                     ${url}/healthz`,
    `  Console (your apps):        ${url}/console`,
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
