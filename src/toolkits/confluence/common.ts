import { z } from 'zod';
import { GatewayError } from '../../util/errors.ts';
import type { Pagination, UpstreamReader } from '../define.ts';

/** Confluence v2 lists: `_links.next` (also the `Link` header) is a URL whose `cursor` parameter continues. */
export const v2Pagination: Pagination = {
  cursorIn: 'query',
  cursorParam: 'cursor',
  itemsPath: 'results',
  nextCursor: (body, headers) => {
    const next = (body as { _links?: { next?: string } } | null)?._links?.next ?? linkHeaderNext(headers.get('link'));
    if (!next) return undefined;
    return new URL(next, 'http://placeholder').searchParams.get('cursor') ?? undefined;
  },
};

/** Confluence v1 search: `_links.next` carries a `cursor` too (`start` is legacy). */
export const v1SearchPagination: Pagination = v2Pagination;

function linkHeaderNext(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/** Message of a v1 (`{message}`) or v2 (`{errors[{title, detail}]}`) error body. */
export function confluenceErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? body.slice(0, 500) : undefined;
  const b = body as { message?: unknown; errors?: { title?: string; detail?: string | null; message?: string }[] };
  if (typeof b.message === 'string' && b.message) return b.message;
  if (Array.isArray(b.errors) && b.errors.length > 0) {
    return b.errors
      .map((e) => [e.title, e.detail ?? e.message].filter(Boolean).join(': '))
      .filter(Boolean)
      .join('; ');
  }
  return undefined;
}

export const pageId = z
  .string()
  .regex(/^\d+$/, { message: 'expected a numeric page id such as "65538"' })
  .describe('Numeric id of the page (the number in the page URL /pages/<id>/, or "id" from a list or search).');

export const spaceId = z
  .string()
  .regex(/^\d+$/, { message: 'expected a numeric space id; map a space key to its id with confluence_get_spaces' })
  .describe('Numeric id of the space (not the space key). confluence_get_spaces maps a key such as "ENG" to its id.');

/** Formats list endpoints accept (`PrimaryBodyRepresentation`). */
export const listBodyFormat = z
  .enum(['storage', 'atlas_doc_format'])
  .describe(
    'Include each item\'s body in this format: "storage" (Confluence XHTML) or "atlas_doc_format" (ADF JSON as a string). Omit to get no bodies (smaller results).',
  );

export const bodyFormat = z
  .enum(['storage', 'atlas_doc_format', 'view'])
  .describe(
    'Return page bodies in this format: "storage" (Confluence XHTML, for editing), "atlas_doc_format" (ADF JSON as a string) or "view" (rendered HTML). Omit to get no body.',
  );

export const writeBody = z
  .object({
    representation: z
      .enum(['storage', 'atlas_doc_format'])
      .describe(
        '"storage" for Confluence storage-format XHTML (e.g. "<p>Hello</p>"); "atlas_doc_format" for ADF JSON.',
      ),
    value: z.string().describe('The content. For atlas_doc_format, the ADF document serialized as a JSON string.'),
  })
  .describe('The page content. Replaces the whole body on update.');

export const limit = (dflt: number, max: number) =>
  z.int().min(1).max(max).default(dflt).describe(`Results per page (1-${max}, default ${dflt}).`);

/** `space_key` alternative to `space_id`: what a user says ("the ENG space") is a key. */
export const spaceKey = z
  .string()
  .min(1)
  .max(255)
  .describe('Space key as users say it, e.g. "ENG" or "~jdoe" (personal). Give this or space_id.');

/**
 * For tools that take `space_id` or `space_key`: maps the key to the numeric id with `GET /spaces?keys=` and
 * fails with a clear message when no space has that key.
 */
export async function resolveSpaceId(
  input: { space_id?: string | undefined; space_key?: string | undefined },
  upstream: UpstreamReader,
): Promise<string> {
  if (input.space_id) return input.space_id;
  if (!input.space_key) throw new GatewayError('invalid_arguments', 'give either "space_id" or "space_key"');
  // Global space keys are upper case in Confluence Cloud and the keys filter matches exactly; users often type
  // them in lower case. Personal space keys (~accountId) are left as given.
  const key = input.space_key.startsWith('~') ? input.space_key : input.space_key.toUpperCase();
  const found = (await upstream.get('/wiki/api/v2/spaces', { keys: [key] })) as {
    results?: { id: string; key: string }[];
  };
  const space = found.results?.find((s) => s.key.toLowerCase() === key.toLowerCase());
  if (!space) {
    throw new GatewayError(
      'invalid_arguments',
      `no Confluence space with the key "${input.space_key}" is visible to this account (confluence_get_spaces lists them)`,
    );
  }
  return space.id;
}

/**
 * The next version number for an update: the caller's, or the current one + 1 read from `path` when omitted
 * (the result then says so in `version_fetched`, so a model knows it did not race another editor blindly).
 */
export async function nextVersion(
  given: number | undefined,
  path: string,
  upstream: UpstreamReader,
): Promise<{ number: number; fetched: boolean }> {
  if (given !== undefined) return { number: given, fetched: false };
  const current = (await upstream.get(path)) as { version?: { number?: number } };
  const n = current.version?.number;
  if (typeof n !== 'number') throw new GatewayError('upstream_error', `could not read the current version of ${path}`);
  return { number: n + 1, fetched: true };
}

/** `transform` of update tools: says in the result when the version number was read by the tool, not chosen. */
export const withVersionFetched = (body: unknown, input: unknown): unknown =>
  (input as { version_fetched?: boolean }).version_fetched ? { ...(body as object), version_fetched: true } : body;
