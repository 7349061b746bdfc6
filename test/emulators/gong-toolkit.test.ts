/**
 * The Gong toolkit against the reference map and the emulator: every tool calls an endpoint the map gives for Gong,
 * the emulator serves it, and the tool declares every OAuth scope the emulator requires for it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GONG_ROUTES } from '../../src/emulators/gong/index.ts';
import { gong } from '../../src/toolkits/gong/index.ts';
import { tools as callTools } from '../../src/toolkits/gong/tools/calls.ts';
import { tools as userSettingsTools } from '../../src/toolkits/gong/tools/users-settings.ts';
import { readSharedJson, sharedFile } from '../helpers/shared.ts';

const MAP = sharedFile('reference/tool-endpoint-map.json');
const norm = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

test('every Gong tool uses an endpoint of the reference map', { skip: MAP.skip }, () => {
  const map = readSharedJson<{ gong: { method: string; path: string; scopes: string[] }[] }>(
    'reference/tool-endpoint-map.json',
  );
  for (const tool of gong.tools) {
    const entry = map.gong.find((e) => e.method === tool.http.method && norm(e.path) === norm(tool.http.path));
    assert.ok(entry, `${tool.name}: ${tool.http.method} ${tool.http.path} is not in the map`);
    for (const s of entry.scopes) assert.ok(tool.scopes.includes(s), `${tool.name} lacks the map's scope ${s}`);
  }
});

test("the emulator serves every Gong tool's endpoint and the tool declares the scopes it checks", () => {
  assert.ok(gong.tools.length >= 20);
  for (const tool of gong.tools) {
    const route = GONG_ROUTES.find((r) => r.method === tool.http.method && norm(r.path) === norm(tool.http.path));
    assert.ok(route, `${tool.name}: the emulator has no ${tool.http.method} ${tool.http.path}`);
    for (const s of route.scopes) assert.ok(tool.scopes.includes(s), `${tool.name} lacks ${s}`);
  }
});

test('calls/users/settings tools that take dates say the format in their description', () => {
  for (const tool of [...callTools, ...userSettingsTools]) {
    const shape = tool.input.shape as Record<string, unknown>;
    if (Object.keys(shape).some((k) => k.endsWith('date_time'))) {
      assert.match(tool.description, /ISO-8601/, `${tool.name} takes date-times`);
    }
  }
});
