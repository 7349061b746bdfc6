import { z } from 'zod';
import type { Pagination } from '../define.ts';

/**
 * Gong's error body is `{requestId, errors: ["..."]}` (a daily-quota 429 says the daily limit was reached and
 * when it resets); OAuth endpoints answer `{error, error_description}`. The request id is kept: Gong support asks
 * for it.
 */
export function gongErrorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? body.slice(0, 500) : undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errors?: unknown; requestId?: unknown; error?: unknown; error_description?: unknown };
  let text: string | undefined;
  if (Array.isArray(b.errors) && b.errors.length > 0) {
    text = b.errors
      .map((e) => (typeof e === 'string' ? e : e && typeof e === 'object' ? JSON.stringify(e) : String(e)))
      .join('; ');
  } else if (typeof b.error_description === 'string' && b.error_description) {
    text = typeof b.error === 'string' ? `${b.error}: ${b.error_description}` : b.error_description;
  } else if (typeof b.error === 'string' && b.error) text = b.error;
  if (!text) return undefined;
  return typeof b.requestId === 'string' && b.requestId ? `${text} [Gong requestId ${b.requestId}]` : text;
}

/**
 * Gong cursor pagination: the next page repeats the identical request with `records.cursor` added, as the query
 * parameter `cursor` for GET endpoints and as the top-level body field `cursor` for POST endpoints.
 */
export function gongPagination(cursorIn: 'query' | 'body', itemsPath: string): Pagination {
  return {
    cursorIn,
    cursorParam: 'cursor',
    itemsPath,
    nextCursor: (body) => {
      const cursor = (body as { records?: { cursor?: unknown } } | null)?.records?.cursor;
      return typeof cursor === 'string' && cursor ? cursor : undefined;
    },
  };
}

/** ISO-8601 date-time with a zone, as Gong's `fromDateTime`/`toDateTime` want. */
export const dateTime = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
      message: 'expected an ISO-8601 date-time with a time zone, e.g. 2026-11-01T00:00:00Z',
    })
    .describe(
      `${what}: an ISO-8601 date-time with a time zone, e.g. "2026-11-01T00:00:00Z" or "2026-11-01T09:00:00-07:00" (not a bare date). Work out relative dates ("last week") yourself.`,
    );

/** `YYYY-MM-DD`, as the stats endpoints' `fromDate`/`toDate` want. */
export const isoDate = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date in the format YYYY-MM-DD, e.g. 2026-11-01' })
    .describe(
      `${what}: a date in the format YYYY-MM-DD, e.g. "2026-11-01" (no time). Work out relative dates yourself.`,
    );

/** A numeric Gong id (calls, users, workspaces, folders are long numbers sent as strings). */
export const gongId = (what: string) =>
  z
    .string()
    .regex(/^\d{1,20}$/, { message: `expected a numeric Gong ${what} id such as "7782342274025937895"` })
    .describe(`Numeric Gong ${what} id (a long number, as a string).`);
