import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorizeInBrowser, Browser } from '../../test/oauth/helpers.ts';
import type { RunningGateway } from './gateway.ts';
import { ensureInstalled, PINNED } from './install.ts';
import {
  CheckFailed,
  check,
  cleanEnv,
  clip,
  freePort,
  run,
  type StepResult,
  startChild,
  tempDir,
  withTimeout,
} from './lib.ts';
import { startBearerProxy } from './proxy.ts';

export const EXPECTED_FAILURES = fileURLToPath(new URL('./conformance-expected-failures.yml', import.meta.url));

/** The gateway speaks 2025-11-25 (SDK 1.x); the alpha's 2026-07-28 (stateless draft) scenarios do not apply. */
const SPEC_VERSION = '2025-11-25';

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: unknown;
}

/** Scenario name -> its checks, from the suite's output folder (`server-<scenario>-<timestamp>/checks.json`). */
function readResults(dir: string, prefix: string): Map<string, Check[]> {
  const out = new Map<string, Check[]>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const m = entry.match(new RegExp(`^${prefix}-(.+)-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$`));
    const file = join(dir, entry, 'checks.json');
    if (!m || !existsSync(file)) continue;
    out.set(m[1]!, JSON.parse(readFileSync(file, 'utf8')) as Check[]);
  }
  return out;
}

const scenarioPassed = (checks: Check[] | undefined) => !!checks && checks.every((c) => c.status !== 'FAILURE');

/** The scenarios a tools-only server must pass, whatever the expected-failures file says. */
const MUST_PASS = [
  'server-initialize',
  'ping',
  'tools-list',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

/**
 * `conformance server` against each MCP path of the gateway, through the bearer-adding proxy (the suite cannot
 * send an Authorization header). Passes when the suite's own verdict with the expected-failures file is a pass
 * (exit 0: no unexpected failure, no stale entry) AND, read from its results: the must-pass scenarios passed,
 * dns-rebinding's checks succeeded, and no wire-schema-valid check failed anywhere (so a schema violation
 * inside an expected-failure scenario still fails the run).
 */
export async function conformanceServerStep(
  gw: RunningGateway,
  which: 'conformance' | 'conformanceAlpha',
  paths: string[],
  timeoutMs: number,
): Promise<StepResult> {
  const { version } = PINNED[which];
  const name = `conformance@${version} server`;
  const bin = await ensureInstalled(which);
  const proxy = await startBearerProxy(gw.url, gw.apiKey);
  const out = tempDir('sb-interop-conformance-');
  const alpha = which === 'conformanceAlpha';
  const deadline = Date.now() + timeoutMs;
  try {
    const summaries: string[] = [];
    for (const path of paths) {
      const dir = join(out.dir, path.replaceAll('/', '_'));
      const res = await run(
        process.execPath,
        [
          bin,
          'server',
          '--url',
          `${proxy.url}${path}`,
          '--expected-failures',
          EXPECTED_FAILURES,
          '-o',
          dir,
          ...(alpha ? ['--spec-version', SPEC_VERSION, '--timeout', '20000'] : []),
        ],
        {
          env: cleanEnv({ NO_COLOR: '1', FORCE_COLOR: '0' }),
          timeoutMs: Math.max(5000, deadline - Date.now()),
          what: `conformance server ${path}`,
        },
      );
      const results = readResults(dir, 'server');
      check(results.size > 0, `${path}: no results written (exit ${res.code}): ${clip(res.stderr || res.stdout)}`);
      if (res.code !== 0) {
        // The suite's verdict: the unexpected failures and stale entries it lists after its summary.
        const at = res.stdout.search(/Unexpected failures|Stale baseline/);
        throw new CheckFailed(
          `${path}: the suite failed (exit ${res.code}): ${clip(at >= 0 ? res.stdout.slice(at) : res.stdout.slice(-600), 500)}`,
        );
      }
      for (const s of MUST_PASS) {
        check(scenarioPassed(results.get(s)), `${path}: ${s} did not pass: ${clip(JSON.stringify(results.get(s)))}`);
      }
      const rebinding = results.get('dns-rebinding-protection') ?? [];
      check(
        rebinding.length >= 2 && rebinding.every((c) => c.status === 'SUCCESS'),
        `${path}: dns-rebinding-protection checks: ${clip(JSON.stringify(rebinding))}`,
      );
      const wire = [...results.values()].flat().filter((c) => c.id === 'wire-schema-valid');
      const wireBad = wire.filter((c) => c.status === 'FAILURE');
      check(wireBad.length === 0, `${path}: wire-schema-valid failed: ${clip(JSON.stringify(wireBad), 600)}`);
      let lifecycle = '';
      if (alpha) {
        const sl = results.get('server-session-lifecycle');
        check(scenarioPassed(sl), `${path}: server-session-lifecycle failed: ${clip(JSON.stringify(sl))}`);
        check(wire.length > 0, `${path}: the alpha ran no wire-schema-valid check`);
        lifecycle = sl?.some((c) => c.id.endsWith('-skipped'))
          ? ', session-lifecycle n/a (stateless: no Mcp-Session-Id)'
          : ', session-lifecycle ok';
      }
      // An expected failure must fail for the expected reason: the fixture is missing (-32602 Unknown tool, or
      // -32601 Method not found for an undeclared capability), not a crash, a 500 or a malformed answer.
      const failedChecks = [...results.entries()].flatMap(([scenario, checks]) =>
        checks.filter((c) => c.status === 'FAILURE').map((c) => ({ scenario, ...c })),
      );
      const wrongReason = failedChecks.filter(
        (c) => c.id !== 'wire-schema-valid' && !/Unknown tool: test_|Method not found/.test(c.errorMessage ?? ''),
      );
      check(
        wrongReason.length === 0,
        `${path}: expected failures for another reason than a missing fixture: ${clip(
          wrongReason.map((c) => `${c.scenario}: ${c.errorMessage}`).join('; '),
          600,
        )}`,
      );
      const failedScenarios = new Set(failedChecks.map((c) => c.scenario));
      // Scenarios with a warning and no failure (the suite accepted them only because they are listed).
      const warnedOnly = [...results.entries()].flatMap(([s, checks]) =>
        failedScenarios.has(s) ? [] : checks.filter((c) => c.status === 'WARNING').map((c) => `${s} (${c.id})`),
      );
      const passed = [...results.values()].filter((checks) =>
        checks.every((c) => c.status !== 'FAILURE' && c.status !== 'WARNING'),
      ).length;
      summaries.push(
        `${path}: ${passed} pass, ${failedScenarios.size} fail as expected (missing fixtures)` +
          `${warnedOnly.length ? `, warning only: ${warnedOnly.join(', ')}` : ''}` +
          `${alpha ? `, wire-schema-valid ${wire.length}/${wire.length}` : ''}${lifecycle}, dns-rebinding 2/2`,
      );
    }
    return { name, ok: true, detail: summaries.join('; ') };
  } finally {
    await proxy.close();
    out.remove();
  }
}

/**
 * The alpha's `conformance authorization` against the gateway's own authorization server: the metadata
 * endpoint scenario, then the authorization code grant (a client registered through DCR with the suite's
 * callback `http://127.0.0.1:<port>/callback`; the harness plays the browser through login and consent, and
 * the redirect lands on the suite's callback listener; the suite then redeems the code with PKCE and
 * `resource`).
 */
export async function conformanceAuthorizationStep(gw: RunningGateway, timeoutMs: number): Promise<StepResult> {
  const { version } = PINNED.conformanceAlpha;
  const name = `conformance@${version} authorization`;
  const bin = await ensureInstalled('conformanceAlpha');
  const out = tempDir('sb-interop-conformance-as-');
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const reg = await fetch(`${gw.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'MCP conformance suite',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  const client = (await reg.json()) as { client_id?: string };
  check(reg.status === 201 && client.client_id, `dynamic client registration answered ${reg.status}`);
  const child = startChild(
    process.execPath,
    [
      bin,
      'authorization',
      '--url',
      gw.url,
      '--client-id',
      client.client_id,
      '--port',
      String(port),
      '--resource',
      `${gw.url}/mcp/confluence`,
      '--spec-version',
      SPEC_VERSION,
      '-o',
      out.dir,
    ],
    { env: cleanEnv({ NO_COLOR: '1', FORCE_COLOR: '0' }) },
  );
  try {
    const authUrl = await withTimeout(
      left(),
      'the suite printing an authorization URL',
      new Promise<string>((resolve, reject) => {
        const look = () => {
          const m = child.stdout().match(/Access the following URL in your browser[^\n]*\n(\S+)/);
          if (m) resolve(m[1]!);
        };
        child.proc.stdout?.on('data', look);
        child.exited.then((code) =>
          reject(new CheckFailed(`the suite exited (${code}) before asking for a browser: ${clip(child.stdout())}`)),
        );
        look();
      }),
    );
    const { redirect } = await authorizeInBrowser(new Browser(), authUrl, { password: gw.password });
    check(redirect.href.startsWith(`${redirectUri}?`), `consent redirects to the suite's callback: ${redirect.href}`);
    const cb = await withTimeout(left(), "the suite's callback", fetch(redirect));
    check(cb.ok, `the suite's callback answered ${cb.status}`);
    const code = await withTimeout(left(), 'conformance authorization', child.exited);
    const results = readResults(out.dir, 'authorization');
    const checks = [...results.values()].flat();
    const failed = checks.filter((c) => c.status === 'FAILURE');
    const warned = checks.filter((c) => c.status === 'WARNING');
    check(checks.length >= 3, `too few results (exit ${code}): ${clip(child.stdout())}`);
    check(
      failed.length === 0 && code === 0,
      `exit ${code}; failed: ${failed.map((c) => `${c.id}: ${c.errorMessage}`).join('; ')}`,
    );
    const grant = checks.find((c) => c.id === 'authorization-code-grant');
    check(grant?.status === 'SUCCESS', `authorization-code-grant: ${grant?.status} ${grant?.errorMessage ?? ''}`);
    return {
      name,
      ok: true,
      detail:
        `${checks.filter((c) => c.status === 'SUCCESS').length}/${checks.length} checks pass ` +
        `(${checks.map((c) => c.id).join(', ')})${warned.length ? `; warnings: ${warned.map((c) => c.id).join(', ')}` : ''}`,
    };
  } finally {
    await child.kill();
    out.remove();
  }
}
