import type { RunningGateway } from './gateway.ts';
import { ensureInstalled, PINNED } from './install.ts';
import { check, cleanEnv, clip, run, type StepResult, tempDir } from './lib.ts';

/**
 * MCP Inspector's CLI (an independent client: its own SDK build and argument handling) against `/mcp/confluence`
 * with an API key: `tools/list` must name the Confluence tools, and `tools/call confluence_get_spaces` must return
 * the seeded ENG space.
 */
export async function inspectorStep(gw: RunningGateway, timeoutMs: number): Promise<StepResult> {
  const name = `inspector@${PINNED.inspector.version}`;
  const bin = await ensureInstalled('inspector');
  const home = tempDir('sb-interop-inspector-');
  try {
    const env = cleanEnv({ HOME: home.dir, MCP_STORAGE_DIR: home.dir, MCP_AUTO_OPEN_ENABLED: 'false' });
    const url = `${gw.url}/mcp/confluence`;
    const common = ['--cli', url, '--transport', 'http', '--header', `Authorization: Bearer ${gw.apiKey}`];

    const list = await run(process.execPath, [bin, ...common, '--method', 'tools/list'], {
      env,
      timeoutMs,
      what: 'inspector tools/list',
    });
    check(list.code === 0, `tools/list exited ${list.code}: ${clip(list.stderr || list.stdout)}`);
    const listed = JSON.parse(list.stdout) as { tools?: { name: string; inputSchema?: unknown }[] };
    const names = (listed.tools ?? []).map((t) => t.name);
    check(names.includes('confluence_get_spaces'), `tools/list lacks confluence_get_spaces: ${clip(list.stdout)}`);
    check(
      (listed.tools ?? []).every((t) => typeof t.inputSchema === 'object'),
      'a listed tool has no inputSchema object',
    );

    const call = await run(
      process.execPath,
      [
        bin,
        ...common,
        '--method',
        'tools/call',
        '--tool-name',
        'confluence_get_spaces',
        '--tool-arg',
        'limit=10',
        '--tool-arg',
        'type=global',
      ],
      { env, timeoutMs, what: 'inspector tools/call' },
    );
    check(call.code === 0, `tools/call exited ${call.code}: ${clip(call.stderr || call.stdout)}`);
    const result = JSON.parse(call.stdout) as { isError?: boolean; content?: { type: string; text?: string }[] };
    check(!result.isError, `tools/call returned isError: ${clip(call.stdout)}`);
    const text = result.content?.find((c) => c.type === 'text')?.text ?? '';
    const spaces = (JSON.parse(text) as { results?: { key: string; name: string }[] }).results ?? [];
    check(
      spaces.some((s) => s.key === 'ENG' && s.name === 'Engineering'),
      `no seeded ENG space in the result: ${clip(text)}`,
    );
    return {
      name,
      ok: true,
      detail: `tools/list ${names.length} tools; tools/call confluence_get_spaces -> ${spaces.length} spaces incl. ENG`,
    };
  } finally {
    home.remove();
  }
}
