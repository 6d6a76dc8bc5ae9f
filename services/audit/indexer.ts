import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Collection, WriteConcernSettings } from 'mongodb';
import type { Store } from '../../store/connection';
import type { AuditRecordDoc } from './model';
import { auditRecordId } from './chain';
import {
  ACCESS_LOG_MAX,
  accessLogCollection,
  accessLogEntriesFor,
  type AccessLogEntry,
  type AccessLogEntryDoc,
} from './access-log';
import { AccessLogIndexWriter } from './index-writer';
import { ChainCheckpoints, type CheckpointDoc } from './checkpoints';

/**
 * The citizens' access-log index (`hubindex.auditByCitizen`, see access-log.ts) is derived from
 * the audit log by this worker, off the request path: one per process and store connection, it
 * follows the audit chains of the writers of this process (their durable records are handed over
 * in memory, so nothing is read back) and, when their holder is gone, other processes' chains
 * (read from the audit log by `_id`). Every `intervalMs` (default 250 ms; at once on
 * {@link AccessLogIndexer.caughtUp}) it writes what was added, in one pass for all chains (its
 * writes never race each other), and emits `indexed` ({chain, seq}: every record of that chain up
 * to seq is in the index). An entry is visible in the index about `intervalMs` plus one pass after
 * its record is durable (bench:profile measures it; goal ≤ 1 s); before that, a page read in this
 * process includes it ({@link pendingAccessLog}: read-your-writes on one instance).
 *
 * Per chain, a checkpoint in `hubindex.accessLogCheckpoints`: `{seq, upTo, epoch, owner, beatAt}`.
 * Before a pass writes the entries of records (seq, upTo] it records that intent; every record up
 * to `seq` is in the index, those in (seq, upTo] may be partly. A worker that resumes a chain
 * (a restart with the same chain id, or a takeover) writes the records from seq + 1 again: an
 * entry's `_id` is its identity (access-log.ts), so what a cut-short pass wrote stays once.
 *
 * Holding a chain: claims are inserted as `<chain>#<epoch>` in `accessLogClaims` (a unique `_id`:
 * the one compare-and-set the embedded store makes atomic), the checkpoint names the holder and
 * is renewed at each pass or every `leaseMs` / 3. Every `scanMs` a worker reads the checkpoints;
 * a chain whose checkpoint has not changed for `leaseMs` (on this worker's own clock: its holder
 * is gone) is claimed by inserting the next epoch, indexed to the end of its audit records, and
 * released (`owner: null`). A holder checks its claim before each pass and, when superseded,
 * claims its chain again and goes on from the checkpoint. Released chains are probed for records
 * beyond their checkpoint a few per scan (a process taken for dead that wrote again).
 */

export interface IndexerOptions {
  /** Time between passes while there is work. Default 250 ms. */
  intervalMs?: number;
  /** How long a checkpoint may stay unchanged before another worker takes its chain. Default 15 s. */
  leaseMs?: number;
  /** How often other chains' checkpoints are read for takeovers. Default 5 s; 0: never. */
  scanMs?: number;
  /** Default `{w: 'majority', j: true}`. */
  writeConcern?: WriteConcernSettings;
  logger?: { warn(obj: object, msg?: string): void };
}

/** Per chain: who follows it here, and how. */
export interface ChainOptions {
  /** List a citizen's reads of their own data in their access log. Default false. */
  includeSelf?: boolean;
  /** Entries kept per citizen. Default {@link ACCESS_LOG_MAX}. */
  max?: number;
}

interface ChainState {
  chain: string;
  epoch: number;
  /** Every record up to `done` is in the index. */
  done: number;
  /** Records in (done, careful] may be partly in the index (the checkpoint's `upTo`). */
  careful: number;
  /** The last durable record known; Infinity for a taken-over chain (its end is found by reading). */
  known: number;
  /** Durable records handed over by a writer here, not yet indexed (at most {@link MAX_HELD}). */
  held: Map<number, AuditRecordDoc>;
  /** When each held record was handed over (performance.now()), for the lag figures. */
  heldAt: Map<number, number>;
  writers: number;
  /** Followed for a worker that is gone (not for a writer here). */
  takenOver: boolean;
  opts: Required<ChainOptions>;
  lastBeat: number;
}

/** Records indexed per chain in one pass. */
const PASS_RECORDS = 1_000;
/** Records held in memory per chain; beyond, they are read back from the audit log. */
const MAX_HELD = 20_000;
/** Records read from the audit log at once (parallel `_id` reads). */
const READ_PARALLEL = 32;
/** Released chains probed per scan. */
const PROBES_PER_SCAN = 8;

const registry = new WeakMap<Store, AccessLogIndexer>();

/** The access-log entries of `citizenId` this process has made durable but not indexed yet. */
export function pendingAccessLog(store: Store, citizenId: string): AccessLogEntry[] {
  return registry.get(store)?.pendingFor(citizenId) ?? [];
}

export class AccessLogIndexer extends EventEmitter {
  /** This worker, as a checkpoint holder. */
  readonly id = `ix-${randomBytes(6).toString('hex')}`;
  /** Index write commands issued (bulkWrites, trims). */
  writes = 0;
  /** Passes made, and entries written. */
  passes = 0;
  entries = 0;
  /** The worst delay from hand-over to index (ms) of the records indexed so far. */
  maxLagMs = 0;
  /** The delays of the records handed over since {@link resetLag} (ms; the first 100,000). */
  lags: number[] = [];
  private lagFrom = 0;

  private readonly chains = new Map<string, ChainState>();
  private readonly checkpoints: ChainCheckpoints;
  private readonly audit: Collection<AuditRecordDoc>;
  private readonly index: Collection<AccessLogEntryDoc>;
  private readonly writer: AccessLogIndexWriter;
  private readonly intervalMs: number;
  private readonly leaseMs: number;
  private readonly scanMs: number;
  private readonly wc: WriteConcernSettings;
  private readonly log: IndexerOptions['logger'];
  /** Other chains' checkpoints as last seen, and since when (this worker's clock). */
  private readonly seen = new Map<string, { sig: string; since: number }>();
  private probeFrom = 0;
  private lastScan = performance.now();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failed = false;

  private constructor(
    private readonly store: Store,
    opts: IndexerOptions,
  ) {
    super();
    this.audit = store.hubDb.collection<AuditRecordDoc>('audit');
    this.index = accessLogCollection(store);
    this.intervalMs = Math.max(1, opts.intervalMs ?? 250);
    this.leaseMs = Math.max(1, opts.leaseMs ?? 15_000);
    this.scanMs = opts.scanMs ?? 5_000;
    this.wc = opts.writeConcern ?? { w: 'majority', j: true };
    this.log = opts.logger;
    this.checkpoints = new ChainCheckpoints(store, this.id, this.wc);
    this.writer = new AccessLogIndexWriter(this.index, { writeConcern: this.wc });
  }

  /** The worker of this store connection (created with `opts` on first use). */
  static for(store: Store, opts: IndexerOptions = {}): AccessLogIndexer {
    let w = registry.get(store);
    if (!w) registry.set(store, (w = new AccessLogIndexer(store, opts)));
    return w;
  }

  /**
   * A writer of this process follows `chain`, whose last durable record is `lastSeq`: the chain is
   * claimed, and what its checkpoint says is missing from the index (a previous holder's unfinished
   * pass, records it never indexed) will be indexed from the audit log.
   */
  async attach(chain: string, lastSeq: number, opts: ChainOptions = {}): Promise<void> {
    const existing = this.chains.get(chain);
    if (existing) {
      existing.writers++;
      existing.takenOver = false;
      existing.known = Math.max(existing.known, lastSeq);
      return;
    }
    const { epoch, cp } = await this.checkpoints.claim(chain, false);
    // A chain without a checkpoint was indexed, as far as it goes, by the writer of before.
    const done = cp ? Math.min(cp.seq, lastSeq) : lastSeq;
    const state: ChainState = {
      chain,
      epoch: epoch!,
      done,
      careful: cp ? Math.max(done, Math.min(cp.upTo, lastSeq)) : done,
      known: lastSeq,
      held: new Map(),
      heldAt: new Map(),
      writers: 1,
      takenOver: false,
      opts: { includeSelf: opts.includeSelf ?? false, max: opts.max ?? ACCESS_LOG_MAX },
      lastBeat: performance.now(),
    };
    this.chains.set(chain, state);
    await this.writeCheckpoint(state, done, state.careful);
    this.schedule();
  }

  /** Durable records of a followed chain, in order. */
  offer(chain: string, docs: readonly AuditRecordDoc[]): void {
    const s = this.chains.get(chain);
    if (!s) return;
    const now = performance.now();
    for (const d of docs) {
      if (d.seq <= s.done) continue;
      if (s.held.size < MAX_HELD) {
        s.held.set(d.seq, d);
        s.heldAt.set(d.seq, now);
      }
      s.known = Math.max(s.known, d.seq);
    }
    this.schedule();
  }

  /** Passes at once until the chain is indexed up to `seq`, or a pass fails. */
  async caughtUp(chain: string, seq: number): Promise<void> {
    for (;;) {
      const s = this.chains.get(chain);
      if (!s || s.done >= seq) return;
      this.failed = false;
      await this.exclusive(() => this.passOnce());
      if (this.failed) return;
    }
  }

  /** A writer stops following `chain`: indexed to its end, then released. */
  async detach(chain: string): Promise<void> {
    const s = this.chains.get(chain);
    if (!s) return;
    if (--s.writers > 0) return;
    await this.caughtUp(chain, s.known);
    this.chains.delete(chain);
    await this.release(s).catch((e: unknown) => this.warn(e, { chain }, 'access-log checkpoint not released'));
    if (this.chains.size) return;
    this.stop();
  }

  /** Stops the passes (the chains stay claimed: another worker takes them over after the lease). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (registry.get(this.store) === this) registry.delete(this.store);
  }

  /** Lag figures from now on: the delays of records handed over from now (bench:profile). */
  resetLag(): void {
    this.lagFrom = performance.now();
    this.lags = [];
    this.maxLagMs = 0;
  }

  /** The chain's progress: every record up to this seq is in the index (undefined: not followed here). */
  indexedUpTo(chain: string): number | undefined {
    return this.chains.get(chain)?.done;
  }

  /** Resolves once `chain` is indexed up to `seq` here (the `indexed` or `released` event), without asking for a pass. */
  reached(chain: string, seq: number): Promise<void> {
    if ((this.indexedUpTo(chain) ?? -1) >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      const on = (e: { chain: string; seq: number }) => {
        if (e.chain !== chain || e.seq < seq) return;
        this.off('indexed', on);
        this.off('released', on);
        resolve();
      };
      this.on('indexed', on);
      this.on('released', on);
    });
  }

  /** Every pending entry of a citizen (durable, handed over, not indexed yet). */
  pendingFor(citizenId: string): AccessLogEntry[] {
    const out: AccessLogEntry[] = [];
    for (const s of this.chains.values()) {
      for (const d of s.held.values()) {
        for (const e of accessLogEntriesFor(d, { includeSelf: s.opts.includeSelf })) {
          if (e.citizenId === citizenId) out.push(e.entry);
        }
      }
    }
    return out;
  }

  // --- passes ---------------------------------------------------------------------------

  private schedule(): void {
    if (this.timer || !registry.has(this.store)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.exclusive(() => this.passOnce()).finally(() => {
        if (this.chains.size) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Runs `fn` when no pass runs and holds the next until it ends (passes run one at a time). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = (this.running ?? Promise.resolve()).then(fn);
    const done: Promise<void> = run
      .catch(() => undefined)
      .then(() => {
        if (this.running === done) this.running = null;
      });
    this.running = done;
    return run;
  }

  private async passOnce(): Promise<void> {
    this.passes++;
    for (const s of [...this.chains.values()]) {
      try {
        if (s.known > s.done) await this.indexChain(s);
        if (s.writers === 0 && s.known <= s.done && this.chains.get(s.chain) === s) {
          // A taken-over chain, indexed to its end: released.
          this.chains.delete(s.chain);
          await this.release(s);
          this.emit('released', { chain: s.chain, seq: s.done });
        } else if (performance.now() - s.lastBeat > this.leaseMs / 3) {
          await this.writeCheckpoint(s, s.done, s.careful);
        }
      } catch (e) {
        this.failed = true;
        this.warn(e, { chain: s.chain, seq: s.done }, 'access-log index pass failed (retried)');
      }
    }
    if (this.scanMs > 0 && performance.now() - this.lastScan >= this.scanMs) {
      this.lastScan = performance.now();
      await this.scan().catch((e: unknown) => this.warn(e, {}, 'access-log takeover scan failed'));
    }
  }

  /** Indexes the next records of a chain. */
  private async indexChain(s: ChainState): Promise<void> {
    if (!(await this.stillHeld(s))) return;
    const from = s.done + 1;
    const to = Math.min(s.known, s.done + PASS_RECORDS);
    await this.writeCheckpoint(s, s.done, Math.max(to, s.careful));
    const records = await this.records(s, from, to);
    if (!records.length) {
      // A taken-over chain ends here.
      s.known = s.done;
      return;
    }
    const end = records[records.length - 1].seq;
    // Entries are written by `_id` (the record's and the citizen's): records a cut-short pass may
    // have written in part (up to `careful`) are written again whole, and what is there stays once.
    const byCitizen = new Map<string, AccessLogEntry[]>();
    for (const d of records) {
      for (const { citizenId, entry } of accessLogEntriesFor(d, { includeSelf: s.opts.includeSelf })) {
        const list = byCitizen.get(citizenId);
        if (list) list.push(entry);
        else byCitizen.set(citizenId, [entry]);
      }
    }
    const before = this.writer.commands;
    try {
      await this.writer.write(byCitizen, { max: s.opts.max });
    } catch (e) {
      s.careful = Math.max(s.careful, end);
      throw e;
    } finally {
      this.writes += this.writer.commands - before;
    }
    for (const list of byCitizen.values()) this.entries += list.length;
    const now = performance.now();
    for (let q = from; q <= end; q++) {
      const at = s.heldAt.get(q);
      if (at !== undefined) {
        this.maxLagMs = Math.max(this.maxLagMs, now - at);
        if (at >= this.lagFrom && this.lags.length < 100_000) this.lags.push(now - at);
      }
      s.held.delete(q);
      s.heldAt.delete(q);
    }
    s.done = end;
    s.careful = Math.max(s.careful, s.done);
    if (end < to) s.known = end; // the audit log ends before what was expected
    this.emit('indexed', { chain: s.chain, seq: end });
  }

  /** Records from..to of a chain: those held, the rest read from the audit log (stops at the first missing). */
  private async records(s: ChainState, from: number, to: number): Promise<AuditRecordDoc[]> {
    const out: AuditRecordDoc[] = [];
    for (let q = from; q <= to;) {
      const held = s.held.get(q);
      if (held) {
        out.push(held);
        q++;
        continue;
      }
      const upTo = Math.min(to, q + READ_PARALLEL - 1);
      const ids = Array.from({ length: upTo - q + 1 }, (_, i) => q + i);
      const docs = await Promise.all(
        ids.map(async (n) => s.held.get(n) ?? (await this.audit.findOne({ _id: auditRecordId(s.chain, n) }))),
      );
      for (const d of docs) {
        if (!d) return out;
        out.push(d);
      }
      q = upTo + 1;
    }
    return out;
  }

  // --- holding chains -------------------------------------------------------------------

  /** False (and the chain dropped, or claimed again with its checkpoint's progress) when another worker took it. */
  private async stillHeld(s: ChainState): Promise<boolean> {
    if (!(await this.checkpoints.superseded(s.chain, s.epoch))) return true;
    if (s.writers === 0) {
      this.chains.delete(s.chain);
      return false;
    }
    const { epoch, cp } = await this.checkpoints.claim(s.chain, false);
    s.epoch = epoch!;
    if (cp) {
      s.done = Math.max(s.done, cp.seq);
      s.careful = Math.max(s.careful, cp.upTo, s.done);
      for (const q of s.held.keys()) if (q <= s.done) s.held.delete(q);
    }
    return true;
  }

  private async writeCheckpoint(s: ChainState, seq: number, upTo = seq, owner?: null): Promise<void> {
    s.lastBeat = performance.now();
    await this.checkpoints.write({
      _id: s.chain,
      seq,
      upTo,
      epoch: s.epoch,
      ...s.opts,
      ...(owner === null ? { owner, closed: !s.takenOver } : {}),
    });
  }

  /** No worker holds the chain any more: closed by its writer, or indexed to its end after a takeover. */
  private release(s: ChainState): Promise<void> {
    return this.writeCheckpoint(s, s.done, s.done, null);
  }

  /** Takes over the chains whose holder is gone, and released chains that grew. */
  private async scan(): Promise<void> {
    const cps = await this.checkpoints.all();
    const now = performance.now();
    const released: CheckpointDoc[] = [];
    for (const cp of cps) {
      if (this.chains.has(cp._id) || cp.closed) continue;
      if (cp.owner === null) {
        released.push(cp);
        continue;
      }
      const sig = `${cp.epoch}|${cp.seq}|${cp.upTo}|${new Date(cp.beatAt).getTime()}`;
      const seen = this.seen.get(cp._id);
      if (!seen || seen.sig !== sig) {
        this.seen.set(cp._id, { sig, since: now });
        continue;
      }
      if (now - seen.since >= this.leaseMs) await this.takeOver(cp._id);
    }
    // Released chains, a few per scan: did their process write again after it was taken for dead?
    for (let i = 0; i < Math.min(PROBES_PER_SCAN, released.length); i++) {
      const cp = released[(this.probeFrom + i) % released.length];
      if (await this.audit.findOne({ _id: auditRecordId(cp._id, cp.seq + 1) }, { projection: { _id: 1 } })) {
        await this.takeOver(cp._id);
      }
    }
    this.probeFrom += PROBES_PER_SCAN;
  }

  private async takeOver(chain: string): Promise<void> {
    const { epoch, cp } = await this.checkpoints.claim(chain, true);
    if (epoch === undefined || !cp) return;
    this.seen.delete(chain);
    const s: ChainState = {
      chain,
      epoch,
      done: cp.seq,
      careful: Math.max(cp.seq, cp.upTo),
      known: Infinity,
      takenOver: true,
      held: new Map(),
      heldAt: new Map(),
      writers: 0,
      opts: { includeSelf: cp.includeSelf ?? false, max: cp.max ?? ACCESS_LOG_MAX },
      lastBeat: performance.now(),
    };
    // Indexed by the next passes, then released.
    this.chains.set(chain, s);
    this.emit('takeover', { chain, seq: cp.seq });
  }

  private warn(e: unknown, obj: object, msg: string): void {
    this.log?.warn({ ...obj, err: e instanceof Error ? { name: e.name, message: e.message } : String(e) }, msg);
  }
}
