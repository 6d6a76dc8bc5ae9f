import { z } from 'zod';
import { FaultsSchema, SOURCE_NAME_VALUES } from '../connectors/faults';
import type { SourcePolicy } from '../connectors/resilience';

/** A JSON-valued variable, validated by `inner`. */
function jsonOf<T extends z.ZodTypeAny>(inner: T) {
  return z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);
}

/** A comma-separated list (blanks dropped), each item checked by `item`. */
function listOf<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}

function parsedUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/** An absolute http(s) URL. */
const httpUrl = z
  .string()
  .refine((s) => ['http:', 'https:'].includes(parsedUrl(s)?.protocol ?? ''), 'an absolute http(s) URL');

/** An origin: scheme, host and port, nothing else (`https://app.example`). */
const origin = httpUrl.refine((s) => parsedUrl(s)?.origin === s.replace(/\/$/, ''), 'an origin (no path)');

const SourcePolicySchema = z
  .object({
    timeoutMs: z.number().int().min(1).optional(),
    retries: z.number().int().min(0).max(5).optional(),
    breakerFailures: z.number().int().min(1).optional(),
    breakerHalfOpenMs: z.number().int().min(10).optional(),
  })
  .strict();
const SourcePoliciesSchema = z.partialRecord(z.enum(SOURCE_NAME_VALUES), SourcePolicySchema);

const BucketSchema = z.object({ rps: z.number().positive(), burst: z.number().int().min(1) }).strict();
const RateLimitsSchema = z.partialRecord(z.enum(['CITIZEN', 'CLIENT', 'OFFICER', 'ANONYMOUS']), BucketSchema);
export type RateLimits = Record<'CITIZEN' | 'CLIENT' | 'OFFICER' | 'ANONYMOUS', z.infer<typeof BucketSchema>>;

/** Token buckets per caller: sustained requests per second and burst. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  CITIZEN: { rps: 5, burst: 20 },
  CLIENT: { rps: 50, burst: 100 },
  OFFICER: { rps: 20, burst: 60 },
  ANONYMOUS: { rps: 5, burst: 20 },
};

/**
 * The hub's configuration, read once from the environment and validated; a bad
 * value stops the start with a message naming the variable.
 */
const schema = z.object({
  /** `production` masks unexpected errors and refuses HUB_AUTH=off. Default `development`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HTTP port. Default 4000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Address the HTTP server binds. Default 127.0.0.1 (put a reverse proxy in front). */
  HUB_HOST: z.string().default('127.0.0.1'),
  /** MongoDB URI. Unset: the embedded FerretDB store is started. */
  MONGODB_URI: z.string().url().optional(),
  /** Prefix of every database name (tests and benches use their own). Default "". */
  HUB_DB_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/)
    .default(''),
  /**
   * `on` (default): personal data needs authentication. `off`: DEVELOPMENT ONLY,
   * personal data is served to anyone; refused when NODE_ENV=production.
   */
  HUB_AUTH: z.enum(['on', 'off']).default('on'),
  /** Where the embedded store keeps its files. Default `.data/localdb`. */
  HUB_DATA_DIR: z.string().default('.data/localdb'),
  /** Port of the embedded store. Default 27018. */
  HUB_LOCALDB_PORT: z.coerce.number().int().min(1).max(65535).default(27018),
  /** Citizens seeded by `npm start` when the store has no data. Default 10000. */
  HUB_DEMO_CITIZENS: z.coerce.number().int().min(0).default(10_000),
  /** Seed of the demo data. Default 6. */
  HUB_DEMO_SEED: z.coerce.number().int().default(6),
  /** `auto` (default): `$in` on MongoDB, parallel `_id` finds on FerretDB. */
  HUB_STORE_LOOKUP: z.enum(['auto', 'in', 'parallel']).default('auto'),
  /** Per-source timeout of one attempt to read a batch, ms. Default 2000. */
  HUB_SOURCE_TIMEOUT_MS: z.coerce.number().int().min(1).default(2_000),
  /** Retries of a failed source read (jittered exponential backoff; timeouts are not retried). Default 1. */
  HUB_SOURCE_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** Consecutive failed attempts that open a source's circuit breaker. Default 5. */
  HUB_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** How long an open breaker waits before letting one probe through, ms. Default 10000. */
  HUB_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(10).default(10_000),
  /**
   * Per-source overrides of the four settings above (JSON), e.g.
   * `{"healthRecord": {"timeoutMs": 3000, "retries": 0}}`. Default none.
   */
  HUB_SOURCE_POLICIES: jsonOf(SourcePoliciesSchema).default({}),
  /**
   * Fault injection for tests and benches (JSON, see connectors/faults.ts), e.g.
   * `{"drivingLicence": {"latencyMs": 20}, "healthRecord": {"hang": true}}`. Refused in production.
   */
  HUB_FAULTS: jsonOf(FaultsSchema).default({}),
  /** Every request's deadline, ms: no source is asked past it. Default 10000. */
  HUB_REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).default(10_000),
  /**
   * Token buckets per caller (per citizen, client, officer; per IP address without a token):
   * JSON by principal kind `{"CLIENT": {"rps": 50, "burst": 100}, …}` over the defaults, or
   * `off`. Over the limit: 429 RATE_LIMITED with Retry-After.
   */
  HUB_RATE_LIMITS: z
    .union([z.literal('off'), jsonOf(RateLimitsSchema)])
    .default({})
    .transform((v) => (v === 'off' ? null : { ...DEFAULT_RATE_LIMITS, ...v })),
  /** Requests served at once (GraphQL, CSV exports, token endpoint); more get 429. Default 200. */
  HUB_MAX_CONCURRENT: z.coerce.number().int().min(1).default(200),
  /**
   * How long an idle kept-alive connection stays open, ms. Default 65000: longer than the idle
   * timeout of the reverse proxy or client pool in front (nginx and most pools: 60 s), so that
   * the hub never closes a connection the other side is just reusing (that client sees
   * ECONNRESET). Node's own default, 5 s, is shorter than all of them.
   */
  HUB_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(65_000),
  /** On SIGTERM, how long in-flight requests may take to finish, ms. Default 10000. */
  HUB_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** How often the store is checked (driver heartbeat), ms: how fast an outage is seen. Default 1000. */
  HUB_STORE_HEARTBEAT_MS: z.coerce.number().int().min(500).default(1_000),
  /**
   * How long opening a store connection, or a heartbeat's answer (plus the heartbeat interval),
   * may take, ms: bounds how long a store that accepts connections but does not answer keeps
   * the hub from seeing it. Default 5000.
   */
  HUB_STORE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(500).default(5_000),
  /**
   * How long an operation waits for the store's answer, ms: a store that stops answering (hung,
   * not gone) fails the requests waiting on it after this (503) instead of holding them. Must
   * exceed the longest single store operation (a seed batch, a page of a reconciliation scan).
   * Default 30000.
   */
  HUB_STORE_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Documents a reconciliation run reads per second at most (0: no limit), to spare the sources. Default 0. */
  HUB_RECON_MAX_DOCS_PER_S: z.coerce.number().int().min(0).default(0),
  /** The access-log index worker: time between its passes (an entry's delay to the index, about). Default 250. */
  HUB_ACCESS_LOG_INTERVAL_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  /** How long a chain's index checkpoint may stay unrenewed before another hub takes the chain over. Default 15000. */
  HUB_ACCESS_LOG_LEASE_MS: z.coerce.number().int().min(100).default(15_000),
  /** How often the index worker looks for chains to take over (0: never). Default 5000. */
  HUB_ACCESS_LOG_SCAN_MS: z.coerce.number().int().min(0).default(5_000),
  /**
   * The account-change feed: time between its reads (at most 500, so that the 2 s revocation
   * bound holds: services/access/account-feed.ts); 0: no feed, accounts' facts are kept 2 s.
   * Default 250.
   */
  HUB_ACCOUNT_FEED_POLL_MS: z.coerce.number().int().min(0).max(500).default(250),
  /** Bearer token `/metrics` requires; unset: `/metrics` is open (it holds no personal data). */
  HUB_METRICS_TOKEN: z.string().min(16).optional(),
  /** Driver connection pool size. Default 64. */
  HUB_STORE_POOL: z.coerce.number().int().min(1).default(64),
  /**
   * Trusted token issuers (JSON: issuers, audiences, kinds, JWKS/PEM files). Required
   * in production. Unset elsewhere: the development identity provider and the hub's
   * token service, with keys generated at first start into HUB_KEYS_DIR.
   */
  HUB_TRUST_FILE: z.string().optional(),
  /** Development keys (git-ignored). Default `.keys`. */
  HUB_KEYS_DIR: z.string().default('.keys'),
  /** Issuer of the hub's own client tokens. Default `urn:vn-papers-hub`. */
  HUB_ISSUER: z.string().min(1).default('urn:vn-papers-hub'),
  /** Audience every access token must name. Default `vn-papers-hub`. */
  HUB_AUDIENCE: z.string().min(1).default('vn-papers-hub'),
  /** Query limits (graphql-armor): depth. Default 8. */
  HUB_MAX_DEPTH: z.coerce.number().int().min(1).default(8),
  /** Aliases per operation. Default 10. */
  HUB_MAX_ALIASES: z.coerce.number().int().min(0).default(10),
  /** Directives per operation. Default 20. */
  HUB_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  /** Tokens per document. Default 2000. */
  HUB_MAX_TOKENS: z.coerce.number().int().min(1).default(2_000),
  /**
   * Cost per operation, counted after variables (hub/limits.ts: 1 per field plus its selection,
   * list fields times their size). Default 15000: `citizens` with 100 IDs and every paper costs
   * about 13,700.
   */
  HUB_MAX_COST: z.coerce.number().int().min(1).default(15_000),
  /**
   * `1`: error responses carry `extensions.stacktrace` (absolute paths of the hub's files), for
   * debugging only. Default `0`. Refused when NODE_ENV=production.
   */
  HUB_ERROR_STACKTRACES: z
    .enum(['0', '1'])
    .default('0')
    .transform((v) => v === '1'),
  /**
   * `null` (default): a withheld field is null with a FORBIDDEN error. `reject`: any
   * withheld field refuses the whole request, listing the paths.
   */
  HUB_DISCLOSURE_MODE: z.enum(['null', 'reject']).default('null'),
  /** JSON holiday calendar (see services/accounts/holidays-vn.json); default: the built-in one. */
  HUB_HOLIDAYS_FILE: z.string().min(1).optional(),
  /** Notification gateway (POST JSON); unset: the development notifier logs. Required in production. */
  HUB_NOTIFIER_URL: z.string().url().optional(),
  /** Daily account sweep time, "HH:MM" Vietnam time, or "off". Default 00:15. */
  HUB_SWEEP_AT: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM or off')
    .default('00:15'),
  /**
   * How the 15 / 20 days of a data-subject request and its 15-day extension are counted:
   * `calendar` (default; a deadline on a day off moves to the next working day) or `working`
   * (docs/rights.md: the decree's summaries do not say; unconfirmed).
   */
  HUB_RIGHTS_DAY_COUNT: z.enum(['calendar', 'working']).default('calendar'),
  /** Years audit records and access-log entries are kept (Decree 69/2024 Art. 28: 5). Default 5. */
  HUB_AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(5),
  /** Daily audit-retention sweep time, "HH:MM" Vietnam time, or "off". Default 03:30. */
  HUB_AUDIT_RETENTION_AT: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM or off')
    .default('03:30'),
  /** Rows per audit record and per chunk in the CSV exports. Default 200. */
  HUB_CSV_CHUNK: z.coerce.number().int().min(1).max(5_000).default(200),
  /**
   * The hub's public origin (`https://hub.example`): the issuer of its authorization server's
   * metadata and the base of its default redirect URIs. Default `http://127.0.0.1:<listening port>`.
   */
  HUB_PUBLIC_URL: origin.optional(),
  /**
   * The development identity provider's login page and the app sign-in (authorization code +
   * PKCE, refresh tokens, logout). Default `on`, `off` in production (where it is refused: the
   * apps sign in at VNeID, whose tokens the hub verifies through HUB_TRUST_FILE).
   */
  HUB_DEV_IDP: z.enum(['on', 'off']).optional(),
  /** The citizen app's redirect URIs (comma-separated, exact). Default `<origin>/app/callback` on 127.0.0.1 and localhost. */
  HUB_APP_REDIRECT_URIS: listOf(httpUrl).optional(),
  /** Where logout may send the app's browser (comma-separated, exact). Default `<origin>/app/` on 127.0.0.1 and localhost. */
  HUB_APP_POST_LOGOUT_URIS: listOf(httpUrl).optional(),
  /** Lifetime of the access tokens the app sign-in issues, seconds. Default 300. */
  HUB_ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).max(3_600).default(300),
  /** Lifetime of an app sign-in session (its refresh tokens), seconds. Default 43200 (12 h). */
  HUB_SESSION_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(43_200),
  /**
   * Origins that may call the hub from a browser (CORS; comma-separated, exact; empty: none).
   * Default outside production: the hub's own origins (127.0.0.1 and localhost at its port, and
   * HUB_PUBLIC_URL); in production: HUB_PUBLIC_URL only.
   */
  HUB_CORS_ORIGINS: listOf(origin).optional(),
  /**
   * `required`: first-party apps (HUB_FIRST_PARTY_CLIENTS) may run only the registered documents
   * of HUB_TRUSTED_DOCUMENTS_FILE, by id. `optional`: registered ids work, and so does any text.
   * Default `required` in production, `optional` elsewhere.
   */
  HUB_TRUSTED_DOCUMENTS: z.enum(['required', 'optional']).optional(),
  /** The trusted documents: JSON `{"<sha256 hex>": "<document>"}`. Default `app/persisted-documents.json`. */
  HUB_TRUSTED_DOCUMENTS_FILE: z.string().min(1).default('app/persisted-documents.json'),
  /** The first-party apps' client ids (the `client_id` claim of their tokens). Default `citizen-app`. */
  HUB_FIRST_PARTY_CLIENTS: listOf(z.string().min(1).max(128)).default(['citizen-app']),
  /** GraphiQL at `/graphiql` (and `GET /graphql` from a browser). Default `on`, `off` in production (refused there). */
  HUB_GRAPHIQL: z.enum(['on', 'off']).optional(),
  /** pino level. Default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The settings whose default depends on NODE_ENV, resolved. */
const resolved = schema.transform((c) => {
  const production = c.NODE_ENV === 'production';
  return {
    ...c,
    HUB_DEV_IDP: c.HUB_DEV_IDP ?? (production ? 'off' : 'on'),
    HUB_TRUSTED_DOCUMENTS: c.HUB_TRUSTED_DOCUMENTS ?? (production ? 'required' : 'optional'),
    HUB_GRAPHIQL: c.HUB_GRAPHIQL ?? (production ? 'off' : 'on'),
  };
});

export type HubConfig = z.infer<typeof resolved>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = resolved.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  if (cfg.HUB_AUTH === 'off' && cfg.NODE_ENV === 'production') {
    throw new Error('invalid configuration:\n  HUB_AUTH: "off" is refused when NODE_ENV=production');
  }
  for (const [source, p] of Object.entries(sourcePolicies(cfg))) {
    if (p.timeoutMs >= cfg.HUB_REQUEST_DEADLINE_MS) {
      throw new Error(
        `invalid configuration:\n  HUB_SOURCE_TIMEOUT_MS / HUB_SOURCE_POLICIES: ${source}'s timeout (${p.timeoutMs} ms) must be ` +
          `shorter than HUB_REQUEST_DEADLINE_MS (${cfg.HUB_REQUEST_DEADLINE_MS} ms), or its breaker could never open`,
      );
    }
  }
  if (cfg.NODE_ENV === 'production' && cfg.HUB_ERROR_STACKTRACES) {
    throw new Error(
      'invalid configuration:\n  HUB_ERROR_STACKTRACES: stack traces are refused when NODE_ENV=production',
    );
  }
  if (cfg.NODE_ENV === 'production' && Object.keys(cfg.HUB_FAULTS).length) {
    throw new Error('invalid configuration:\n  HUB_FAULTS: fault injection is refused when NODE_ENV=production');
  }
  if (cfg.NODE_ENV === 'production' && cfg.HUB_DEV_IDP === 'on') {
    throw new Error(
      'invalid configuration:\n  HUB_DEV_IDP: the development identity provider is refused when NODE_ENV=production',
    );
  }
  if (cfg.NODE_ENV === 'production' && cfg.HUB_GRAPHIQL === 'on') {
    throw new Error('invalid configuration:\n  HUB_GRAPHIQL: GraphiQL is refused when NODE_ENV=production');
  }
  if (cfg.NODE_ENV === 'production' && !cfg.HUB_TRUST_FILE) {
    throw new Error(
      'invalid configuration:\n  HUB_TRUST_FILE: required when NODE_ENV=production (no development keys in production)',
    );
  }
  if (cfg.NODE_ENV === 'production' && !cfg.HUB_NOTIFIER_URL) {
    throw new Error(
      'invalid configuration:\n  HUB_NOTIFIER_URL: required when NODE_ENV=production (the development notifier only logs)',
    );
  }
  return cfg;
}

/** Each source's timeout, retries and breaker settings: the defaults with the per-source overrides. */
export function sourcePolicies(cfg: HubConfig): Record<(typeof SOURCE_NAME_VALUES)[number], SourcePolicy> {
  return Object.fromEntries(
    SOURCE_NAME_VALUES.map((s) => [
      s,
      {
        timeoutMs: cfg.HUB_SOURCE_TIMEOUT_MS,
        retries: cfg.HUB_SOURCE_RETRIES,
        breakerFailures: cfg.HUB_BREAKER_FAILURES,
        breakerHalfOpenMs: cfg.HUB_BREAKER_HALF_OPEN_MS,
        ...cfg.HUB_SOURCE_POLICIES[s],
      },
    ]),
  ) as Record<(typeof SOURCE_NAME_VALUES)[number], SourcePolicy>;
}
