import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { GatewayError } from '../util/errors.ts';
import { prefixedId } from '../util/ids.ts';
import type { Vault } from '../vault/index.ts';
import { checkUpstreamUrl, type OAuthEndpoints, type ProviderId, provider, providerFor } from './providers.ts';

/**
 * Auth configs: which app and scheme a connection uses.
 *
 * | scheme      | toolkit    | settings (plain JSON)                         | secrets (vault)                 |
 * |-------------|------------|-----------------------------------------------|---------------------------------|
 * | `oauth2`    | both       | provider, clientId, scopes, endpoints?        | clientSecret                    |
 * | `api_token` | confluence | siteUrl?, email?                              | apiToken?                       |
 * | `basic`     | gong       | baseUrl?                                      | accessKey?, accessKeySecret?    |
 * | `demo`      | both       | emulator (the emulator's seeded account)      | none                            |
 *
 * For `api_token` and `basic`, what the config presets is not asked on the connect form; what it leaves out each user
 * types. `emulator: <toolkit>` in settings means "the local emulator": its URLs are known only at run time.
 *
 * Who may add one: the CLI and the environment (people with access to the server) add gateway-wide configs
 * (`owner_user_id` NULL). A signed-in user may add configs from the console, but those are theirs alone: a
 * gateway-wide config added by any user could send everybody's next connect link to an OAuth app that user
 * controls, which would hand them other users' tokens.
 */
export type AuthScheme = 'demo' | 'api_token' | 'basic' | 'oauth2';

export interface OAuthSettings {
  provider: ProviderId;
  clientId: string;
  scopes: string[];
  /** Overrides of the provider's endpoints (a proxy, a test server). */
  endpoints?: Partial<OAuthEndpoints>;
  emulator?: string;
}

export interface AuthConfigSecrets {
  clientSecret?: string;
  apiToken?: string;
  accessKey?: string;
  accessKeySecret?: string;
}

export interface AuthConfig {
  id: string;
  toolkit: string;
  name: string;
  scheme: AuthScheme;
  builtin: boolean;
  /** NULL: gateway-wide. */
  ownerUserId: string | null;
  settings: Record<string, unknown>;
  /** Which secret fields are set (never their values). */
  secretFields: string[];
  createdAt: string;
}

export interface AddAuthConfigInput {
  toolkit: string;
  scheme: Exclude<AuthScheme, 'demo'>;
  name?: string;
  /** Fixed id (environment-managed configs use `ac_env_…` so a restart updates rather than duplicates). */
  id?: string;
  ownerUserId?: string | null;
  // oauth2
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  endpoints?: Partial<OAuthEndpoints>;
  emulator?: string;
  // api_token (Confluence)
  siteUrl?: string;
  email?: string;
  apiToken?: string;
  // basic (Gong)
  baseUrl?: string;
  accessKey?: string;
  accessKeySecret?: string;
}

const SECRETS_BINDING = (rowId: string) => ({ table: 'auth_configs', column: 'secrets_enc', rowId });

/** The schemes each toolkit supports (besides `demo`). */
export const TOOLKIT_SCHEMES: Record<string, Exclude<AuthScheme, 'demo'>[]> = {
  confluence: ['oauth2', 'api_token'],
  gong: ['oauth2', 'basic'],
};

/** Built-in demo configs: the emulators' demo OAuth apps and API-key forms (demo mode only). */
export const DEMO_OAUTH_CONFIG = (toolkit: string) => `ac_demo_${toolkit}_oauth`;
export const DEMO_KEY_CONFIG = (toolkit: string) => `ac_demo_${toolkit}_key`;

type Row = {
  id: string;
  toolkit: string;
  name: string;
  scheme: string;
  is_builtin: number;
  owner_user_id: string | null;
  settings: string;
  secrets_enc: string | null;
  created_at: string;
};

export function createAuthConfigs(deps: { db: Db; vault: Vault }) {
  const { db, vault } = deps;

  const toConfig = (r: Row): AuthConfig => {
    const secretFields = r.secrets_enc
      ? Object.entries(vault.decryptJson<AuthConfigSecrets>(r.secrets_enc, SECRETS_BINDING(r.id)))
          .filter(([, v]) => typeof v === 'string' && v.length > 0)
          .map(([k]) => k)
      : [];
    return {
      id: r.id,
      toolkit: r.toolkit,
      name: r.name,
      scheme: r.scheme as AuthScheme,
      builtin: r.is_builtin === 1,
      ownerUserId: r.owner_user_id,
      settings: JSON.parse(r.settings) as Record<string, unknown>,
      secretFields,
      createdAt: r.created_at,
    };
  };

  const columns = [
    'id',
    'toolkit',
    'name',
    'scheme',
    'is_builtin',
    'owner_user_id',
    'settings',
    'secrets_enc',
    'created_at',
  ] as const;

  async function get(id: string): Promise<AuthConfig | undefined> {
    const row = await db.selectFrom('auth_configs').select(columns).where('id', '=', id).executeTakeFirst();
    return row ? toConfig(row) : undefined;
  }

  /** The decrypted secrets of a config (for the flows only; never returned to pages or the model). */
  async function secrets(id: string): Promise<AuthConfigSecrets> {
    const row = await db.selectFrom('auth_configs').select(['secrets_enc']).where('id', '=', id).executeTakeFirst();
    return row?.secrets_enc ? vault.decryptJson<AuthConfigSecrets>(row.secrets_enc, SECRETS_BINDING(id)) : {};
  }

  /**
   * Configs visible to a user: gateway-wide ones and the user's own. Without `userId` (CLI): every config.
   * `demo` hides the built-in demo configs when this gateway serves no emulators.
   */
  async function list(opts: { userId?: string; toolkit?: string; demo?: boolean } = {}): Promise<AuthConfig[]> {
    let q = db.selectFrom('auth_configs').select(columns);
    if (opts.userId !== undefined) {
      const uid = opts.userId;
      q = q.where((eb) => eb.or([eb('owner_user_id', 'is', null), eb('owner_user_id', '=', uid)]));
    }
    if (opts.toolkit) q = q.where('toolkit', '=', opts.toolkit);
    const rows = await q.orderBy('toolkit').orderBy('created_at').execute();
    return rows
      .map(toConfig)
      .filter((c) => opts.demo !== false || !(c.builtin && (c.scheme === 'demo' || c.settings.emulator)));
  }

  /** A config `userId` may connect with: gateway-wide or the user's own (never another user's). */
  async function usable(userId: string, id: string): Promise<AuthConfig> {
    const config = await get(id);
    if (!config || (config.ownerUserId !== null && config.ownerUserId !== userId)) {
      throw new GatewayError('not_found', `no auth config "${id}"`);
    }
    return config;
  }

  /**
   * The config a new connection of `toolkit` uses when none is named: the user's own newest, else the newest
   * gateway-wide one an administrator added, OAuth before API keys; the built-in demo OAuth app only when this
   * gateway serves the emulators.
   */
  async function pickFor(userId: string, toolkit: string, demo: boolean): Promise<AuthConfig> {
    const configs = await list({ userId, toolkit, demo });
    const emulated = (c: AuthConfig) => c.scheme === 'demo' || c.settings.emulator !== undefined;
    const rank = (c: AuthConfig) =>
      (c.ownerUserId ? 0 : emulated(c) ? 30 : 10) + (c.scheme === 'oauth2' ? 0 : 1) + (c.scheme === 'demo' ? 5 : 0);
    const sorted = configs.sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
    const pick = sorted[0];
    if (!pick) {
      throw new GatewayError(
        'not_connected',
        `no auth config for ${toolkit}: an administrator adds one with \`switchboard auth-configs add ${toolkit} …\``,
        { toolkit },
      );
    }
    return pick;
  }

  function validate(input: AddAuthConfigInput): { settings: Record<string, unknown>; secrets: AuthConfigSecrets } {
    const schemes = TOOLKIT_SCHEMES[input.toolkit];
    if (!schemes) {
      throw new GatewayError('invalid_arguments', `unknown toolkit "${input.toolkit}" (known: confluence, gong)`);
    }
    if (!schemes.includes(input.scheme)) {
      throw new GatewayError(
        'invalid_arguments',
        `${input.toolkit} supports the schemes ${schemes.join(', ')} (got "${input.scheme}")`,
      );
    }
    const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
    const emulator = input.emulator;
    switch (input.scheme) {
      case 'oauth2': {
        const p = providerFor(input.toolkit)!;
        const clientId = text(input.clientId);
        const clientSecret = text(input.clientSecret);
        if (!clientId || !clientSecret) {
          throw new GatewayError('invalid_arguments', 'an OAuth app needs its client id and client secret');
        }
        const scopes = [
          ...new Set([...(input.scopes?.length ? input.scopes : p.defaultScopes()), ...p.requiredScopes]),
        ];
        const bad = scopes.find((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
        if (bad !== undefined) throw new GatewayError('invalid_arguments', `"${bad}" is not a valid OAuth scope`);
        const endpoints: Partial<OAuthEndpoints> = {};
        for (const [k, v] of Object.entries(input.endpoints ?? {})) {
          if (v) endpoints[k as keyof OAuthEndpoints] = checkUpstreamUrl(v, `the ${k} endpoint`);
        }
        const settings: OAuthSettings = { provider: p.id, clientId, scopes };
        if (Object.keys(endpoints).length) settings.endpoints = endpoints;
        if (emulator) settings.emulator = emulator;
        return { settings: settings as unknown as Record<string, unknown>, secrets: { clientSecret } };
      }
      case 'api_token': {
        const siteUrl = text(input.siteUrl);
        const email = text(input.email);
        if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) {
          throw new GatewayError('invalid_arguments', 'the email does not look like an email address');
        }
        return {
          settings: {
            ...(siteUrl ? { siteUrl: checkUpstreamUrl(siteUrl, 'the site URL') } : {}),
            ...(email ? { email } : {}),
            ...(emulator ? { emulator } : {}),
          },
          secrets: text(input.apiToken) ? { apiToken: text(input.apiToken)! } : {},
        };
      }
      case 'basic': {
        const baseUrl = text(input.baseUrl);
        const accessKey = text(input.accessKey);
        const accessKeySecret = text(input.accessKeySecret);
        if (!!accessKey !== !!accessKeySecret) {
          throw new GatewayError('invalid_arguments', 'give both the access key and its secret, or neither');
        }
        return {
          settings: {
            ...(baseUrl ? { baseUrl: checkUpstreamUrl(baseUrl, 'the API base URL') } : {}),
            ...(emulator ? { emulator } : {}),
          },
          secrets: accessKey ? { accessKey, accessKeySecret: accessKeySecret! } : {},
        };
      }
    }
  }

  /** Adds (or, with a fixed `id`, replaces) a config; its secrets are encrypted and bound to its row. */
  async function add(input: AddAuthConfigInput, opts: { builtin?: boolean } = {}): Promise<AuthConfig> {
    const { settings, secrets: secret } = validate(input);
    const id = input.id ?? prefixedId('ac');
    const ts = now();
    const values = {
      toolkit: input.toolkit,
      name: input.name?.trim() || defaultName(input),
      scheme: input.scheme,
      is_builtin: opts.builtin ? 1 : 0,
      owner_user_id: input.ownerUserId ?? null,
      settings: JSON.stringify(settings),
      secrets_enc: Object.keys(secret).length ? vault.encryptJson(secret, SECRETS_BINDING(id)) : null,
      updated_at: ts,
    };
    await db
      .insertInto('auth_configs')
      .values({ id, created_at: ts, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    return (await get(id))!;
  }

  /**
   * Removes a config no live connection uses. `ownerUserId` restricts it to that user's own configs (console);
   * built-in configs cannot be removed.
   */
  async function remove(id: string, opts: { ownerUserId?: string } = {}): Promise<void> {
    const config = await get(id);
    if (!config || (opts.ownerUserId !== undefined && config.ownerUserId !== opts.ownerUserId)) {
      throw new GatewayError('not_found', `no auth config "${id}"`);
    }
    if (config.builtin) throw new GatewayError('conflict', `"${id}" is built in and cannot be removed`);
    const users = await db
      .selectFrom('connected_accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('auth_config_id', '=', id)
      .where('status', '!=', 'revoked')
      .executeTakeFirstOrThrow();
    if (Number(users.n) > 0) {
      throw new GatewayError(
        'conflict',
        `auth config "${id}" is used by ${users.n} connection(s): remove or reconnect them with another config first`,
      );
    }
    await db.transaction().execute(async (trx) => {
      // Removed (revoked) connections hold no secret any more; they go with their config, which their foreign key
      // needs. The audit log keeps their ids.
      await trx.deleteFrom('connect_links').where('auth_config_id', '=', id).execute();
      await trx.deleteFrom('connection_oauth_states').where('auth_config_id', '=', id).execute();
      await trx
        .deleteFrom('connected_accounts')
        .where('auth_config_id', '=', id)
        .where('status', '=', 'revoked')
        .execute();
      await trx.deleteFrom('auth_configs').where('id', '=', id).execute();
    });
  }

  /** The built-in demo configs (demo mode): the emulators' OAuth apps and API-key forms. */
  async function ensureDemoConfigs(clients: {
    confluence: { clientId: string; clientSecret: string; scopes: string[] };
    gong: { clientId: string; clientSecret: string; scopes: string[] };
  }): Promise<void> {
    for (const toolkit of ['confluence', 'gong'] as const) {
      const c = clients[toolkit];
      await add(
        {
          id: DEMO_OAUTH_CONFIG(toolkit),
          toolkit,
          scheme: 'oauth2',
          name: `${toolkit === 'confluence' ? 'Confluence' : 'Gong'} (demo OAuth app)`,
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          scopes: c.scopes,
          emulator: toolkit,
        },
        { builtin: true },
      );
      await add(
        {
          id: DEMO_KEY_CONFIG(toolkit),
          toolkit,
          scheme: toolkit === 'confluence' ? 'api_token' : 'basic',
          name: `${toolkit === 'confluence' ? 'Confluence (demo API token)' : 'Gong (demo access key)'}`,
          emulator: toolkit,
        },
        { builtin: true },
      );
    }
  }

  return { get, secrets, list, usable, pickFor, add, remove, ensureDemoConfigs };
}

export type AuthConfigs = ReturnType<typeof createAuthConfigs>;

function defaultName(input: AddAuthConfigInput): string {
  const app = input.toolkit === 'confluence' ? 'Confluence' : 'Gong';
  if (input.scheme === 'oauth2') return `${app} OAuth app (${provider(providerFor(input.toolkit)!.id).label})`;
  return input.scheme === 'api_token' ? `${app} API token` : `${app} access key`;
}

/** Environment-managed configs (`SWITCHBOARD_ATLASSIAN_CLIENT_ID`, …): fixed ids, updated at every start. */
export interface EnvAuthConfigs {
  atlassian?: { clientId: string; clientSecret: string; scopes?: string[] };
  gongOAuth?: { clientId: string; clientSecret: string; scopes?: string[] };
  gongBasic?: { baseUrl: string; accessKey?: string; accessKeySecret?: string };
  confluenceToken?: { siteUrl: string; email?: string; apiToken?: string };
}

export async function syncEnvAuthConfigs(configs: AuthConfigs, env: EnvAuthConfigs): Promise<string[]> {
  const ids: string[] = [];
  if (env.atlassian) {
    const c = await configs.add(
      {
        id: 'ac_env_confluence_oauth',
        toolkit: 'confluence',
        scheme: 'oauth2',
        name: 'Atlassian OAuth app',
        ...env.atlassian,
      },
      { builtin: true },
    );
    ids.push(c.id);
  }
  if (env.gongOAuth) {
    const c = await configs.add(
      { id: 'ac_env_gong_oauth', toolkit: 'gong', scheme: 'oauth2', name: 'Gong OAuth app', ...env.gongOAuth },
      { builtin: true },
    );
    ids.push(c.id);
  }
  if (env.gongBasic) {
    const c = await configs.add(
      { id: 'ac_env_gong_basic', toolkit: 'gong', scheme: 'basic', name: 'Gong access key', ...env.gongBasic },
      { builtin: true },
    );
    ids.push(c.id);
  }
  if (env.confluenceToken) {
    const c = await configs.add(
      {
        id: 'ac_env_confluence_token',
        toolkit: 'confluence',
        scheme: 'api_token',
        name: 'Confluence API token',
        ...env.confluenceToken,
      },
      { builtin: true },
    );
    ids.push(c.id);
  }
  return ids;
}
