import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { WorkbenchLimits } from '../workbench/protocol.ts';

/**
 * The one schema for every setting. Nothing else in the code base reads `process.env`:
 * the CLI and the server both call `loadConfig(process.env)` and pass the result down.
 */
const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const intString = (min: number, max: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int({ message: 'expected a whole number' })
    .min(min, { message: `expected a number >= ${min}` })
    .max(max, { message: `expected a number <= ${max}` });

export const envSchema = z.object({
  SWITCHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  SWITCHBOARD_PORT: intString(0, 65535).default(8787),
  /** Where SQLite, the generated demo key file and other local state live. */
  SWITCHBOARD_DATA_DIR: z.string().min(1).default(path.join(homedir(), '.switchboard')),
  /** The URL clients use to reach the gateway, when it is not http://HOST:PORT (a reverse proxy, TLS). */
  SWITCHBOARD_PUBLIC_URL: z.url({ message: 'expected an absolute URL such as https://gateway.example.com' }).optional(),
  /** Extra browser origins allowed to call /mcp (comma-separated). The gateway's own origin is always allowed. */
  SWITCHBOARD_ALLOWED_ORIGINS: z.string().default(''),
  /** Postgres connection string; SQLite in the data folder when unset. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// or postgresql:// URL' })
    .optional(),
  /**
   * Vault keyring: `kid:base64key,kid2:base64key` (32-byte keys). The first key encrypts, all keys decrypt.
   * Unset in demo mode: a key file is generated in the data folder (mode 0600) with a warning.
   */
  SWITCHBOARD_ENCRYPTION_KEYS: z.string().optional(),
  SWITCHBOARD_DEMO: booleanString.default(false),
  SWITCHBOARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Timeout of one upstream HTTP attempt. */
  SWITCHBOARD_UPSTREAM_TIMEOUT_MS: intString(100, 120_000).default(20_000),
  /** Total budget of one tool call, retries and Retry-After waits included; well under clients' 60 s. */
  SWITCHBOARD_CALL_BUDGET_MS: intString(1000, 300_000).default(45_000),
  /** Longest Retry-After the executor waits out before it reports the rate limit instead. */
  SWITCHBOARD_MAX_RETRY_AFTER_MS: intString(0, 120_000).default(10_000),
  SWITCHBOARD_MAX_RETRIES: intString(0, 10).default(2),
  /** Limit on a JSON-RPC request body. */
  SWITCHBOARD_MAX_BODY_BYTES: intString(1024, 100 * 1024 * 1024).default(4 * 1024 * 1024),
  /** How long graceful shutdown waits for in-flight requests before it closes connections. */
  SWITCHBOARD_SHUTDOWN_GRACE_MS: intString(0, 120_000).default(15_000),
  SWITCHBOARD_EMULATOR_PORT: intString(0, 65535).default(8788),
  /** OAuth access token lifetime (seconds). Short: a leaked token is useful for little time (OAuth 2.1 §7.1.3). */
  SWITCHBOARD_OAUTH_ACCESS_TOKEN_TTL_S: intString(60, 86_400).default(3600),
  /** Refresh token lifetime (seconds) since its issue; every refresh rotates it (sliding, 30 days by default). */
  SWITCHBOARD_OAUTH_REFRESH_TOKEN_TTL_S: intString(300, 365 * 86_400).default(30 * 86_400),
  /** Absolute lifetime of a grant (the login behind a refresh-token family); then the user logs in again. */
  SWITCHBOARD_OAUTH_GRANT_MAX_AGE_S: intString(3600, 3 * 365 * 86_400).default(90 * 86_400),
  /** Authorization code lifetime (seconds); RFC 6749 §4.1.2 recommends at most 10 minutes. */
  SWITCHBOARD_OAUTH_CODE_TTL_S: intString(10, 600).default(60),
  /** Browser session lifetime (seconds) for the login, consent and console pages. */
  SWITCHBOARD_SESSION_TTL_S: intString(300, 30 * 86_400).default(12 * 3600),
  /** Dynamic client registrations (and client metadata document fetches) allowed per client IP per hour. */
  SWITCHBOARD_OAUTH_REGISTRATIONS_PER_HOUR: intString(1, 100_000).default(30),
  /** Registered clients with no token and no use for this many days are deleted. */
  SWITCHBOARD_OAUTH_CLIENT_RETENTION_DAYS: intString(1, 3650).default(30),
  /**
   * Development and tests only: accept client ID metadata documents served over http from loopback addresses.
   * Never in production: it lets anyone make the gateway fetch from its own host (SSRF).
   */
  SWITCHBOARD_OAUTH_CIMD_ALLOW_LOOPBACK: booleanString.default(false),
  // --- The router at /mcp (docs/architecture.md, "The router").
  /** Toolkits this deployment serves (comma-separated ids, e.g. "confluence"); all of them when unset. */
  SWITCHBOARD_TOOLKITS: z.string().default(''),
  /** A tool result (or a whole execute_tools answer) over this many characters is stored and returned as a handle. */
  SWITCHBOARD_RESULT_INLINE_MAX_CHARS: intString(1000, 1_000_000).default(16_000),
  /** How long a stored result can be read (seconds). */
  SWITCHBOARD_RESULT_TTL_S: intString(60, 30 * 86_400).default(3600),
  /** Longest wait_for_connections call (seconds): well under clients' 60 s tool timeout. */
  SWITCHBOARD_CONNECT_WAIT_MAX_S: intString(1, 50).default(25),
  // --- The workbench: model-written JavaScript in a QuickJS sandbox (docs/workbench.md).
  /** Offer run_workbench at /mcp. */
  SWITCHBOARD_WORKBENCH: booleanString.default(true),
  /** Sandbox worker threads; each runs one program at a time. */
  SWITCHBOARD_WORKBENCH_WORKERS: intString(1, 64).default(2),
  /** Programs waiting for a worker at most (more are refused at once), and how long one may wait (ms). */
  SWITCHBOARD_WORKBENCH_QUEUE: intString(0, 10_000).default(32),
  SWITCHBOARD_WORKBENCH_QUEUE_WAIT_MS: intString(0, 60_000).default(10_000),
  /** Per run: the sandbox heap (MB) and stack (KB). */
  SWITCHBOARD_WORKBENCH_MEMORY_MB: intString(8, 1024).default(64),
  SWITCHBOARD_WORKBENCH_STACK_KB: intString(64, 1024).default(256),
  /** Per run: time the program computes (ms), and the whole run with its tool calls (ms; under clients' 60 s). */
  SWITCHBOARD_WORKBENCH_CPU_MS: intString(50, 300_000).default(10_000),
  SWITCHBOARD_WORKBENCH_WALL_MS: intString(100, 300_000).default(40_000),
  /** Per run: tool calls and result reads, and how many run at once (the rest wait their turn). */
  SWITCHBOARD_WORKBENCH_MAX_CALLS: intString(1, 100_000).default(500),
  SWITCHBOARD_WORKBENCH_MAX_CONCURRENT_CALLS: intString(1, 100).default(8),
  /** Per run: the program's source, its return value's JSON, one tool result handed to it, console output (chars). */
  SWITCHBOARD_WORKBENCH_MAX_CODE_CHARS: intString(100, 1_000_000).default(100_000),
  SWITCHBOARD_WORKBENCH_MAX_RETURN_CHARS: intString(1000, 50_000_000).default(2_000_000),
  SWITCHBOARD_WORKBENCH_MAX_RESULT_CHARS: intString(1000, 100_000_000).default(4_000_000),
  SWITCHBOARD_WORKBENCH_MAX_LOG_CHARS: intString(0, 1_000_000).default(8000),
  // --- Managed connections (docs/connections.md). Each group below, when set, becomes a gateway-wide auth config
  // (`ac_env_…`), updated at every start. Secrets are stored vault-encrypted like every token.
  /** Refresh upstream OAuth tokens this many seconds before they expire. */
  SWITCHBOARD_CONNECTION_REFRESH_SKEW_S: intString(0, 86_400).default(300),
  /** Your Atlassian OAuth 2.0 (3LO) app, for Confluence; its callback URL is `<public url>/connections/callback`. */
  SWITCHBOARD_ATLASSIAN_CLIENT_ID: z.string().optional(),
  SWITCHBOARD_ATLASSIAN_CLIENT_SECRET: z.string().optional(),
  /** Space-separated; default: every scope the Confluence tools use, plus offline_access (always added). */
  SWITCHBOARD_ATLASSIAN_SCOPES: z.string().optional(),
  /** Your Gong OAuth app; its callback URL is `<public url>/connections/callback`. */
  SWITCHBOARD_GONG_CLIENT_ID: z.string().optional(),
  SWITCHBOARD_GONG_CLIENT_SECRET: z.string().optional(),
  SWITCHBOARD_GONG_SCOPES: z.string().optional(),
  /** Gong access keys (Basic): the API base, and optionally one company-wide key every user connects with. */
  SWITCHBOARD_GONG_BASE_URL: z
    .url({ message: 'expected an absolute URL such as https://us-12345.api.gong.io' })
    .optional(),
  SWITCHBOARD_GONG_ACCESS_KEY: z.string().optional(),
  SWITCHBOARD_GONG_ACCESS_KEY_SECRET: z.string().optional(),
  /** Confluence API tokens: the site users connect to with their own email and token. */
  SWITCHBOARD_CONFLUENCE_SITE: z
    .url({ message: 'expected an absolute URL such as https://your-site.atlassian.net' })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string | undefined;
  allowedOrigins: string[];
  databaseUrl: string | undefined;
  encryptionKeys: string | undefined;
  demo: boolean;
  logLevel: Env['SWITCHBOARD_LOG_LEVEL'];
  upstream: { timeoutMs: number; callBudgetMs: number; maxRetryAfterMs: number; maxRetries: number };
  maxBodyBytes: number;
  shutdownGraceMs: number;
  emulatorPort: number;
  oauth: OAuthConfig;
  router: RouterConfig;
  workbench: WorkbenchConfig;
  connections: ConnectionsConfig;
}

/** The workbench (run_workbench): the sandbox pool and the limits of each run. */
export interface WorkbenchConfig {
  enabled: boolean;
  workers: number;
  queueMax: number;
  queueWaitMs: number;
  maxCodeChars: number;
  limits: WorkbenchLimits;
}

/** Managed connections: the refresh margin and the auth configs given by the environment. */
export interface ConnectionsConfig {
  refreshSkewS: number;
  atlassian?: { clientId: string; clientSecret: string; scopes?: string[] };
  gongOAuth?: { clientId: string; clientSecret: string; scopes?: string[] };
  gongBasic?: { baseUrl: string; accessKey?: string; accessKeySecret?: string };
  confluenceToken?: { siteUrl: string };
}

/** The router surface at /mcp: which toolkits, the inline size limit of results, stored results' lifetime. */
export interface RouterConfig {
  /** Enabled toolkit ids; empty: all. */
  toolkits: string[];
  inlineMaxChars: number;
  resultTtlS: number;
  waitMaxS: number;
}

/** The gateway's own authorization server (MCP clients log in to it); lifetimes in seconds. */
export interface OAuthConfig {
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  grantMaxAgeS: number;
  codeTtlS: number;
  sessionTtlS: number;
  registrationsPerHour: number;
  clientRetentionDays: number;
  cimdAllowLoopback: boolean;
}

export class ConfigError extends Error {
  readonly issues: { variable: string; message: string }[];
  constructor(issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}\n` +
        'Fix the environment variable(s) above and start again.',
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Parse the environment; throws ConfigError naming each bad variable and what it expects. */
/** `overrides` are raw values too (command-line flags), so they pass the same checks as the environment. */
export function loadConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<Record<keyof Env, string>> = {},
): Config {
  // Empty strings mean "unset": a blank line in a .env file must not turn into an invalid value.
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = (overrides as Record<string, string | undefined>)[key] ?? env[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        const value = cleaned[variable];
        // Never echo values of secret settings.
        const shown =
          value === undefined || /KEY|SECRET|PASSWORD|DATABASE_URL/.test(variable) ? '' : ` (got "${value}")`;
        return { variable, message: `${issue.message}${shown}` };
      }),
    );
  }
  const e = parsed.data;
  return {
    host: e.SWITCHBOARD_HOST,
    port: e.SWITCHBOARD_PORT,
    dataDir: path.resolve(e.SWITCHBOARD_DATA_DIR),
    publicUrl: e.SWITCHBOARD_PUBLIC_URL?.replace(/\/+$/, ''),
    allowedOrigins: e.SWITCHBOARD_ALLOWED_ORIGINS.split(',')
      .map((s) => s.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    databaseUrl: e.DATABASE_URL,
    encryptionKeys: e.SWITCHBOARD_ENCRYPTION_KEYS,
    demo: e.SWITCHBOARD_DEMO,
    logLevel: e.SWITCHBOARD_LOG_LEVEL,
    upstream: {
      timeoutMs: e.SWITCHBOARD_UPSTREAM_TIMEOUT_MS,
      callBudgetMs: e.SWITCHBOARD_CALL_BUDGET_MS,
      maxRetryAfterMs: e.SWITCHBOARD_MAX_RETRY_AFTER_MS,
      maxRetries: e.SWITCHBOARD_MAX_RETRIES,
    },
    maxBodyBytes: e.SWITCHBOARD_MAX_BODY_BYTES,
    shutdownGraceMs: e.SWITCHBOARD_SHUTDOWN_GRACE_MS,
    emulatorPort: e.SWITCHBOARD_EMULATOR_PORT,
    oauth: {
      accessTokenTtlS: e.SWITCHBOARD_OAUTH_ACCESS_TOKEN_TTL_S,
      refreshTokenTtlS: e.SWITCHBOARD_OAUTH_REFRESH_TOKEN_TTL_S,
      grantMaxAgeS: e.SWITCHBOARD_OAUTH_GRANT_MAX_AGE_S,
      codeTtlS: e.SWITCHBOARD_OAUTH_CODE_TTL_S,
      sessionTtlS: e.SWITCHBOARD_SESSION_TTL_S,
      registrationsPerHour: e.SWITCHBOARD_OAUTH_REGISTRATIONS_PER_HOUR,
      clientRetentionDays: e.SWITCHBOARD_OAUTH_CLIENT_RETENTION_DAYS,
      cimdAllowLoopback: e.SWITCHBOARD_OAUTH_CIMD_ALLOW_LOOPBACK,
    },
    router: {
      toolkits: e.SWITCHBOARD_TOOLKITS.split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      inlineMaxChars: e.SWITCHBOARD_RESULT_INLINE_MAX_CHARS,
      resultTtlS: e.SWITCHBOARD_RESULT_TTL_S,
      waitMaxS: e.SWITCHBOARD_CONNECT_WAIT_MAX_S,
    },
    workbench: {
      enabled: e.SWITCHBOARD_WORKBENCH,
      workers: e.SWITCHBOARD_WORKBENCH_WORKERS,
      queueMax: e.SWITCHBOARD_WORKBENCH_QUEUE,
      queueWaitMs: e.SWITCHBOARD_WORKBENCH_QUEUE_WAIT_MS,
      maxCodeChars: e.SWITCHBOARD_WORKBENCH_MAX_CODE_CHARS,
      limits: {
        memoryBytes: e.SWITCHBOARD_WORKBENCH_MEMORY_MB * 1024 * 1024,
        stackBytes: e.SWITCHBOARD_WORKBENCH_STACK_KB * 1024,
        cpuMs: e.SWITCHBOARD_WORKBENCH_CPU_MS,
        wallMs: e.SWITCHBOARD_WORKBENCH_WALL_MS,
        maxCalls: e.SWITCHBOARD_WORKBENCH_MAX_CALLS,
        maxConcurrentCalls: e.SWITCHBOARD_WORKBENCH_MAX_CONCURRENT_CALLS,
        maxReturnChars: e.SWITCHBOARD_WORKBENCH_MAX_RETURN_CHARS,
        maxResultChars: e.SWITCHBOARD_WORKBENCH_MAX_RESULT_CHARS,
        maxLogChars: e.SWITCHBOARD_WORKBENCH_MAX_LOG_CHARS,
      },
    },
    connections: connectionsConfig(e),
  };
}

function connectionsConfig(e: Env): ConnectionsConfig {
  const scopes = (v: string | undefined) => (v ? v.split(/[\s,]+/).filter(Boolean) : undefined);
  const pair = (id: string | undefined, secret: string | undefined, names: string) => {
    if (!id && !secret) return undefined;
    if (!id || !secret)
      throw new ConfigError([{ variable: names, message: 'set both the client id and the client secret' }]);
    return { clientId: id, clientSecret: secret };
  };
  const c: ConnectionsConfig = { refreshSkewS: e.SWITCHBOARD_CONNECTION_REFRESH_SKEW_S };
  const atlassian = pair(
    e.SWITCHBOARD_ATLASSIAN_CLIENT_ID,
    e.SWITCHBOARD_ATLASSIAN_CLIENT_SECRET,
    'SWITCHBOARD_ATLASSIAN_CLIENT_ID/_SECRET',
  );
  if (atlassian)
    c.atlassian = {
      ...atlassian,
      ...(scopes(e.SWITCHBOARD_ATLASSIAN_SCOPES) ? { scopes: scopes(e.SWITCHBOARD_ATLASSIAN_SCOPES)! } : {}),
    };
  const gong = pair(
    e.SWITCHBOARD_GONG_CLIENT_ID,
    e.SWITCHBOARD_GONG_CLIENT_SECRET,
    'SWITCHBOARD_GONG_CLIENT_ID/_SECRET',
  );
  if (gong)
    c.gongOAuth = {
      ...gong,
      ...(scopes(e.SWITCHBOARD_GONG_SCOPES) ? { scopes: scopes(e.SWITCHBOARD_GONG_SCOPES)! } : {}),
    };
  if (!!e.SWITCHBOARD_GONG_ACCESS_KEY !== !!e.SWITCHBOARD_GONG_ACCESS_KEY_SECRET) {
    throw new ConfigError([
      {
        variable: 'SWITCHBOARD_GONG_ACCESS_KEY/_SECRET',
        message: 'set both the access key and its secret, or neither',
      },
    ]);
  }
  if (e.SWITCHBOARD_GONG_BASE_URL) {
    c.gongBasic = {
      baseUrl: e.SWITCHBOARD_GONG_BASE_URL,
      ...(e.SWITCHBOARD_GONG_ACCESS_KEY
        ? { accessKey: e.SWITCHBOARD_GONG_ACCESS_KEY, accessKeySecret: e.SWITCHBOARD_GONG_ACCESS_KEY_SECRET! }
        : {}),
    };
  } else if (e.SWITCHBOARD_GONG_ACCESS_KEY) {
    throw new ConfigError([
      {
        variable: 'SWITCHBOARD_GONG_BASE_URL',
        message: "required with SWITCHBOARD_GONG_ACCESS_KEY (the API base URL in Gong's API settings)",
      },
    ]);
  }
  if (e.SWITCHBOARD_CONFLUENCE_SITE) c.confluenceToken = { siteUrl: e.SWITCHBOARD_CONFLUENCE_SITE };
  return c;
}

/** The base URL clients reach the gateway at. */
export function publicBaseUrl(config: Config, boundPort = config.port): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
}
