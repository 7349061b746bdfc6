import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { resultJson } from '../helpers/gateway.ts';

/** Everything a strict client may receive in one tool result. */
export const MAX_ANSWER_CHARS = 20_000;

// biome-ignore lint/suspicious/noExplicitAny: the answer is JSON the assertions read into.
export type Body = any;

/** One run_workbench call through MCP: the raw result, its text, the parsed answer and whether it is an error. */
export async function runProgram(client: Client, code: string, opts: { signal?: AbortSignal } = {}) {
  const res = await client.callTool({ name: 'run_workbench', arguments: { code } }, undefined, opts);
  const text = (res.content as { type: string; text: string }[])[0]!.text;
  assert.ok(text.length <= MAX_ANSWER_CHARS, `run_workbench answered ${text.length} characters`);
  return { res, text, body: resultJson(res) as Body, failed: res.isError === true };
}

/** A run that must succeed: its answer body. */
export async function ok(client: Client, code: string): Promise<Body> {
  const r = await runProgram(client, code);
  assert.equal(r.failed, false, r.text.slice(0, 2000));
  assert.equal(r.body.ok, true);
  return r.body;
}

/** A run that must fail: its answer body (an MCP error result with an error code and message). */
export async function fails(client: Client, code: string): Promise<Body> {
  const r = await runProgram(client, code);
  assert.equal(r.failed, true, r.text.slice(0, 2000));
  assert.equal(r.body.ok, false);
  assert.equal(typeof r.body.error?.code, 'string', r.text.slice(0, 1500));
  assert.equal(typeof r.body.error.message, 'string');
  return r.body;
}
