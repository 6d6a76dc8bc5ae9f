/**
 * Seeds the five mock sources and the hub's accounts from the deterministic
 * generator, with the ground truth of every injected defect, then writes the
 * manifest (last: its presence means "sources seeded").
 *
 * Writes go to the five source databases concurrently (separate SQLite files in
 * the embedded store), in unordered insertMany batches, with a bounded number of
 * batches in flight per collection so memory stays flat at any size.
 */
import type { Collection, Db, Document } from 'mongodb';
import { ACCOUNTS_COLLECTION } from '../../services/accounts/store';
import type { Store } from '../../store/connection';
import { vietnamDate } from '../../services/accounts/calendar';
import { ReportBuilder } from '../../services/accounts/reports/rebuild';
import { ACCOUNT_EVENTS_COLLECTION } from '../../services/accounts/store';
import { EVERY_ACCOUNT, announceAccountChangeRetrying } from '../../services/access/account-feed';
import { SEED_DEFECTS_COLLECTION, SEED_MANIFEST_COLLECTION, type DefectKind, type SeedManifestDoc } from '../seed-meta';
import { DRIVING_LICENCE_COLLECTION, DRIVING_LICENCE_DB } from '../../connectors/driving-licence/model';
import { DEFAULT_DEFECT_RATES, resolveRates } from '../generator/defects';
import { COLLECTION_KEYS, generate, type CollectionKey } from '../generator/generate';
import { HEALTH_INSURANCE_COLLECTION, HEALTH_INSURANCE_DB } from '../../connectors/health-insurance/model';
import { HEALTH_RECORD_COLLECTION, HEALTH_RECORD_DB } from '../../connectors/health-record/model';
import { POPULATION_COLLECTION, POPULATION_DB } from '../../connectors/population/model';
import { SOCIAL_INSURANCE_COLLECTION, SOCIAL_INSURANCE_DB } from '../../connectors/social-insurance/model';

export { DEFAULT_DEFECT_RATES };

export interface SeedOptions {
  citizens: number;
  seed: number;
  rates?: Partial<Record<DefectKind, number>>;
  log?: (msg: string) => void;
}

/** The source databases the seeder owns (dropped and rewritten), unprefixed. */
export const SOURCE_DATABASES = [
  POPULATION_DB,
  DRIVING_LICENCE_DB,
  HEALTH_INSURANCE_DB,
  SOCIAL_INSURANCE_DB,
  HEALTH_RECORD_DB,
] as const;

/** Where each generated collection goes: [unprefixed db ("hub" = the hub's), collection]. */
export const SEED_TARGETS: Record<CollectionKey | 'defects', readonly [string, string]> = {
  population: [POPULATION_DB, POPULATION_COLLECTION],
  drivingLicence: [DRIVING_LICENCE_DB, DRIVING_LICENCE_COLLECTION],
  healthInsurance: [HEALTH_INSURANCE_DB, HEALTH_INSURANCE_COLLECTION],
  socialInsurance: [SOCIAL_INSURANCE_DB, SOCIAL_INSURANCE_COLLECTION],
  healthRecord: [HEALTH_RECORD_DB, HEALTH_RECORD_COLLECTION],
  accounts: ['hub', ACCOUNTS_COLLECTION],
  defects: ['hub', SEED_DEFECTS_COLLECTION],
};

const BATCH = 1000;
const MAX_IN_FLIGHT = 2;
const HOUSEHOLDS_PER_CHUNK = 500;

/** Buffers documents of one collection and writes them in unordered batches. */
class BatchWriter {
  private buf: Document[] = [];
  private inFlight: Array<Promise<void>> = [];
  private failure: Error | null = null;
  written = 0;

  constructor(private readonly col: Collection<Document>) {}

  /** Adds documents; resolves at once unless too many batches are in flight. */
  async add(docs: readonly Document[]): Promise<void> {
    for (const d of docs) {
      this.buf.push(d);
      if (this.buf.length >= BATCH) await this.flushBatch();
    }
  }

  /** Throws the first failed batch's error (a batch in flight may have failed meanwhile). */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private async flushBatch(): Promise<void> {
    this.throwIfFailed();
    if (this.buf.length === 0) return;
    while (this.inFlight.length >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const batch = this.buf;
    this.buf = [];
    const p: Promise<void> = this.col
      .insertMany(batch, { ordered: false })
      .then(
        (res) => {
          this.written += res.insertedCount;
        },
        (err: unknown) => {
          this.failure ??= err instanceof Error ? err : new Error(String(err));
        },
      )
      .finally(() => {
        this.inFlight = this.inFlight.filter((x) => x !== p);
      });
    this.inFlight.push(p);
  }

  async finish(): Promise<void> {
    await this.flushBatch();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }
}

/**
 * Empties a source database by dropping each of its collections. (Not
 * `dropDatabase()`: the embedded store deletes the database's SQLite file but can
 * leave its -wal/-shm files behind while another connection holds them, and a
 * database re-created under the same name then fails with "disk I/O error".)
 */
async function clearDatabase(db: Db): Promise<void> {
  const cols = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(cols.map((c) => dropCollection(db, c.name)));
}

async function dropCollection(db: Db, name: string): Promise<void> {
  try {
    await db.collection(name).drop();
  } catch (err) {
    const e = err as { codeName?: string; code?: number };
    if (e.codeName !== 'NamespaceNotFound' && e.code !== 26) throw err;
  }
}

/**
 * Drops the five source databases and the hub's `accounts`, `seedDefects` and
 * `seedManifest` collections (no other hub collection), generates `citizens`
 * people from `seed`, writes everything, and returns the manifest it wrote last.
 */
export async function seed(store: Store, opts: SeedOptions): Promise<SeedManifestDoc> {
  const log = opts.log ?? (() => undefined);
  const rates = resolveRates(opts.rates);
  const startedAt = new Date();
  const t0 = Date.now();

  // The manifest goes first so that a half-written seeding never looks complete.
  await dropCollection(store.hubDb, SEED_MANIFEST_COLLECTION);
  await Promise.all(SOURCE_DATABASES.map((name) => clearDatabase(store.db(name))));
  // Running hubs forget every account's facts (services/access/account-feed.ts), now and when done.
  let announcedAt = await announceAccountChangeRetrying(store, EVERY_ACCOUNT);
  await dropCollection(store.hubDb, ACCOUNTS_COLLECTION);
  await dropCollection(store.hubDb, ACCOUNT_EVENTS_COLLECTION);
  await dropCollection(store.hubDb, SEED_DEFECTS_COLLECTION);

  const keys = [...COLLECTION_KEYS, 'defects'] as const;
  const writers = Object.fromEntries(
    keys.map((k) => {
      const [db, col] = SEED_TARGETS[k];
      return [k, new BatchWriter((db === 'hub' ? store.hubDb : store.db(db)).collection(col))];
    }),
  ) as Record<(typeof keys)[number], BatchWriter>;

  // The working groups' report counters, built from the same documents as they are generated.
  const reports = new ReportBuilder(vietnamDate(new Date()));
  let lastLog = 0;
  let docs = 0;
  for (const chunk of generate({
    citizens: opts.citizens,
    seed: opts.seed,
    rates,
    householdsPerChunk: HOUSEHOLDS_PER_CHUNK,
  })) {
    await Promise.all(keys.map((k) => writers[k].add(chunk[k])));
    for (const a of chunk.accounts) reports.addAccount(a);
    for (const p of chunk.population) reports.addPerson(p);
    docs += keys.reduce((s, k) => s + chunk[k].length, 0);
    const now = Date.now();
    // Within the feed's settling time of the accounts written since.
    if (now - announcedAt > 2000) announcedAt = await announceAccountChangeRetrying(store, EVERY_ACCOUNT);
    if (now - lastLog > 2000 || chunk.citizens === opts.citizens) {
      lastLog = now;
      const secs = (now - t0) / 1000;
      log(`seed: ${chunk.citizens}/${opts.citizens} citizens, ${docs} documents generated, ${secs.toFixed(1)} s`);
    }
  }
  await Promise.all(keys.map((k) => writers[k].finish()));
  const r = await reports.write(store);
  log(`seed: report counters ${r.counterDocs} documents, lists ${r.listDocs} documents`);

  // Keyed by collection name (unique across the seeded databases; '.' is not allowed in keys).
  const counts: Record<string, number> = {};
  for (const k of keys) counts[SEED_TARGETS[k][1]] = writers[k].written;
  const manifest: SeedManifestDoc = {
    _id: 'current',
    seed: opts.seed,
    citizens: opts.citizens,
    rates,
    counts,
    startedAt,
    finishedAt: new Date(),
  };
  await announceAccountChangeRetrying(store, EVERY_ACCOUNT);
  await store.hubDb.collection<SeedManifestDoc>(SEED_MANIFEST_COLLECTION).insertOne(manifest);
  log(`seed: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return manifest;
}
