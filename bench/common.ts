/** What the bench sections share: their seeded data set, the results file, the standalone store. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { seed } from '../mockdata/seed/index';
import { devIdpKey, issueDevToken } from '../services/access/auth/dev-idp';
import { startLocalDb, type LocalDb } from '../store/localdb';
import { Store } from '../store/connection';
import type { LoadOut } from './load';
import { SEED_MANIFEST_COLLECTION, type DefectKind, type SeedManifestDoc } from '../mockdata/seed-meta';

export const RESULTS = join(__dirname, 'results', 'latest.json');

/**
 * The section's seeded data set: reused when the store's manifest has the same citizens and
 * seed (unless `reseed`), else seeded now. Returns the manifest.
 */
export async function seedOrReuse(
  store: Store,
  opts: { citizens: number; seed: number; reseed?: boolean; rates?: Partial<Record<DefectKind, number>> },
  tag: string,
  log: (m: string) => void,
): Promise<SeedManifestDoc> {
  const manifest = await store.hubDb.collection<SeedManifestDoc>(SEED_MANIFEST_COLLECTION).findOne({ _id: 'current' });
  const sameRates = Object.entries(opts.rates ?? {}).every(([k, v]) => manifest?.rates?.[k as DefectKind] === v);
  if (!opts.reseed && manifest && manifest.citizens === opts.citizens && manifest.seed === opts.seed && sameRates) {
    log(`${tag}: reusing the ${store.prefix} seeding of ${opts.citizens} citizens (seed ${opts.seed})`);
    return manifest;
  }
  log(`${tag}: seeding ${opts.citizens} citizens (seed ${opts.seed}) into ${store.prefix}*...`);
  return seed(store, { citizens: opts.citizens, seed: opts.seed, rates: opts.rates, log: (m) => log(`${tag}: ${m}`) });
}

/** Seconds the manifest's seeding took. */
export const seedSeconds = (m: SeedManifestDoc): number =>
  +((m.finishedAt.getTime() - m.startedAt.getTime()) / 1000).toFixed(1);

/** Merges one section's figures into bench/results/latest.json (the other keys kept). */
export function mergeResults(key: string, value: unknown): void {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, JSON.stringify({ ...previous, [key]: value }, null, 2) + '\n');
  console.log(`wrote ${RESULTS}`);
}

/**
 * For a section run alone: MONGODB_URI when set, else the embedded store on `dataDir` (kept, so
 * the seeding is reused next time), stopped when `fn` ends.
 */
export async function withStandaloneStore<T>(dataDir: string, fn: (uri: string) => Promise<T>): Promise<T> {
  let localDb: LocalDb | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    localDb = await startLocalDb({ dataDir, port: 0 });
    uri = localDb.uri;
  }
  try {
    return await fn(uri);
  } finally {
    await localDb?.stop();
  }
}

/** What one run of the load generator prints. */
/**
 * The hub settings of the soak (bench/resilience.ts, bench/profile.ts, bench/hubs.ts): development
 * keys from `keysDir` (the bench signs its citizens' tokens with them), quiet, no rate limits, no
 * daily sweeps; the caller adds `HUB_AUTH` and its own.
 */
export function soakHubEnv(uri: string, prefix: string, keysDir: string): Record<string, string> {
  return {
    NODE_ENV: 'development',
    MONGODB_URI: uri,
    HUB_DB_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    HUB_KEYS_DIR: keysDir,
    HUB_RATE_LIMITS: 'off',
    HUB_SWEEP_AT: 'off',
  };
}

export type LoadResult = LoadOut;

/**
 * Runs the load generator (bench/load.ts) in its own process, asynchronously, as the servers it
 * measures live in this one. `rate`: requests/s in all, evenly spaced, latency counted from when
 * each request was due (unset: autocannon, as fast as it can).
 */
export async function runLoad(
  url: string,
  bodies: string[],
  durationS: number,
  connections: number,
  authorizations?: string[],
  rate?: number,
  extra: { timeline?: boolean; raw?: boolean } = {},
): Promise<LoadResult> {
  const jobDir = mkdtempSync(join(tmpdir(), 'hub-bench-job-'));
  const jobFile = join(jobDir, 'job.json');
  writeFileSync(jobFile, JSON.stringify({ url, bodies, durationS, connections, authorizations, rate, ...extra }));
  const { stdout: out } = await promisify(execFile)(
    process.execPath,
    [require.resolve('tsx/cli'), join(__dirname, 'load.ts'), jobFile],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  rmSync(jobDir, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}

/**
 * The data set of the soak and of the tools that profile it (bench/resilience.ts standalone,
 * profile.ts, hubs.ts, floor.ts): its store's folder, database prefix and seed.
 */
export const SOAK_DATA = { dataDir: '.data/bench-resilience', prefix: 'benchres_', seed: 7 } as const;

/**
 * For a tool run alone on the soak's data set (bench/floor.ts, bench/gc-retention.ts): the store
 * (see {@link withStandaloneStore}), seeded or reused, and its {@link selfReaderIds}; `label`
 * prefixes the seeding's progress lines.
 */
export async function withSoakStore<T>(label: string, fn: (store: Store, ids: string[]) => Promise<T>): Promise<T> {
  return withStandaloneStore(SOAK_DATA.dataDir, async (uri) => {
    const store = await Store.connect({ uri, dbPrefix: SOAK_DATA.prefix, maxPoolSize: 64 });
    try {
      await seedOrReuse(store, { citizens: 10_000, seed: SOAK_DATA.seed }, label, console.log);
      return await fn(store, await selfReaderIds(store));
    } finally {
      await store.close();
    }
  });
}

/** Up to 1,000 citizens with an ACTIVE Level 2 account: the bench's self-readers ({@link selfReaders}). */
export async function selfReaderIds(store: Store): Promise<string[]> {
  const docs = await store.hubDb
    .collection('accounts')
    .find({ status: 'ACTIVE', level: 2 }, { projection: { _id: 1 } })
    .limit(1000)
    .toArray();
  return docs.map((d) => String(d._id));
}

/**
 * The {@link selfReaderIds} citizens, each with a development token (from the keys in `keysDir`)
 * and the all-papers query about themself: the bench's "citizen reads their own papers" load.
 */
export async function selfReaders(
  store: Store,
  keysDir: string,
  query: string,
): Promise<{ ids: string[]; bodies: string[]; tokens: string[] }> {
  const ids = await selfReaderIds(store);
  const idp = devIdpKey(keysDir);
  return {
    ids,
    bodies: ids.map((id) => JSON.stringify({ query, variables: { id } })),
    tokens: ids.map((id) => `Bearer ${issueDevToken('citizen', { personalId: id }, { key: idp, expiresInS: 7200 })}`),
  };
}
