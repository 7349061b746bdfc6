import { fileURLToPath } from 'node:url';
import { CheckFailed, type Child, cleanEnv, run, startChild, tempDir, withTimeout } from './lib.ts';

const BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** The demo user's password in the interop run (it signs in on the login page when a client logs in). */
export const DEMO_PASSWORD = 'interop: correct horse battery staple';

export interface RunningGateway {
  /** `http://127.0.0.1:<port>`, as the gateway logged it. */
  url: string;
  /** An API key of the `demo` user (connected to both demo emulators). */
  apiKey: string;
  password: string;
  /** The environment the gateway runs with (its data folder): for more `switchboard` commands against it. */
  env: NodeJS.ProcessEnv;
  /** The gateway's output so far (for a failure's detail). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the gateway the way a person does: `switchboard serve --demo --port 0` in a fresh data folder, then
 * `users passwd demo --password-stdin` and `keys create --user demo` against the same folder.
 */
export async function startGateway(timeoutMs = 45_000): Promise<RunningGateway> {
  const data = tempDir('sb-interop-data-');
  const env = cleanEnv({ SWITCHBOARD_DATA_DIR: data.dir, SWITCHBOARD_LOG_LEVEL: 'info' });
  const child: Child = startChild(process.execPath, [BIN, 'serve', '--demo', '--port', '0'], {
    env,
    label: 'gateway',
  });
  const stop = async () => {
    await child.kill();
    data.remove();
  };
  try {
    const url = await withTimeout(
      timeoutMs,
      'gateway start',
      new Promise<string>((resolve, reject) => {
        const look = () => {
          for (const line of child.stdout().split('\n')) {
            if (!line.startsWith('{')) continue;
            try {
              const rec = JSON.parse(line) as { msg?: string; url?: string };
              if (rec.msg === 'listening' && rec.url) return resolve(rec.url);
            } catch {
              // a partial line: wait for the rest
            }
          }
        };
        child.proc.stdout?.on('data', look);
        child.exited.then((code) =>
          reject(new CheckFailed(`the gateway exited (${code}) before listening: ${child.stderr().slice(-500)}`)),
        );
        look();
      }),
    );
    await setPassword(env, DEMO_PASSWORD);
    const keys = await run(process.execPath, [BIN, 'keys', 'create', '--user', 'demo'], {
      env,
      timeoutMs: 30_000,
      what: 'keys create',
    });
    const apiKey = keys.stdout.trim().split('\n').at(-1)?.trim() ?? '';
    if (keys.code !== 0 || !apiKey.startsWith('sb_')) {
      throw new CheckFailed(`keys create failed (${keys.code}): ${keys.stderr.slice(-300)}`);
    }
    return {
      url,
      apiKey,
      password: DEMO_PASSWORD,
      env,
      output: () => `${child.stdout()}\n${child.stderr()}`,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `switchboard users add <name> --password-stdin`: a new user, with no connection. */
export async function addUser(gw: RunningGateway, name: string, password: string): Promise<void> {
  await passwordCommand(gw.env, ['users', 'add', name, '--password-stdin'], password);
}

/** `switchboard users passwd demo --password-stdin`, with the password on stdin as a script would. */
async function setPassword(env: NodeJS.ProcessEnv, password: string): Promise<void> {
  await passwordCommand(env, ['users', 'passwd', 'demo', '--password-stdin'], password);
}

async function passwordCommand(env: NodeJS.ProcessEnv, args: string[], password: string): Promise<void> {
  const child = startChild(process.execPath, [BIN, ...args], {
    env,
    stdin: 'pipe',
  });
  child.proc.stdin?.end(`${password}\n`);
  try {
    const code = await withTimeout(30_000, args.slice(0, 2).join(' '), child.exited);
    if (code !== 0) {
      throw new CheckFailed(`${args.slice(0, 2).join(' ')} failed (${code}): ${child.stderr().slice(-300)}`);
    }
  } finally {
    await child.kill();
  }
}
