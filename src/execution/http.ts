import { Agent, request } from 'undici';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, a Buffer for binary types, the text otherwise, undefined when empty. */
  body: unknown;
}

export interface HttpClient {
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** undici with a keep-alive pool shared by every upstream call. */
export function createHttpClient(opts: { maxResponseBytes?: number } = {}): HttpClient {
  const dispatcher = new Agent({
    keepAliveTimeout: 10_000,
    connections: 64,
    maxResponseSize: opts.maxResponseBytes ?? 50 * 1024 * 1024,
  });
  return {
    async send(req) {
      const res = await request(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        dispatcher,
      });
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) headers.append(k, x);
        else if (v !== undefined) headers.set(k, v);
      }
      const type = headers.get('content-type') ?? '';
      if (type && !/json|^text\/|xml|x-www-form-urlencoded/.test(type)) {
        // Binary (attachments, media): kept as bytes; the executor or the tool decides how to hand it over.
        const bytes = Buffer.from(await res.body.arrayBuffer());
        return { status: res.statusCode, headers, body: bytes.length ? bytes : undefined };
      }
      const text = await res.body.text();
      let body: unknown;
      if (text.length > 0) {
        if (type.includes('json')) {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        } else body = text;
      }
      return { status: res.statusCode, headers, body };
    },
    close: () => dispatcher.close(),
  };
}
