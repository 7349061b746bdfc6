import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CheckFailed, run, trace } from './lib.ts';

/**
 * The clients and suites under test, pinned. Each is installed from the npm registry into its own folder of a
 * cache outside the repository (`~/.cache/switchboard-interop/<package>@<version>`), once; later runs reuse it.
 * Upgrading one is a deliberate change of this table (and of docs/clients.md).
 */
export const PINNED = {
  inspector: { pkg: '@modelcontextprotocol/inspector', version: '2.12.0', bin: 'clients/launcher/build/index.js' },
  mcpRemote: { pkg: 'mcp-remote', version: '0.15.1', bin: 'dist/proxy.js' },
  conformance: { pkg: '@modelcontextprotocol/conformance', version: '0.1.16', bin: 'dist/index.js' },
  conformanceAlpha: { pkg: '@modelcontextprotocol/conformance', version: '0.2.0-alpha.12', bin: 'dist/index.js' },
  kimi: { pkg: '@moonshot-ai/kimi-code', version: '2.1.0', bin: 'dist/main.mjs' },
} as const;

export type PinnedName = keyof typeof PINNED;

export function cacheRoot(): string {
  if (process.env.SWITCHBOARD_INTEROP_CACHE) return process.env.SWITCHBOARD_INTEROP_CACHE;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'switchboard-interop');
}

/** The installed package's folder (its package.json) for a pinned name. */
function packageDir(name: PinnedName): string {
  const { pkg, version } = PINNED[name];
  return join(cacheRoot(), `${pkg}@${version}`, 'node_modules', pkg);
}

function installedVersion(name: PinnedName): string | undefined {
  const file = join(packageDir(name), 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Installs a pinned package if its folder does not hold that exact version yet, and returns the path of the
 * script to run with `node` (its bin). Install scripts are not run: none of these needs one, and a script that
 * downloads a binary would fail here anyway.
 */
export async function ensureInstalled(name: PinnedName, timeoutMs = 240_000): Promise<string> {
  const { pkg, version, bin } = PINNED[name];
  const script = join(packageDir(name), bin);
  if (installedVersion(name) === version && existsSync(script)) {
    trace(`${pkg}@${version}: cached`);
    return script;
  }
  const prefix = join(cacheRoot(), `${pkg}@${version}`);
  mkdirSync(prefix, { recursive: true });
  const res = await run(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--ignore-scripts',
      '--loglevel=error',
      `${pkg}@${version}`,
    ],
    { env: npmEnv(), timeoutMs, what: `npm install ${pkg}@${version}` },
  );
  if (res.code !== 0 || installedVersion(name) !== version || !existsSync(script)) {
    throw new CheckFailed(
      `npm install ${pkg}@${version} failed (exit ${res.code}): ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return script;
}

/**
 * The environment for `npm install`: the caller's npm settings (registry, proxy, cache) stay; what `npm run` adds
 * about this project (its package, its script, its prefix) goes, so the install happens only in the cache folder.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/.test(k) || /^npm_config_(local_)?prefix$/.test(k) || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return env;
}
