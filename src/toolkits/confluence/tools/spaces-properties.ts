/**
 * Spaces, properties and whiteboards: create (also private) and delete spaces, read one space, create whiteboards,
 * and list/create/update/delete the key-value properties of spaces, pages, blog posts and whiteboards.
 */
import { z } from 'zod';
import { GatewayError } from '../../../util/errors.ts';
import { defineTool, type ToolDefinition, type UpstreamReader } from '../../define.ts';
import { limit, pageId, resolveSpaceId, spaceId, spaceKey, v2Pagination } from '../common.ts';
import { WHITEBOARD_TEMPLATES } from '../whiteboard-templates.ts';

// ---------------------------------------------------------------------------------------------------------------
// Spaces

const newSpaceKey = z
  .string()
  .regex(/^[A-Za-z0-9]{1,255}$/, { message: 'a space key is 1-255 letters and digits only, e.g. "MKT"' })
  .describe(
    'Key of the new space: letters and digits only (sent uppercase), unique on the site, e.g. "MKT". It appears in the space URL (/spaces/MKT) and is how users name the space; it cannot be changed later.',
  );

const newSpaceFields = {
  key: newSpaceKey,
  name: z.string().trim().min(1).max(200).describe('Display name of the space, e.g. "Marketing".'),
  description: z.string().max(2000).optional().describe('Plain-text description shown on the space overview.'),
};

interface V1Space {
  id?: number | string;
  key?: string;
  name?: string;
  type?: string;
  status?: string;
  description?: { plain?: { value?: string } };
  homepage?: { id?: string };
  _expandable?: { homepage?: string };
  _links?: { base?: string; webui?: string };
}

/** The v1 space answer as ids the v2 tools take: string `id` (the space_id) and `homepage_id`. */
function spaceSummary(body: unknown, isPrivate: boolean) {
  const b = (body ?? {}) as V1Space;
  const homepageId = b.homepage?.id ?? /\/content\/(\d+)/.exec(b._expandable?.homepage ?? '')?.[1];
  return {
    id: b.id === undefined ? undefined : String(b.id),
    key: b.key,
    name: b.name,
    type: b.type,
    status: b.status,
    private: isPrivate,
    description: b.description?.plain?.value ?? '',
    homepage_id: homepageId,
    url: b._links?.base && b._links.webui ? `${b._links.base}${b._links.webui}` : undefined,
  };
}

function spaceCreateBody(i: { key: string; name: string; description?: string | undefined }) {
  return {
    key: i.key.toUpperCase(),
    name: i.name,
    description: i.description ? { plain: { value: i.description, representation: 'plain' } } : undefined,
  };
}

// The v1 endpoints work on every Confluence Cloud site; v2 POST /spaces only on sites with role-based access control.
const createSpace = defineTool({
  name: 'confluence_create_space',
  title: 'Create space',
  description:
    'Create a new Confluence team space with the default permissions (everyone who can use the site can see it), together with its homepage. Use confluence_create_private_space for a space only you can see. Returns the new space\'s numeric "id" (the space_id other tools take), its key and "homepage_id". A key already in use is refused with a 400.',
  tags: ['space', 'new', 'create', 'key'],
  input: z.object(newSpaceFields),
  http: { method: 'POST', path: '/wiki/rest/api/space', body: spaceCreateBody },
  scopes: ['write:confluence-space'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  transform: (body) => spaceSummary(body, false),
});

const createPrivateSpace = defineTool({
  name: 'confluence_create_private_space',
  title: 'Create private space',
  description:
    'Create a Confluence space that only you (the connected account) can see, with its homepage: a personal workspace for drafts or experiments that can be opened to others later in the Confluence UI. Use confluence_create_space for a space your team should see. Returns the numeric "id" (space_id), key and "homepage_id".',
  tags: ['space', 'private', 'new', 'create', 'restricted'],
  input: z.object(newSpaceFields),
  http: { method: 'POST', path: '/wiki/rest/api/space/_private', body: spaceCreateBody },
  scopes: ['write:confluence-space'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  transform: (body) => spaceSummary(body, true),
});

const deleteSpace = defineTool({
  name: 'confluence_delete_space',
  title: 'Delete space',
  description:
    'Permanently delete a Confluence space and everything in it (pages, blog posts, whiteboards, attachments, comments, properties). It does not go to the trash and cannot be undone: confirm with the user first. Give the space_key (e.g. "MKT"), or its numeric space_id. Confluence deletes in the background and answers with a long-running task; the result gives the task id. Once the deletion finished, confluence_get_space with the key reports that no space has it.',
  tags: ['space', 'remove', 'delete', 'purge'],
  input: z.object({
    space_key: spaceKey.optional(),
    space_id: spaceId.optional(),
  }),
  prepare: async (i, upstream) => {
    if (i.space_key) return i;
    if (!i.space_id) throw new GatewayError('invalid_arguments', 'give either "space_key" or "space_id"');
    const space = (await upstream.get(`/wiki/api/v2/spaces/${i.space_id}`)) as { key?: string };
    if (!space.key) throw new GatewayError('upstream_error', `could not read the key of space ${i.space_id}`);
    return { ...i, space_key: space.key };
  },
  http: { method: 'DELETE', path: '/wiki/rest/api/space/{space_key}' },
  scopes: ['write:confluence-space', 'read:space:confluence', 'read:confluence-space.summary'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  // Waits a few seconds for the long task, well inside the client's timeout; a slower deletion is reported as
  // started, with how to check on it.
  settle: (body, i, upstream) => awaitSpaceDeletion(deletionStarted(body, i.space_key!), upstream),
});

interface LongTask {
  id?: string;
  links?: { status?: string };
}

interface LongTaskStatus {
  id?: string;
  finished?: boolean;
  successful?: boolean;
  percentageComplete?: number;
  elapsedTime?: number;
  messages?: { translation?: string }[];
  errors?: { translation?: string }[];
}

/** What Delete space reports: the task, and once it was followed, how far it got. */
interface SpaceDeletion {
  space_key: string;
  deletion_started: true;
  task_id: string | undefined;
  status_path: string | undefined;
  /** `null`: not checked (yet). */
  finished: boolean | null;
  successful?: boolean | undefined;
  percentage_complete?: number | undefined;
  messages?: string[];
  note: string;
}

/** The result of Delete space right after Confluence accepted it. */
function deletionStarted(body: unknown, key: string): SpaceDeletion {
  const task = (body ?? {}) as LongTask;
  return {
    space_key: key,
    deletion_started: true,
    task_id: task.id,
    status_path: task.id ? `/wiki/rest/api/longtask/${task.id}` : undefined,
    finished: null,
    note: `Confluence deletes the space in the background. confluence_get_space with space_key "${key}" fails with "no Confluence space" once it is gone.`,
  };
}

/**
 * Follows a space deletion's long-running task (`GET /wiki/rest/api/longtask/{id}`) until it finishes or `budgetMs`
 * passes, and says how far it got; Delete space's `settle` step. A status that cannot be read leaves the result as it was, with a note:
 * the deletion itself was accepted.
 */
export async function awaitSpaceDeletion(
  started: SpaceDeletion,
  upstream: UpstreamReader,
  opts: { budgetMs?: number; intervalMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<SpaceDeletion> {
  if (!started.task_id) return started;
  const budget = opts.budgetMs ?? 5000;
  const interval = opts.intervalMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + budget;
  for (;;) {
    let t: LongTaskStatus;
    try {
      t = (await upstream.get(`/wiki/rest/api/longtask/${encodeURIComponent(started.task_id)}`)) as LongTaskStatus;
    } catch (e) {
      // The deletion was accepted; not being able to watch it does not make it fail.
      return { ...started, note: `${started.note} (its status could not be read: ${(e as Error).message})` };
    }
    const finished = t.finished === true || (t.percentageComplete ?? 0) >= 100;
    if (finished || Date.now() + interval > deadline) {
      return {
        ...started,
        finished,
        successful: finished ? t.successful !== false : undefined,
        percentage_complete: t.percentageComplete,
        messages: [...(t.messages ?? []), ...(t.errors ?? [])].flatMap((m) => (m.translation ? [m.translation] : [])),
        note: finished
          ? t.successful === false
            ? 'Confluence finished the task but reports it did not succeed; see messages.'
            : `Space "${started.space_key}" is deleted.`
          : started.note,
      };
    }
    await sleep(interval);
  }
}

const getSpace = defineTool({
  name: 'confluence_get_space',
  title: 'Get space by ID',
  description:
    'Fetch one Confluence space by its numeric space_id, or by the space_key users mention (e.g. "ENG"): name, key, type, status, homepage id, creation date and author, and on request its description, icon, labels, properties, operations and permissions. Use confluence_get_spaces to list or filter many spaces; use this to look at one space in detail or to find a space\'s homepage.',
  tags: ['space', 'read', 'details', 'homepage', 'key'],
  input: z.object({
    space_id: spaceId.optional(),
    space_key: spaceKey.optional(),
    description_format: z
      .enum(['plain', 'view'])
      .optional()
      .describe('Include the description as plain text ("plain") or rendered HTML ("view"); omit for none.'),
    include_icon: z.boolean().optional().describe("Include the space's icon."),
    include_labels: z.boolean().optional().describe("Include the space's labels."),
    include_properties: z.boolean().optional().describe("Include the space's properties (up to 50)."),
    include_operations: z.boolean().optional().describe('Include the operations you may perform on the space.'),
    include_permissions: z.boolean().optional().describe("Include the space's permission assignments."),
  }),
  prepare: async (i, upstream) => ({ ...i, space_id: await resolveSpaceId(i, upstream) }),
  http: {
    method: 'GET',
    path: '/wiki/api/v2/spaces/{space_id}',
    query: {
      'description-format': 'description_format',
      'include-icon': 'include_icon',
      'include-labels': 'include_labels',
      'include-properties': 'include_properties',
      'include-operations': 'include_operations',
      'include-permissions': 'include_permissions',
    },
  },
  scopes: ['read:space:confluence'],
  annotations: { readOnlyHint: true, openWorldHint: true },
});

// ---------------------------------------------------------------------------------------------------------------
// Whiteboards

const createWhiteboard = defineTool({
  name: 'confluence_create_whiteboard',
  title: 'Create whiteboard',
  description:
    'Create a Confluence whiteboard (a free-form canvas for diagrams and sticky notes) in a space, optionally from a template such as "sprint-planning" or "4ls-retro", under a parent page or whiteboard. Give the space as space_key (e.g. "ENG") or numeric space_id; without parent_id it goes under the space homepage. Returns the whiteboard with its numeric "id", which the whiteboard property tools take.',
  tags: ['whiteboard', 'canvas', 'diagram', 'brainstorm', 'new'],
  input: z.object({
    space_id: spaceId.optional(),
    space_key: spaceKey.optional(),
    title: z
      .string()
      .max(255)
      .optional()
      .describe('Whiteboard title; Confluence names it "Untitled whiteboard" if omitted.'),
    parent_id: z
      .string()
      .regex(/^\d+$/, { message: 'expected a numeric page or whiteboard id' })
      .optional()
      .describe('Numeric id of the page or whiteboard to put it under (same space).'),
    template_key: z.enum(WHITEBOARD_TEMPLATES).optional().describe('Start from this Confluence whiteboard template.'),
    locale: z
      .enum([
        'de-DE',
        'cs-CZ',
        'ko-KR',
        'fr-FR',
        'it-IT',
        'ja-JP',
        'nl-NL',
        'nb-NO',
        'da-DK',
        'sv-SE',
        'fi-FI',
        'ru-RU',
        'pl-PL',
        'tr-TR',
        'hu-HU',
        'en-GB',
        'en-US',
        'pt-BR',
        'zh-CN',
        'zh-TW',
        'es-ES',
      ])
      .optional()
      .describe("Language of the template's text (only with template_key; default: the account's language)."),
    private: z.boolean().default(false).describe('Make the whiteboard visible to its creator only.'),
  }),
  prepare: async (i, upstream) => ({ ...i, space_id: await resolveSpaceId(i, upstream) }),
  http: {
    method: 'POST',
    path: '/wiki/api/v2/whiteboards',
    query: (i) => ({ private: i.private || undefined }),
    body: (i) => ({
      spaceId: i.space_id,
      title: i.title,
      parentId: i.parent_id,
      templateKey: i.template_key,
      locale: i.locale,
    }),
  },
  scopes: ['write:whiteboard:confluence', 'read:space:confluence'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
});

// ---------------------------------------------------------------------------------------------------------------
// Properties of spaces, pages, blog posts and whiteboards

/** A property value: any JSON (null is not accepted by Confluence as a value to store). */
const propertyValue = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string(), z.number(), z.boolean()])
  .describe(
    'The value to store: any JSON (object, array, string, number or boolean), at most 32 KB as JSON, e.g. {"status": "approved"}. Replaces the whole value on update.',
  );

const propertyKey = z
  .string()
  .min(1)
  .max(255)
  .describe('Property key, unique per owner and case-sensitive, e.g. "review-status".');

const propertyId = z
  .string()
  .regex(/^\d+$/, { message: 'expected a numeric property id; give "key" instead if you only know the key' })
  .describe('Numeric id of the property ("id" in a property list). Give this or key.');

type Owner = 'space' | 'page' | 'blogpost' | 'whiteboard';

interface OwnerSpec {
  owner: Owner;
  /** In tool names: `confluence_create_<slug>_property`. */
  slug: string;
  /** In descriptions: "page", "blog post". */
  noun: string;
  /** The input field carrying the owner's id. */
  idField: 'space_id' | 'page_id' | 'blogpost_id' | 'whiteboard_id';
  /** The owner's path up to its id, e.g. `/wiki/api/v2/pages`. */
  collection: string;
  readScopes: string[];
  writeScopes: string[];
  /** A sentence on what such properties are typically used for. */
  usage: string;
}

const numericId = (what: string, where: string) =>
  z
    .string()
    .regex(/^\d+$/, { message: `expected a numeric ${what} id` })
    .describe(`Numeric id of the ${what} (${where}).`);

/** The owner part of a property tool's input. Spaces take a key or an id, content its numeric id. */
function ownerShape(spec: OwnerSpec): Record<string, z.ZodType> {
  if (spec.owner === 'space') return { space_id: spaceId.optional(), space_key: spaceKey.optional() };
  if (spec.owner === 'page') return { page_id: pageId };
  if (spec.owner === 'blogpost') {
    return { blogpost_id: numericId('blog post', 'the number in its URL, or "id" from a blog post list') };
  }
  return { whiteboard_id: numericId('whiteboard', '"id" returned by confluence_create_whiteboard, or in its URL') };
}

type PropertyInput = {
  space_id?: string;
  space_key?: string;
  page_id?: string;
  blogpost_id?: string;
  whiteboard_id?: string;
  property_id?: string;
  key?: string;
  value?: unknown;
  version_number?: number;
  version_message?: string;
  sort?: string;
  limit?: number;
  version_fetched?: boolean;
};

/** A `prepare` written against `PropertyInput`, for a tool whose input type is built from the owner's shape. */
function prepared<T>(fn: (i: PropertyInput, upstream: UpstreamReader) => Promise<PropertyInput>) {
  return (raw: T, upstream: UpstreamReader) => fn(raw as PropertyInput, upstream) as Promise<T>;
}

/** The owner's numeric id: as given, or a space key mapped to the id. */
async function ownerId(spec: OwnerSpec, i: PropertyInput, upstream: UpstreamReader): Promise<string> {
  if (spec.owner === 'space') return resolveSpaceId(i, upstream);
  return i[spec.idField] as string;
}

interface PropertyBody {
  id?: string;
  key?: string;
  version?: { number?: number };
}

/** The property with exactly this key on the owner, through the list's `key` filter. */
async function propertyByKey(spec: OwnerSpec, owner: string, key: string, upstream: UpstreamReader) {
  const list = (await upstream.get(`${spec.collection}/${owner}/properties`, { key })) as { results?: PropertyBody[] };
  const found = list.results?.find((p) => p.key === key);
  if (!found?.id) {
    throw new GatewayError(
      'not_found',
      `the ${spec.noun} ${owner} has no property with the key "${key}" (confluence_get_${spec.slug}_properties lists them)`,
    );
  }
  return found;
}

function listTool(spec: OwnerSpec): ToolDefinition {
  const shape: Record<string, z.ZodType> = {
    ...ownerShape(spec),
    key: z.string().min(1).optional().describe('Only the property with exactly this key (case-sensitive).'),
  };
  if (spec.owner !== 'space') {
    shape.sort = z.enum(['key', '-key']).optional().describe('Sort by key, ascending ("key") or descending ("-key").');
  }
  shape.limit = limit(25, 250);
  return defineTool({
    name: `confluence_get_${spec.slug}_properties`,
    title: `Get ${spec.noun} properties`,
    description: `List the properties (key-value metadata stored by apps and integrations, invisible on the ${spec.noun} itself) of a Confluence ${spec.noun}: each with its numeric "id", "key", JSON "value" and "version". ${spec.usage} Filter by key to read one property or to learn its id and version before an update or delete. Returns "next_cursor" while more exist.`,
    tags: [spec.noun, 'property', 'properties', 'metadata', 'list'],
    input: z.object(shape),
    prepare: prepared(async (i, upstream) => {
      return { ...i, [spec.idField]: await ownerId(spec, i, upstream) };
    }),
    http: {
      method: 'GET',
      path: `${spec.collection}/{${spec.idField}}/properties`,
      query: (raw) => {
        const i = raw as PropertyInput;
        return { key: i.key, sort: i.sort, limit: i.limit };
      },
    },
    scopes: spec.readScopes,
    annotations: { readOnlyHint: true, openWorldHint: true },
    pagination: v2Pagination,
  });
}

function createTool(spec: OwnerSpec): ToolDefinition {
  return defineTool({
    name: `confluence_create_${spec.slug}_property`,
    title: `Create ${spec.noun} property`,
    description: `Store a new property (a key with a JSON value, kept as metadata on the ${spec.noun}, not shown in its content) on a Confluence ${spec.noun}. ${spec.usage} Keys are unique per ${spec.noun}: if the key exists, Confluence answers 409; change it with confluence_update_${spec.slug}_property instead. Returns the property with its numeric "id" and version 1.`,
    tags: [spec.noun, 'property', 'metadata', 'create', 'set'],
    input: z.object({ ...ownerShape(spec), key: propertyKey, value: propertyValue }),
    prepare: prepared(async (i, upstream) => {
      return { ...i, [spec.idField]: await ownerId(spec, i, upstream) };
    }),
    http: {
      method: 'POST',
      path: `${spec.collection}/{${spec.idField}}/properties`,
      body: (raw) => {
        const i = raw as PropertyInput;
        return { key: i.key, value: i.value };
      },
    },
    scopes: [...spec.readScopes, ...spec.writeScopes],
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  });
}

function updateTool(spec: OwnerSpec): ToolDefinition {
  return defineTool({
    name: `confluence_update_${spec.slug}_property`,
    title: `Update ${spec.noun} property`,
    description: `Replace the JSON value of an existing property of a Confluence ${spec.noun}. Name the property by property_id, or by its key alone; with property_id, a different key renames it. Confluence requires version_number = current version + 1; omit it and the tool reads the current version and uses the next one (the result then says "version_fetched": true). A stale version number is answered with 409: re-read and retry. To add a new key use confluence_create_${spec.slug}_property.`,
    tags: [spec.noun, 'property', 'metadata', 'update', 'edit', 'set'],
    input: z.object({
      ...ownerShape(spec),
      property_id: propertyId.optional(),
      key: propertyKey
        .optional()
        .describe(
          'Property key. Without property_id it selects the property to update; with property_id it is the key to keep (or a new one to rename the property to). Omit it with property_id to keep the current key.',
        ),
      value: propertyValue,
      version_number: z
        .int()
        .min(2)
        .optional()
        .describe("The property's new version number: its current one + 1. Omit it to let the tool read it."),
      version_message: z.string().max(255).optional().describe('A short note stored with the new version.'),
    }),
    prepare: prepared(async (i, upstream) => {
      const owner = await ownerId(spec, i, upstream);
      if (!i.property_id && !i.key) {
        throw new GatewayError('invalid_arguments', 'give "property_id" or the property\'s "key"');
      }
      const base = `${spec.collection}/${owner}/properties`;
      let current: PropertyBody | undefined = i.property_id
        ? undefined
        : await propertyByKey(spec, owner, i.key!, upstream);
      const id = i.property_id ?? current!.id!;
      if (i.version_number === undefined || !i.key) current ??= (await upstream.get(`${base}/${id}`)) as PropertyBody;
      const n = current?.version?.number;
      if (i.version_number === undefined && typeof n !== 'number') {
        throw new GatewayError('upstream_error', `could not read the current version of property ${id}`);
      }
      return {
        ...i,
        [spec.idField]: owner,
        property_id: id,
        key: i.key ?? current?.key,
        version_number: i.version_number ?? n! + 1,
        version_fetched: i.version_number === undefined,
      };
    }),
    http: {
      method: 'PUT',
      path: `${spec.collection}/{${spec.idField}}/properties/{property_id}`,
      body: (raw) => {
        const i = raw as PropertyInput;
        return { key: i.key, value: i.value, version: { number: i.version_number, message: i.version_message } };
      },
    },
    scopes: [...spec.readScopes, ...spec.writeScopes],
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    transform: (body, raw) =>
      (raw as PropertyInput).version_fetched ? { ...(body as object), version_fetched: true } : body,
  });
}

function deleteTool(spec: OwnerSpec): ToolDefinition {
  return defineTool({
    name: `confluence_delete_${spec.slug}_property`,
    title: `Delete ${spec.noun} property`,
    description: `Delete one property from a Confluence ${spec.noun}, named by property_id or by its key. The property and its value are gone for good; the ${spec.noun} itself is not changed. An unknown id or key is an error (404 / not_found).`,
    tags: [spec.noun, 'property', 'metadata', 'delete', 'remove'],
    input: z.object({
      ...ownerShape(spec),
      property_id: propertyId.optional(),
      key: propertyKey.optional().describe('Key of the property to delete, when you do not have its property_id.'),
    }),
    prepare: prepared(async (i, upstream) => {
      const owner = await ownerId(spec, i, upstream);
      if (i.property_id) return { ...i, [spec.idField]: owner };
      if (!i.key) throw new GatewayError('invalid_arguments', 'give "property_id" or the property\'s "key"');
      const found = await propertyByKey(spec, owner, i.key, upstream);
      return { ...i, [spec.idField]: owner, property_id: found.id };
    }),
    http: { method: 'DELETE', path: `${spec.collection}/{${spec.idField}}/properties/{property_id}` },
    scopes: [...spec.readScopes, ...spec.writeScopes],
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    transform: (_body, raw) => {
      const i = raw as PropertyInput;
      return { deleted: true, [spec.idField]: i[spec.idField], property_id: i.property_id, key: i.key };
    },
  });
}

const OWNERS: OwnerSpec[] = [
  {
    owner: 'space',
    slug: 'space',
    noun: 'space',
    idField: 'space_id',
    collection: '/wiki/api/v2/spaces',
    readScopes: ['read:space:confluence'],
    writeScopes: ['write:space:confluence'],
    usage:
      'Give the space as space_key (e.g. "ENG") or numeric space_id. Space properties hold space-wide settings such as a team directory or release cadence.',
  },
  {
    owner: 'page',
    slug: 'page',
    noun: 'page',
    idField: 'page_id',
    collection: '/wiki/api/v2/pages',
    readScopes: ['read:page:confluence'],
    writeScopes: ['write:page:confluence'],
    usage:
      'Page properties hold per-page state such as a review status, an owner, or Confluence\'s own "content-appearance-published" (full-width layout).',
  },
  {
    owner: 'blogpost',
    slug: 'blogpost',
    noun: 'blog post',
    idField: 'blogpost_id',
    collection: '/wiki/api/v2/blogposts',
    readScopes: ['read:page:confluence'],
    writeScopes: ['write:page:confluence'],
    usage: 'Blog post properties hold per-post state such as "featured" flags or campaign tags.',
  },
  {
    owner: 'whiteboard',
    slug: 'whiteboard',
    noun: 'whiteboard',
    idField: 'whiteboard_id',
    collection: '/wiki/api/v2/whiteboards',
    readScopes: ['read:whiteboard:confluence'],
    writeScopes: ['write:whiteboard:confluence'],
    usage: 'Whiteboard properties hold per-board settings or links to the work it plans.',
  },
];

const [spaceOwner, pageOwner, blogpostOwner, whiteboardOwner] = OWNERS as [OwnerSpec, OwnerSpec, OwnerSpec, OwnerSpec];

/** Tools of the spaces-properties group (the catalogue has no "get whiteboard properties" tool). */
export const tools: ToolDefinition[] = [
  createSpace,
  createPrivateSpace,
  getSpace,
  deleteSpace,
  listTool(spaceOwner),
  createTool(spaceOwner),
  updateTool(spaceOwner),
  deleteTool(spaceOwner),
  listTool(pageOwner),
  createTool(pageOwner),
  updateTool(pageOwner),
  deleteTool(pageOwner),
  listTool(blogpostOwner),
  createTool(blogpostOwner),
  updateTool(blogpostOwner),
  deleteTool(blogpostOwner),
  createWhiteboard,
  createTool(whiteboardOwner),
  updateTool(whiteboardOwner),
  deleteTool(whiteboardOwner),
];
