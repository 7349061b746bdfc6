/** multipart/form-data request bodies (`HttpMapping.multipart`), as file uploads such as Gong's call media need. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { buildRequest, encodeMultipart } from '../../src/execution/request.ts';
import { defineTool, defineToolkit, type HttpMapping } from '../../src/toolkits/define.ts';

/** Parses a body with the platform's own multipart parser (undici's Response.formData). */
async function parse(body: Uint8Array, contentType: string): Promise<FormData> {
  return new Response(body, { headers: { 'content-type': contentType } }).formData();
}

describe('multipart request bodies', () => {
  test('encodeMultipart round-trips text fields and binary files through a standard parser', async () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256); // every byte value, CR/LF included
    const { body, contentType } = encodeMultipart([
      { name: 'note', value: 'héllo\r\nworld' },
      { name: 'mediaFile', filename: 'call "1".wav', contentType: 'audio/wav', data: bytes },
    ]);
    assert.match(contentType, /^multipart\/form-data; boundary=----switchboard[0-9a-f]{24}$/);
    const form = await parse(body, contentType);
    assert.equal(form.get('note'), 'héllo\r\nworld');
    const file = form.get('mediaFile') as File;
    assert.ok(file instanceof File);
    assert.equal(file.name, 'call "1".wav', 'quotes are percent-encoded on the wire (as browsers do) and decoded back');
    assert.match(Buffer.from(body).toString('latin1'), /filename="call %221%22.wav"/);
    assert.equal(file.type, 'audio/wav');
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes);
  });

  test('a name or type cannot inject headers or end the part early', async () => {
    const { body, contentType } = encodeMultipart([
      {
        name: 'a"\r\nX-Evil: 1',
        filename: 'x\r\n--boundary',
        contentType: 'audio/wav\r\nX-Evil: 1',
        data: Buffer.from('ok'),
      },
    ]);
    const text = Buffer.from(body).toString('latin1');
    assert.doesNotMatch(text, /\r\nX-Evil/);
    const form = await parse(body, contentType);
    assert.equal([...form.keys()].length, 1);
  });

  test('buildRequest sends multipart bytes with the boundary header instead of JSON', async () => {
    const mapping: HttpMapping<Record<string, unknown>> = {
      method: 'PUT',
      path: '/v2/calls/{id}/media',
      multipart: (i) => [{ name: 'mediaFile', filename: 'a.mp3', contentType: 'audio/mpeg', data: i.data as Buffer }],
    };
    const built = buildRequest(mapping, { id: '42', data: Buffer.from('ID3 bytes') }, 'https://gong.example/', {
      type: 'basic',
      username: 'k',
      password: 's',
    });
    assert.equal(built.url, 'https://gong.example/v2/calls/42/media');
    assert.equal(built.method, 'PUT');
    assert.match(built.headers['content-type']!, /^multipart\/form-data; boundary=/);
    assert.ok(built.body instanceof Uint8Array);
    const form = await parse(built.body as Uint8Array, built.headers['content-type']!);
    assert.equal(await (form.get('mediaFile') as File).text(), 'ID3 bytes');
    assert.equal(built.headers.authorization, `Basic ${Buffer.from('k:s').toString('base64')}`);
  });

  test('defineToolkit refuses a tool with both a JSON body and a multipart body', () => {
    const tool = defineTool({
      name: 'x_upload',
      title: 'Upload',
      description: 'Uploads a file to the service; long enough description for the checks.',
      input: z.object({ id: z.string() }),
      http: { method: 'PUT', path: '/u/{id}', body: () => ({}), multipart: () => [] },
      scopes: [],
      annotations: { readOnlyHint: false, openWorldHint: true },
    });
    assert.throws(
      () => defineToolkit({ id: 'x', name: 'X', description: 'x', service: 'X', tools: [tool] }),
      /http\.body and http\.multipart are exclusive/,
    );
  });
});
