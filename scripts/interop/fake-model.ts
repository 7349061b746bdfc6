import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Chat Completions request as the agent sent it (what the model would see). */
export interface ModelRequest {
  model?: string;
  stream?: boolean;
  messages: { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string; name?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
}

/** What the scripted model answers: a tool call, or plain text (the end of the turn). */
export type ModelReply = { toolCall: { name: string; arguments: unknown } } | { text: string };

export interface FakeModel {
  /** The OpenAI-compatible base URL (`http://127.0.0.1:<port>/v1`). */
  baseUrl: string;
  requests: ModelRequest[];
  close(): Promise<void>;
}

/**
 * A tiny OpenAI-compatible model server on loopback: `POST /v1/chat/completions` answered by a script (a
 * function of the request, possibly async), streamed as Server-Sent Events like the real API (or one JSON body when the request
 * asks for no stream). `GET /v1/models` lists the one model. Every request is recorded.
 */
export async function startFakeModel(
  script: (req: ModelRequest, index: number) => ModelReply | Promise<ModelReply>,
): Promise<FakeModel> {
  const requests: ModelRequest[] = [];
  let calls = 0;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake', object: 'model', owned_by: 'interop' }] }));
      return;
    }
    if (req.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no ${req.method} ${url.pathname} here`, type: 'not_found' } }));
      return;
    }
    let body: ModelRequest;
    try {
      body = JSON.parse(await readBody(req)) as ModelRequest;
    } catch {
      res.writeHead(400).end();
      return;
    }
    requests.push(body);
    let reply: ModelReply;
    try {
      reply = await script(body, requests.length - 1);
    } catch (e) {
      reply = { text: `the script failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    const id = `chatcmpl-${++calls}`;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'fake' };
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    const toolCall =
      'toolCall' in reply
        ? {
            index: 0,
            id: `call_${calls}`,
            type: 'function',
            function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) },
          }
        : undefined;
    const finish = toolCall ? 'tool_calls' : 'stop';
    if (body.stream === false) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: 'text' in reply ? reply.text : null,
                ...(toolCall ? { tool_calls: [{ ...toolCall, index: undefined }] } : {}),
              },
              finish_reason: finish,
            },
          ],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    if (toolCall) send({ ...base, choices: [{ index: 0, delta: { tool_calls: [toolCall] }, finish_reason: null }] });
    else if ('text' in reply)
      send({ ...base, choices: [{ index: 0, delta: { content: reply.text }, finish_reason: null }] });
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    send({ ...base, choices: [], usage });
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      data += d;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
