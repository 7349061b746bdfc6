import { Agent, interceptors, request } from 'undici';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A string (JSON) or bytes (multipart/form-data uploads). */
  body?: string | Uint8Array | undefined;
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /**
   * Parsed JSON when the response is JSON, a Buffer for binary types and for file downloads
   * (`Content-Disposition: attachment`, whatever their type), the text otherwise, undefined when empty.
   */
  body: unknown;
}

export interface HttpClient {
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Redirects a GET may follow (Confluence answers a file download with 302 to the file). */
export const MAX_REDIRECTS = 3;

/**
 * undici with a keep-alive pool shared by every upstream call. GET and HEAD follow up to MAX_REDIRECTS redirects;
 * a redirect to another origin drops the Authorization header (undici's redirect handler), so credentials never
 * leave the upstream's own host. Other methods never follow redirects: a write is not silently replayed as a GET.
 */
export function createHttpClient(opts: { maxResponseBytes?: number } = {}): HttpClient {
  const dispatcher = new Agent({
    keepAliveTimeout: 10_000,
    connections: 64,
    maxResponseSize: opts.maxResponseBytes ?? 50 * 1024 * 1024,
  });
  const following = dispatcher.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  return {
    async send(req) {
      const res = await request(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        dispatcher: req.method === 'GET' || req.method === 'HEAD' ? following : dispatcher,
      });
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) headers.append(k, x);
        else if (v !== undefined) headers.set(k, v);
      }
      const type = headers.get('content-type') ?? '';
      const download = /^\s*attachment\b/i.test(headers.get('content-disposition') ?? '');
      if (download || (type && !/json|^text\/|xml|x-www-form-urlencoded/.test(type))) {
        // Binary (attachments, media): kept as bytes; the executor or the tool decides how to hand it over.
        const bytes = Buffer.from(await res.body.arrayBuffer());
        return { status: res.statusCode, headers, body: bytes.length ? bytes : undefined };
      }
      const text = await res.body.text();
      let body: unknown;
      if (text.length > 0) {
        if (type.includes('json')) {
          try {
            body = parseJson(text);
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

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as strings: Gong's call and workspace ids are int64, and a
 * rounded id names no real call. The reviver (with the source text, Node 22+) only runs when the text holds a run
 * of 16+ digits, so ordinary responses parse at full speed.
 */
export function parseJson(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)
      ? context.source
      : value,
  );
}
