import { z } from 'zod';

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
  /** Per-source timeout of one batch, ms. Default 2000. */
  HUB_SOURCE_TIMEOUT_MS: z.coerce.number().int().min(1).default(2_000),
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
  /** Static cost (graphql-armor cost model). Default 5000. */
  HUB_MAX_COST: z.coerce.number().int().min(1).default(5_000),
  /**
   * `null` (default): a withheld field is null with a FORBIDDEN error. `reject`: any
   * withheld field refuses the whole request, listing the paths.
   */
  HUB_DISCLOSURE_MODE: z.enum(['null', 'reject']).default('null'),
  /** JSON holiday calendar (see hub/accounts/holidays-vn.json); default: the built-in one. */
  HUB_HOLIDAYS_FILE: z.string().min(1).optional(),
  /** Notification gateway (POST JSON); unset: the development notifier logs. Required in production. */
  HUB_NOTIFIER_URL: z.string().url().optional(),
  /** Daily account sweep time, "HH:MM" Vietnam time, or "off". Default 00:15. */
  HUB_SWEEP_AT: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM or off')
    .default('00:15'),
  /** Rows per audit record and per chunk in the CSV exports. Default 200. */
  HUB_CSV_CHUNK: z.coerce.number().int().min(1).max(5_000).default(200),
  /** pino level. Default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HubConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  if (cfg.HUB_AUTH === 'off' && cfg.NODE_ENV === 'production') {
    throw new Error('invalid configuration:\n  HUB_AUTH: "off" is refused when NODE_ENV=production');
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
