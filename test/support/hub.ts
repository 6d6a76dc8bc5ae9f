import pino from 'pino';
import { loadConfig, type HubConfig } from '../../hub/config';
import { startHub, type HubDeps, type RunningHub } from '../../hub/server';
import { Store } from '../../store/connection';
import { TEST_PREFIX } from './constants';
import { testKeys } from './keys';

/** Connects to the test store (the global setup's) under a prefix. */
export function connectTestStore(prefix = TEST_PREFIX): Promise<Store> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run the tests through jest (its global setup starts the store)');
  return Store.connect({ uri, dbPrefix: prefix, maxPoolSize: 16 });
}

export interface TestHub extends RunningHub {
  store: Store;
  config: HubConfig;
  close(): Promise<void>;
}

/** A real hub on a free port of 127.0.0.1 over the test store. */
export async function startTestHub(
  env: Record<string, string> = {},
  prefix = TEST_PREFIX,
  extra: Partial<Pick<HubDeps, 'notifier' | 'now' | 'processMetrics' | 'logger'>> = {},
): Promise<TestHub> {
  const keys = testKeys();
  const config = loadConfig({
    NODE_ENV: 'test',
    HUB_DB_PREFIX: prefix,
    MONGODB_URI: process.env.MONGODB_URI,
    LOG_LEVEL: 'silent',
    HUB_KEYS_DIR: keys.keysDir,
    // Tests send bursts as one caller; the rate-limit tests set their own limits.
    HUB_RATE_LIMITS: 'off',
    ...(env.NODE_ENV === 'production'
      ? { HUB_TRUST_FILE: keys.trustFile, HUB_NOTIFIER_URL: 'http://127.0.0.1:9/notify' }
      : {}),
    ...env,
  });
  const store = await connectTestStore(prefix);
  const hub = await startHub(
    { config, store, logger: pino({ level: 'silent' }), processMetrics: false, ...extra },
    { port: 0, host: '127.0.0.1' },
  ).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  return {
    ...hub,
    store,
    config,
    close: async () => {
      await hub.stop();
      await store.close();
    },
  };
}

/** A GraphQL error as it comes over the wire. */
export interface GqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

/** A GraphQL response body: `T` is what the operation selects (e.g. `Pick<Query, 'citizen'>`). */
export interface GqlBody<T> {
  data?: T | null;
  errors?: GqlError[];
}

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: GqlBody<T>;
}

/** A JSON body read as the shape the test declares (the endpoint under test is what it checks). */
export async function readJson<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/**
 * POSTs a GraphQL operation over real HTTP. `T` declares what the operation selects, mostly
 * from the schema's generated types (`Pick<Query, 'citizen'>`, `Pick<Mutation, 'consentGrant'>`);
 * unnamed, `data` is a record of unknown values.
 */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: await readJson<GqlBody<T>>(res) };
}
