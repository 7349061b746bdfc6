// `npm run test:interop`: real MCP clients and the MCP conformance suite against a gateway this script starts.
// Prints one `PASS name: detail` / `FAIL name: detail` line per client or suite, then `N passed, N failed`;
// exits 1 on any failure. Everything talks to 127.0.0.1 only. See docs/clients.md ("Interop suite").
import { conformanceAuthorizationStep, conformanceServerStep } from './conformance.ts';
import { type RunningGateway, startGateway } from './gateway.ts';
import { inspectorStep } from './inspector.ts';
import { ensureInstalled, PINNED, type PinnedName } from './install.ts';
import { kimiStep } from './kimi.ts';
import { kimiTaskStep } from './kimi-tasks.ts';
import { CheckFailed, killAll, type StepResult, trace, withTimeout } from './lib.ts';
import { mcpRemoteStep } from './mcp-remote.ts';

interface Step {
  name: string;
  needs: PinnedName;
  timeoutMs: number;
  run(gw: RunningGateway, timeoutMs: number): Promise<StepResult>;
}

/** The MCP paths the conformance suite checks: every toolkit, and the router once the gateway serves it. */
async function mcpPaths(gw: RunningGateway): Promise<string[]> {
  const paths = ['/mcp/confluence', '/mcp/gong'];
  const res = await fetch(`${gw.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${gw.apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'interop', version: '1' } },
    }),
  }).catch(() => undefined);
  if (res?.ok) paths.unshift('/mcp');
  return paths;
}

const STEPS: Step[] = [
  { name: `inspector@${PINNED.inspector.version}`, needs: 'inspector', timeoutMs: 60_000, run: inspectorStep },
  { name: `mcp-remote@${PINNED.mcpRemote.version}`, needs: 'mcpRemote', timeoutMs: 90_000, run: mcpRemoteStep },
  {
    name: `conformance@${PINNED.conformance.version} server`,
    needs: 'conformance',
    timeoutMs: 120_000,
    run: async (gw, ms) => conformanceServerStep(gw, 'conformance', await mcpPaths(gw), ms),
  },
  {
    name: `conformance@${PINNED.conformanceAlpha.version} server`,
    needs: 'conformanceAlpha',
    timeoutMs: 120_000,
    run: async (gw, ms) => conformanceServerStep(gw, 'conformanceAlpha', await mcpPaths(gw), ms),
  },
  {
    name: `conformance@${PINNED.conformanceAlpha.version} authorization`,
    needs: 'conformanceAlpha',
    timeoutMs: 60_000,
    run: conformanceAuthorizationStep,
  },
  { name: `kimi-code@${PINNED.kimi.version}`, needs: 'kimi', timeoutMs: 150_000, run: kimiStep },
  {
    name: `kimi-code@${PINNED.kimi.version} confluence task via /mcp`,
    needs: 'kimi',
    timeoutMs: 120_000,
    run: (gw, ms) => kimiTaskStep(gw, ms, 'confluence'),
  },
  {
    name: `kimi-code@${PINNED.kimi.version} gong task via /mcp`,
    needs: 'kimi',
    timeoutMs: 120_000,
    run: (gw, ms) => kimiTaskStep(gw, ms, 'gong'),
  },
];

let gateway: RunningGateway | undefined;

/** Ends everything this run started (children first, then the gateway and its data folder). */
async function cleanup(): Promise<void> {
  await killAll();
  await gateway?.stop();
}

/** The whole run's limit: past it, whatever still runs is ended and the run fails. */
const RUN_LIMIT_MS = 10 * 60_000;

function report(r: StepResult): void {
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.detail.replace(/\s+/g, ' ')}`);
}

function failure(name: string, e: unknown): StepResult {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof CheckFailed)) trace(e);
  return { name, ok: false, detail: message.split('\n').slice(0, 3).join(' ') };
}

const results: StepResult[] = [];
function done(r: StepResult): void {
  results.push(r);
  report(r);
}

async function main(): Promise<number> {
  // `npm run test:interop -- kimi mcp-remote` runs only the steps whose names start with these words.
  const only = process.argv.slice(2);
  const steps = only.length ? STEPS.filter((s) => only.some((o) => s.name.startsWith(o))) : STEPS;

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    done({ name: 'node', ok: false, detail: `the clients need Node >= 22.19 (this is ${process.version})` });
    return summary(results);
  }

  // Installs first, in parallel (cached after the first run); a failed install fails only the steps needing it.
  const installs = new Map<PinnedName, Promise<unknown>>();
  for (const s of steps) {
    if (!installs.has(s.needs))
      installs.set(
        s.needs,
        ensureInstalled(s.needs).then(
          () => undefined,
          (e) => e,
        ),
      );
  }

  let gw: RunningGateway;
  try {
    gw = await startGateway();
    gateway = gw;
  } catch (e) {
    done(failure('gateway', e));
    await Promise.all(installs.values());
    return summary(results);
  }
  trace('gateway at', gw.url);
  try {
    for (const step of steps) {
      const started = Date.now();
      const installError = await installs.get(step.needs);
      if (installError) {
        done(failure(step.name, installError));
        continue;
      }
      try {
        const r = await withTimeout(step.timeoutMs + 5000, step.name, step.run(gw, step.timeoutMs));
        done({ ...r, detail: `${r.detail} (${((Date.now() - started) / 1000).toFixed(1)} s)` });
      } catch (e) {
        done(failure(step.name, e));
        if (process.env.SWITCHBOARD_INTEROP_VERBOSE === '1') console.error(gw.output().slice(-3000));
        // A step that ran out of time may leave its clients running: end them, not the gateway.
        await killAll('gateway');
      }
    }
  } finally {
    gateway = undefined;
    await gw.stop();
  }
  return summary(results);
}

function summary(results: StepResult[]): number {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

const watchdog = setTimeout(async () => {
  done({ name: 'interop', ok: false, detail: `the run exceeded ${RUN_LIMIT_MS / 60_000} minutes` });
  summary(results);
  await cleanup();
  process.exit(1);
}, RUN_LIMIT_MS);
watchdog.unref();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

const code = await main();
await killAll();
process.exit(code);
