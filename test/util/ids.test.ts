import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from '../../src/util/ids.ts';

test('uuidv7 ids are well-formed and strictly increasing, also within one millisecond', () => {
  const ids = Array.from({ length: 5000 }, () => uuidv7(1_700_000_000_000));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `${ids[i]} after ${ids[i - 1]}`);
  assert.ok(uuidv7(1_800_000_000_000) > ids.at(-1)!);
});
