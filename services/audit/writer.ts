import { randomBytes } from 'node:crypto';
import type { Collection, WriteConcernSettings } from 'mongodb';
import type { Store } from '../../store/connection';
import type { AuditRecordDoc } from './model';
import { auditRecordId, CHAIN_ID_PATTERN, hashRecord, stripUndefined } from './chain';
import {
  ACCESS_LOG_MAX,
  accessLogEntriesFor,
  accessLogCollection,
  writeCitizenIndex,
  type AccessLogEntry,
  type AccessLogIndexDoc,
} from './access-log';

/**
 * The audit writer: one hash chain per writer (hub process), group commit.
 *
 * Records go to `hub.audit` with `_id` = `${chain}:${seq padded to 12}` (FerretDB only
 * pushes `_id` equality down, so every lookup here is by `_id`). A tail pointer
 * `{_id: 'tail:' + chain, seq, hash}` in `hub.auditChains` is written after the
 * records; on open the writer starts from it and probes `_id`s beyond it (galloping,
 * then binary search: O(log n) lookups) for records written after the last pointer
 * update, so a restarted process with the same chain id continues its chain.
 *
 * `append` resolves once its record is durably written (insertMany, write concern
 * majority + journal). Appends arriving while a write is in flight are queued and
 * written together by the next single insertMany, in arrival order, hashes chained in
 * that order. If a write fails, every append of that batch rejects with an
 * {@link AuditWriteError} and the in-memory chain state is not advanced; before the
 * next batch the writer re-reads the true tail (an ordered insertMany may have written
 * a prefix of the failed batch, or a timed-out write may have landed), so the chain
 * has no gap and no duplicate. The unique `_id` also stops two processes that share a
 * chain id from forking it: the loser's insert fails on the duplicate key and it
 * re-syncs.
 *
 * The tail pointer and the citizens' access-log index (`hubindex.auditByCitizen`) are
 * derived data written in the background after the records (coalesced: at most one
 * such flush in flight, each a pointer update plus one bulkWrite per 90 citizens, see
 * writeCitizenIndex); their failures are logged, never surfaced to appends. `flush()` and `close()` wait for them.
 */

export const AUDIT_COLLECTION = 'audit';
export const AUDIT_CHAINS_COLLECTION = 'auditChains';
export const TAIL_PREFIX = 'tail:';
/**
 * Signed retention checkpoints, `_id` = `<chain>#<n>` (retention.ts): the records of a chain up
 * to a checkpoint's `lastSeq` were removed after it was written; the chain goes on from it.
 */
export const AUDIT_CHECKPOINTS_COLLECTION = 'auditCheckpoints';

/** What a caller appends: the writer fills in `_id`, `chain`, `seq`, `prevHash`, `hash`. */
export type AuditEntry = Omit<AuditRecordDoc, '_id' | 'chain' | 'seq' | 'prevHash' | 'hash'>;

/** The tail pointer document of a chain in `hub.auditChains`. */
export interface ChainTailDoc {
  _id: string; // 'tail:' + chain
  chain: string;
  seq: number;
  hash: string;
  updatedAt: Date;
}

/** Minimal logger (pino-compatible). */
export interface AuditLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AuditWriterOptions {
  /** Chain id (letters, digits, `_ . -`); default `h-<random>` per writer. */
  chain?: string;
  /** Default `{w: 'majority', j: true}`. */
  writeConcern?: WriteConcernSettings;
  /** Most records per insertMany. Default 256. */
  maxBatch?: number;
  /** Maintain the citizens' access-log index. Default true. */
  citizenIndex?: boolean;
  /** List a citizen's reads of their own data in their access log. Default false. */
  indexSelfReads?: boolean;
  /** Entries kept per citizen in the access-log index. Default 500. */
  accessLogMax?: number;
  /** Delay before a background flush, to coalesce more batches into it. Default 10 ms. */
  sideFlushDelayMs?: number;
  logger?: AuditLogger;
}

/** An audit write failed: the caller must not disclose anything. */
export class AuditWriteError extends Error {
  readonly code = 'AUDIT_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditWriteError';
  }
}

interface Pending {
  entry: AuditEntry;
  resolve: (r: AuditRecordDoc) => void;
  reject: (e: Error) => void;
}

const consoleLogger: AuditLogger = {
  warn: (obj, msg) => process.stderr.write(`audit: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`audit: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

function errInfo(e: unknown): object {
  return e instanceof Error ? { err: { name: e.name, message: e.message } } : { err: String(e) };
}

export class AuditWriter {
  readonly chain: string;
  /** insertMany commands issued for audit records (the durable, per-request path). */
  writes = 0;
  /** Records durably written by this writer. */
  records = 0;
  /** Batches that failed (their appends were rejected). */
  failedWrites = 0;
  /** Background write commands issued (tail pointer updates + access-log bulkWrites). */
  sideWrites = 0;

  /** Collection of the records (exposed for tests and tools). */
  readonly collection: Collection<AuditRecordDoc>;
  private readonly chains: Collection<ChainTailDoc>;
  private readonly byCitizen: Collection<AccessLogIndexDoc>;
  private readonly writeConcern: WriteConcernSettings;
  private readonly maxBatch: number;
  private readonly citizenIndex: boolean;
  private readonly indexSelfReads: boolean;
  private readonly accessLogMax: number;
  private readonly sideDelay: number;
  private readonly log: AuditLogger;

  /** Last durably written record of the chain (as far as this writer knows). */
  private seq: number;
  private prevHash: string;
  private needsResync = false;

  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  private sidePointer: { seq: number; hash: string } | null = null;
  private sideIndex = new Map<string, AccessLogEntry[]>();
  private sideRunning: Promise<void> | null = null;
  /** Set while {@link exclusiveSide} runs: background writes wait for it. */
  private sideHold: Promise<void> | null = null;
  /** The background writes in flight. */
  private sideWork: Promise<void> | null = null;

  private constructor(store: Store, chain: string, seq: number, prevHash: string, opts: AuditWriterOptions) {
    this.chain = chain;
    this.seq = seq;
    this.prevHash = prevHash;
    const db = store.hubDb;
    this.collection = db.collection<AuditRecordDoc>(AUDIT_COLLECTION);
    this.chains = db.collection<ChainTailDoc>(AUDIT_CHAINS_COLLECTION);
    this.byCitizen = accessLogCollection(store);
    this.writeConcern = opts.writeConcern ?? { w: 'majority', j: true };
    this.maxBatch = Math.max(1, opts.maxBatch ?? 256);
    this.citizenIndex = opts.citizenIndex ?? true;
    this.indexSelfReads = opts.indexSelfReads ?? false;
    this.accessLogMax = opts.accessLogMax ?? ACCESS_LOG_MAX;
    this.sideDelay = Math.max(0, opts.sideFlushDelayMs ?? 10);
    this.log = opts.logger ?? consoleLogger;
  }

  /** Opens a writer on its chain, continuing it where the store says it ends. */
  static async open(store: Store, opts: AuditWriterOptions = {}): Promise<AuditWriter> {
    const chain = opts.chain ?? `h-${randomBytes(6).toString('hex')}`;
    if (!CHAIN_ID_PATTERN.test(chain)) throw new Error(`invalid audit chain id ${JSON.stringify(chain)}`);
    const w = new AuditWriter(store, chain, 0, '', opts);
    const pointer = await w.chains.findOne({ _id: TAIL_PREFIX + chain });
    if (pointer && Number.isSafeInteger(pointer.seq) && pointer.seq > 0 && typeof pointer.hash === 'string') {
      w.seq = pointer.seq;
      w.prevHash = pointer.hash;
    }
    // Records removed by retention (retention.ts) are not probed for: the chain goes on from its
    // latest checkpoint when that is further than the pointer.
    const checkpoints = store.hubDb.collection<{ _id: string; lastSeq: number; lastHash: string }>(
      AUDIT_CHECKPOINTS_COLLECTION,
    );
    for (let n = 1; ; n++) {
      const cp = await checkpoints.findOne({ _id: `${chain}#${n}` });
      if (!cp) break;
      if (cp.lastSeq > w.seq) {
        w.seq = cp.lastSeq;
        w.prevHash = cp.lastHash;
      }
    }
    await w.syncTail();
    return w;
  }

  /** Last sequence number written (0 for an empty chain). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Hash of the last record written ('' for an empty chain). */
  get lastHash(): string {
    return this.prevHash;
  }

  /** Appends one record; resolves with it once it is durably written. */
  append(entry: AuditEntry): Promise<AuditRecordDoc> {
    if (this.closed) return Promise.reject(new AuditWriteError('audit writer is closed'));
    return new Promise<AuditRecordDoc>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.kick();
    });
  }

  /** Waits until every queued append and the background writes are done. */
  async flush(): Promise<void> {
    while (this.running || this.sideRunning) {
      await this.running;
      await this.sideRunning;
    }
  }

  /** Refuses new appends, then waits for the queue and the background writes to drain. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  // --- group commit ------------------------------------------------------------------

  private kick(): void {
    if (this.running) return;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.queue.length) this.kick();
    });
  }

  private async run(): Promise<void> {
    // Let appends made in the same turn of the event loop join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      if (this.needsResync) {
        await this.syncTail();
        this.needsResync = false;
      }
    } catch (e) {
      this.failedWrites++;
      const err = new AuditWriteError('audit store unavailable', { cause: e });
      for (const p of batch) p.reject(err);
      return;
    }
    let seq = this.seq;
    let prev = this.prevHash;
    const docs: AuditRecordDoc[] = [];
    const ok: Pending[] = [];
    for (const p of batch) {
      let doc: AuditRecordDoc;
      try {
        const body = stripUndefined({
          ...p.entry,
          _id: auditRecordId(this.chain, seq + 1),
          chain: this.chain,
          seq: seq + 1,
          prevHash: prev,
        }) as Omit<AuditRecordDoc, 'hash'>;
        doc = { ...body, hash: hashRecord(prev, body) };
      } catch (e) {
        // An entry that cannot be hashed (e.g. a non-finite number) fails alone.
        p.reject(new AuditWriteError('audit record cannot be serialised', { cause: e }));
        continue;
      }
      seq++;
      prev = doc.hash;
      docs.push(doc);
      ok.push(p);
    }
    if (docs.length === 0) return;
    try {
      this.writes++;
      await this.collection.insertMany(docs, { ordered: true, writeConcern: this.writeConcern });
    } catch (e) {
      this.failedWrites++;
      this.needsResync = true;
      this.log.error(
        { chain: this.chain, firstSeq: this.seq + 1, records: docs.length, ...errInfo(e) },
        'audit write failed',
      );
      const err = new AuditWriteError('audit write failed', { cause: e });
      for (const p of ok) p.reject(err);
      return;
    }
    this.seq = seq;
    this.prevHash = prev;
    this.records += docs.length;
    ok.forEach((p, i) => p.resolve(docs[i]));
    this.scheduleSide(docs);
  }

  /**
   * Moves `seq`/`prevHash` to the chain's true last record: probes `_id`s beyond the
   * current seq (1, 2, 4, 8... then binary search; seqs are contiguous because inserts
   * are ordered and `_id`s unique).
   */
  private async syncTail(): Promise<void> {
    const exists = async (s: number) =>
      (await this.collection.findOne({ _id: auditRecordId(this.chain, s) }, { projection: { _id: 1 } })) !== null;
    const base = this.seq;
    if (!(await exists(base + 1))) return;
    let lo = base + 1; // exists
    let step = 1;
    let hi = base + 2; // unknown
    while (await exists(hi)) {
      lo = hi;
      step *= 2;
      hi = base + 1 + step;
    }
    // lo exists, hi does not
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (await exists(mid)) lo = mid;
      else hi = mid;
    }
    const last = await this.collection.findOne({ _id: auditRecordId(this.chain, lo) }, { projection: { hash: 1 } });
    if (!last || typeof last.hash !== 'string')
      throw new Error(`audit record ${auditRecordId(this.chain, lo)} vanished`);
    this.seq = lo;
    this.prevHash = last.hash;
    this.sidePointer = { seq: lo, hash: last.hash };
  }

  // --- background: tail pointer and access-log index ----------------------------------

  private scheduleSide(docs: AuditRecordDoc[]): void {
    const last = docs[docs.length - 1];
    this.sidePointer = { seq: last.seq, hash: last.hash };
    if (this.citizenIndex) {
      for (const d of docs) {
        for (const { citizenId, entry } of accessLogEntriesFor(d, { includeSelf: this.indexSelfReads })) {
          const list = this.sideIndex.get(citizenId);
          if (list) list.push(entry);
          else this.sideIndex.set(citizenId, [entry]);
        }
      }
    }
    this.kickSide();
  }

  private kickSide(): void {
    if (this.sideRunning) return;
    this.sideRunning = this.runSide().finally(() => {
      this.sideRunning = null;
      if (this.sidePointer || this.sideIndex.size) this.kickSide();
    });
  }

  /**
   * Runs `fn` while no background write (tail pointer, access-log index) is in flight, and lets
   * none start until it ends: the retention sweep trims the access-log index through it, so the
   * embedded store's unlocked read-modify-writes of a citizen's head never interleave with ours.
   */
  async exclusiveSide<T>(fn: () => Promise<T>): Promise<T> {
    while (this.sideHold) await this.sideHold;
    let release!: () => void;
    this.sideHold = new Promise<void>((r) => (release = r));
    try {
      while (this.sideWork) await this.sideWork;
      return await fn();
    } finally {
      this.sideHold = null;
      release();
    }
  }

  private async runSide(): Promise<void> {
    if (this.sideDelay > 0 && !this.closed) await new Promise<void>((r) => setTimeout(r, this.sideDelay));
    while (this.sideHold) await this.sideHold;
    // (Set before any await: exclusiveSide sees it.)
    const work = this.sideTasks();
    this.sideWork = work;
    try {
      await work;
    } finally {
      this.sideWork = null;
    }
  }

  private async sideTasks(): Promise<void> {
    const pointer = this.sidePointer;
    const index = this.sideIndex;
    this.sidePointer = null;
    this.sideIndex = new Map();
    const tasks: Promise<unknown>[] = [];
    if (index.size) {
      tasks.push(
        writeCitizenIndex(this.byCitizen, index, { max: this.accessLogMax, writeConcern: this.writeConcern }).then(
          (n) => {
            this.sideWrites += n;
          },
          (e: unknown) => {
            this.sideWrites++;
            this.log.warn(
              { chain: this.chain, citizens: index.size, ...errInfo(e) },
              'audit access-log index write failed',
            );
          },
        ),
      );
    }
    if (pointer) {
      this.sideWrites++;
      tasks.push(
        this.chains
          .updateOne(
            { _id: TAIL_PREFIX + this.chain },
            { $set: { chain: this.chain, seq: pointer.seq, hash: pointer.hash, updatedAt: new Date() } },
            { upsert: true, writeConcern: this.writeConcern },
          )
          .catch((e: unknown) => {
            this.log.warn({ chain: this.chain, seq: pointer.seq, ...errInfo(e) }, 'audit tail pointer write failed');
          }),
      );
    }
    await Promise.all(tasks);
  }
}
