/**
 * Who executes a run, and how it ends, across hub instances on one store: both are decided by
 * inserting a document with a unique `_id` (atomic on MongoDB and on the embedded store, which
 * applies updates without locks).
 *
 * - **Leases** (`reconRunLeases`, `_id` = `<run id>#<n>`): only the holder of a run's latest lease
 *   executes it. Taken by inserting the next one, renewed by its holder (`beat`), released when
 *   its loop stops with the run still RUNNING (`released`). A lease not renewed for the time to
 *   live, as measured by the instance that wants it (no clock is compared across machines), is
 *   taken over.
 * - **Ends** (`reconRunEnds`, `_id` = run id): inserted once, by whoever ends the run first (its
 *   loop with DONE or FAILED, a cancellation on any instance with CANCELLED); the run document
 *   follows. A cancellation never overrides a run that ended, and a loop never writes DONE over a
 *   cancellation. A DONE end carries the figures of the DONE write (`done`): between the decision
 *   and that write (or when the store lost the write) a reader sees the run DONE with the figures
 *   it ended with, never with those of its last progress write.
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Logger } from 'pino';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';
import type { ActiveRun, EndStatus, RunDoc } from './model';

export const RECON_RUN_LEASES_COLLECTION = 'reconRunLeases';
export const RECON_RUN_ENDS_COLLECTION = 'reconRunEnds';
/** Default time a lease may go without a renewal before another instance takes the run over. */
export const LEASE_TTL_MS = 15_000;

interface RunLeaseDoc {
  _id: string;
  runId: string;
  n: number;
  /** The runner (hub instance) holding it. */
  holder: string;
  at: Date;
  /** Renewals so far (its holder alone writes it). */
  beat: number;
  released?: boolean;
}

/** What a run's DONE write sets besides its status: decided with the end (see {@link RunEnds.decide}). */
export type DoneFigures = Required<
  Pick<RunDoc, 'counts' | 'findings' | 'progress' | 'writes' | 'casesCleared' | 'casesRecurred'>
> & { finishedAt: Date };

export interface RunEndDoc {
  _id: string;
  status: EndStatus;
  at: Date;
  /** DONE: the figures of the DONE write (absent on ends decided before they were kept here). */
  done?: DoneFigures;
}

/** The leases of one runner (hub instance). */
export class RunLeases {
  /** This runner, as a lease holder. */
  private readonly instance = randomUUID();
  /** Runs held elsewhere: their latest lease as last seen, and since when (this runner's monotonic clock). */
  private readonly observed = new Map<string, { id: string; beat: number; since: number }>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => Date,
    /** How long a lease may stay unrenewed, as seen on this runner's clock, before it is taken over. */
    readonly ttlMs: number,
  ) {}

  private get leases(): Collection<RunLeaseDoc> {
    return this.store.hubDb.collection<RunLeaseDoc>(RECON_RUN_LEASES_COLLECTION);
  }

  /** A new run's first lease, taken before the run exists: no other instance can take it. */
  async first(runId: string, at: Date): Promise<string> {
    const lease = `${runId}#1`;
    await this.leases.insertOne({ _id: lease, runId, n: 1, holder: this.instance, at, beat: 0 });
    return lease;
  }

  /** The run's latest lease (the chain `#1`, `#2`, … is short: one per start or take-over). */
  private async latest(runId: string): Promise<RunLeaseDoc | null> {
    let last: RunLeaseDoc | null = null;
    for (let n = 1; ; n++) {
      const d = await this.leases.findOne({ _id: `${runId}#${n}` });
      if (!d) return last;
      last = d;
    }
  }

  /**
   * Takes the run's lease when it is free: none yet, released, this runner's own (no loop of it
   * runs here), or not renewed for `ttlMs` as measured here (no clock is compared across
   * machines: only whether its `beat` moved). Taking it is inserting the next lease, so of two
   * instances only one takes it. Returns the lease's `_id`, or null (held elsewhere, or lost).
   */
  async take(runId: string): Promise<string | null> {
    const last = await this.latest(runId);
    if (last && !last.released && last.holder !== this.instance) {
      const t = performance.now();
      const seen = this.observed.get(runId);
      if (!seen || seen.id !== last._id || seen.beat !== last.beat) {
        this.observed.set(runId, { id: last._id, beat: last.beat, since: t });
        return null;
      }
      if (t - seen.since < this.ttlMs) return null;
      this.logger.warn({ runId, lease: last._id }, 'reconciliation run: lease lapsed; taking the run over');
    }
    const n = (last?.n ?? 0) + 1;
    const id = `${runId}#${n}`;
    try {
      await this.leases.insertOne({ _id: id, runId, n, holder: this.instance, at: this.now(), beat: 0 });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      return null; // another instance took it first
    }
    this.observed.delete(runId);
    return id;
  }

  /** Renews the lease; marks the loop lost (it stops) when another instance has taken the run over. */
  async renew(a: ActiveRun): Promise<boolean> {
    if (a.lost) return false;
    const n = Number(a.lease.slice(a.lease.lastIndexOf('#') + 1));
    const [, next] = await Promise.all([
      this.leases.updateOne({ _id: a.lease }, { $inc: { beat: 1 } }),
      this.leases.findOne({ _id: `${a.id}#${n + 1}` }),
    ]);
    if (next) {
      a.lost = true;
      a.stop = true;
      this.logger.warn({ runId: a.id }, 'reconciliation run: taken over by another instance; this loop stops');
    }
    return !a.lost;
  }

  /** Releases a lease (its loop stopped with the run still RUNNING); best effort. */
  async release(lease: string): Promise<void> {
    await this.leases.updateOne({ _id: lease }, { $set: { released: true } }).catch(() => undefined);
  }
}

/** The run document's fields a DONE end sets (the loop's DONE write, or the completion of a DONE it decided). */
export function doneSet(f: DoneFigures): Partial<RunDoc> {
  return {
    status: 'DONE',
    phase: 'DONE',
    checkpoint: null,
    counts: f.counts,
    findings: f.findings,
    progress: f.progress,
    writes: f.writes,
    casesCleared: f.casesCleared,
    casesRecurred: f.casesRecurred,
    updatedAt: f.finishedAt,
    finishedAt: f.finishedAt,
  };
}

/** How runs end: decided once per run. */
export class RunEnds {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  private get ends(): Collection<RunEndDoc> {
    return this.store.hubDb.collection<RunEndDoc>(RECON_RUN_ENDS_COLLECTION);
  }

  /** The end decided for a run, if any. */
  get(runId: string): Promise<RunEndDoc | null> {
    return this.ends.findOne({ _id: runId });
  }

  /**
   * Decides how a run ends: the first end inserted wins (a unique `_id`, atomic on MongoDB and
   * on the embedded store, across hub instances). Returns the end that stands and whether it is
   * this caller's. A DONE end is decided with its figures (`done`), in the same document: the
   * run is DONE from this insert on, whatever happens to the DONE write that follows.
   */
  async decide(runId: string, status: EndStatus, done?: DoneFigures): Promise<{ status: EndStatus; mine: boolean }> {
    try {
      await this.ends.insertOne({ _id: runId, status, at: this.now(), ...(done ? { done } : {}) });
      return { status, mine: true };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const end = await this.ends.findOne({ _id: runId });
      return { status: end?.status ?? status, mine: false };
    }
  }
}
