/**
 * Reconciliation runs: background scans of the five sources for one area, with progress,
 * checkpoints, resume after a hub restart, cancellation, and idempotent findings.
 *
 * This file is the runner: starting, resuming, cancelling and closing runs, one loop per run it
 * executes. A run (`hub.reconRuns`, one document per run, written by one writer at a time: the
 * process running it) goes through INDEX, SOURCES and FINISH: the loop, its checkpoints and its
 * progress are run-loop.ts; what it writes (findings only where they changed, case-index
 * entries, counters) is run-writer.ts; who executes a run and how it ends, across hub
 * instances, is run-leases.ts.
 *
 * **One RUNNING run per area** (province + commune, or province alone): `start` for an area that
 * has one returns that run (idempotent start) instead of starting another, on any hub instance:
 * a start takes the area's next slot in `reconRunSlots` (`<area>#<n>`, a unique `_id`).
 *
 * **Resume**: {@link ReconciliationRunner.resumeAll} (at hub start, then every half lease time to
 * live through {@link ReconciliationRunner.watch}) picks up the RUNNING runs whose lease it can
 * take (none, released, or lapsed: its instance died) and starts a new session of each from its
 * last checkpoint.
 *
 * **Cancellation**: `cancel` of a run this runner is executing sets a flag checked after every
 * document; the loops stop, wait for their in-flight writes and write CANCELLED (so the run
 * document keeps a single writer). A RUNNING run no loop of this runner executes is marked
 * CANCELLED directly. How a run ends is decided once, by inserting `reconRunEnds` `<run id>`
 * (DONE by its loop before the DONE write, CANCELLED by a cancellation, FAILED): a cancellation
 * never overrides a run that ended, a loop on another instance sees a cancellation within a
 * second and stops, and it never writes DONE over it. Findings already written stay.
 *
 * `close()` stops the loops between two documents, waits for their writes, and leaves their runs
 * RUNNING with their last checkpoint, to be resumed.
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Logger } from 'pino';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';
import { vietnamDate } from '../accounts/calendar';
import type { AuditWriter } from '../audit/writer';
import { CaseService } from './cases';
import { RECON_RUNS_COLLECTION, zeroCounts, type ActiveRun, type RunArea, type RunDoc } from './model';
import { doneSet, LEASE_TTL_MS, RunEnds, RunLeases, type RunEndDoc } from './run-leases';
import { RunLoop, type RunLoopDeps } from './run-loop';
import { dropState } from './run-state';

/** The runs of an area in order (`_id` = `<area>#<n>`, `runId`): taking slot n+1 starts a run. */
export const RECON_RUN_SLOTS_COLLECTION = 'reconRunSlots';

interface RunSlotDoc {
  _id: string;
  runId: string;
}

/** How long after a run was interrupted by the store the runner tries to resume it (again). */
const RESUME_RETRY_MS = 5_000;

export interface ReconciliationRunnerOptions {
  store: Store;
  logger: Logger;
  now?: () => Date;
  /** The day validity is judged on (YYYY-MM-DD); default: today in Vietnam per `now`. */
  today?: () => string;
  /**
   * The process's case service (its writer must be the only one writing the case index and the
   * stats in this process). Default: a new one (tools and tests that run no hub).
   */
  cases?: CaseService;
  /** Where the case changes a run makes (CLEARED, RECURRED) are audited, as the SYSTEM. */
  audit?: Pick<AuditWriter, 'append'>;
  /**
   * At most this many documents read per second by a run (all its cursors together), so that a
   * run does not take the sources' whole capacity from the hub's requests. Default: no limit.
   */
  maxDocsPerS?: number;
  /**
   * How long a run's lease may stay unrenewed, as seen on this runner's own clock, before this
   * runner takes the run over (its instance is taken for dead). Default {@link LEASE_TTL_MS}.
   */
  leaseTtlMs?: number;
}

function areaKey(a: { province: string; commune?: string | null }): string {
  return `${a.province}/${a.commune ?? ''}`;
}

export class ReconciliationRunner {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly today: () => string;
  /** Cases of the findings; its writer keeps the case index and the area stats. */
  readonly cases: CaseService;
  private readonly leases: RunLeases;
  private readonly ends: RunEnds;
  /** What the loops of this runner use. */
  private readonly loopDeps: RunLoopDeps;
  private readonly active = new Map<string, ActiveRun>();
  /** Runs this runner is taking a lease of (resumeAll called again meanwhile skips them). */
  private readonly taking = new Set<string>();
  private watchTimer: NodeJS.Timeout | null = null;
  private resumeTimer: NodeJS.Timeout | null = null;
  /** Serialises start() per area within this process. */
  private readonly starting = new Map<string, Promise<RunDoc>>();
  private closed = false;

  constructor(opts: ReconciliationRunnerOptions) {
    this.store = opts.store;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.today = opts.today ?? (() => vietnamDate(this.now()));
    this.cases = opts.cases ?? new CaseService({ store: opts.store, logger: opts.logger, now: this.now });
    this.leases = new RunLeases(opts.store, opts.logger, this.now, opts.leaseTtlMs ?? LEASE_TTL_MS);
    this.ends = new RunEnds(opts.store, this.now);
    this.loopDeps = {
      store: opts.store,
      logger: opts.logger,
      now: this.now,
      cases: this.cases,
      audit: opts.audit ?? null,
      maxDocsPerS: opts.maxDocsPerS ?? Infinity,
      leases: this.leases,
      ends: this.ends,
    };
  }

  private get runs(): Collection<RunDoc> {
    return this.store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION);
  }

  private get slots(): Collection<RunSlotDoc> {
    return this.store.hubDb.collection<RunSlotDoc>(RECON_RUN_SLOTS_COLLECTION);
  }

  /**
   * Starts a run for an area in the background and returns its document as created; when the
   * area already has a RUNNING run, returns that one instead.
   */
  start(area: RunArea, startedBy: string): Promise<RunDoc> {
    if (this.closed) return Promise.reject(new Error('reconciliation runner is closed'));
    const a = { province: area.province, commune: area.commune ?? null };
    const key = areaKey(a);
    const pending = this.starting.get(key);
    if (pending) return pending;
    const p = this.doStart(a, startedBy).finally(() => this.starting.delete(key));
    this.starting.set(key, p);
    return p;
  }

  /**
   * The area's runs are a chain of slots (`<area>#1`, `#2`, …): a start reads the last one and,
   * unless its run is still RUNNING, takes the next by inserting it (a unique `_id`). Two starts
   * (on any hub instances) cannot both take it: the loser withdraws its run and returns the
   * winner's. The run document is written before its slot, so a slot always names a run.
   */
  private async doStart(area: { province: string; commune: string | null }, startedBy: string): Promise<RunDoc> {
    const key = areaKey(area);
    for (let attempt = 0; attempt < 5; attempt++) {
      let n = 0;
      let last: RunSlotDoc | null = null;
      for (let next = await this.slots.findOne({ _id: `${key}#1` }); next;) {
        n++;
        last = next;
        next = await this.slots.findOne({ _id: `${key}#${n + 1}` });
      }
      const held = last ? await this.get(last.runId) : null;
      if (held?.status === 'RUNNING') return held;
      if (!last) {
        // Runs started before the slots existed: the runs collection is small, a scan.
        const running = (await this.runs.find({ status: 'RUNNING' }).toArray()).find((r) => areaKey(r.area) === key);
        if (running && (await this.get(running._id))?.status === 'RUNNING') return running;
      }
      const doc = this.newRun(area, startedBy);
      // The run's first lease before the run exists: no other instance's resumeAll can take it.
      const lease = await this.leases.first(doc._id, doc.createdAt);
      await this.runs.insertOne(doc);
      try {
        await this.slots.insertOne({ _id: `${key}#${n + 1}`, runId: doc._id });
      } catch (e) {
        await this.runs.deleteOne({ _id: doc._id });
        if (!isDuplicateKey(e)) throw e;
        continue; // another start took the slot: its run is read on the next pass
      }
      this.launch(doc, lease);
      this.logger.info({ runId: doc._id, area, startedBy }, 'reconciliation run started');
      return doc;
    }
    throw new Error('reconciliation run: the area was started concurrently too often; retry');
  }

  /** A new run's document, RUNNING from its INDEX phase. */
  private newRun(area: { province: string; commune: string | null }, startedBy: string): RunDoc {
    const at = this.now();
    return {
      _id: randomUUID(),
      area,
      startedBy,
      status: 'RUNNING',
      phase: 'INDEX',
      progress: { processed: 0, total: 0, ratePerS: 0, etaS: null },
      counts: zeroCounts(),
      findings: 0,
      checkpoint: null,
      today: this.today(),
      error: null,
      createdAt: at,
      updatedAt: at,
      finishedAt: null,
      resumes: 0,
    };
  }

  /**
   * Resumes the RUNNING runs no loop of this runner executes and whose lease it can take (call at
   * hub start, and through {@link watch}); their ids. A run held by a live instance is left to it;
   * one whose lease lapses is taken over on a later call.
   */
  async resumeAll(): Promise<string[]> {
    if (this.closed) return [];
    const running = await this.runs.find({ status: 'RUNNING' }).toArray();
    const ids: string[] = [];
    for (const r of running) {
      if (this.closed || this.active.has(r._id) || this.taking.has(r._id)) continue;
      this.taking.add(r._id);
      try {
        const end = await this.ends.get(r._id);
        if (end) {
          // Ended before its document said so (cancelled on another instance, or its loop decided
          // DONE and lost the store before its DONE write): complete the end, a DONE with its figures.
          await this.writeEnd(r._id, end);
          continue;
        }
        const lease = this.closed ? null : await this.leases.take(r._id);
        if (!lease) continue;
        // The run as it is now (its previous holder's last checkpoint).
        const doc = await this.runs.findOne({ _id: r._id });
        const ended = !doc || doc.status !== 'RUNNING' || (await this.ends.get(r._id));
        // Closed meanwhile (close() stops only the loops it saw): the run is left to whoever
        // resumes it. Checked with no await before launch, so close() cannot come in between.
        if (ended || this.closed) {
          await this.leases.release(lease);
          continue;
        }
        this.launch(doc, lease, true);
        ids.push(r._id);
        this.logger.info(
          { runId: r._id, sourcesDone: Object.keys(doc.checkpoint?.done ?? {}) },
          'reconciliation run resumed',
        );
      } finally {
        this.taking.delete(r._id);
      }
    }
    return ids;
  }

  /**
   * The run; a RUNNING document whose end was already decided shows that end: a DONE with the
   * figures decided with it (its DONE write not made yet, or lost with the store), never with
   * those of the last progress write.
   */
  async get(runId: string): Promise<RunDoc | null> {
    const doc = await this.runs.findOne({ _id: runId });
    if (doc?.status !== 'RUNNING') return doc;
    const end = await this.ends.get(runId);
    if (!end) return doc;
    if (end.done) return { ...doc, ...doneSet(end.done) };
    return { ...doc, status: end.status, finishedAt: end.at, progress: { ...doc.progress, etaS: null } };
  }

  /**
   * Cancels a RUNNING run; resolves once it is CANCELLED (when this runner executes it, after its
   * loop stopped). Returns the run's document (unchanged when it was not RUNNING), or null. The
   * cancellation is decided once (run-leases.ts `RunEnds.decide`): it never overrides a run that
   * ended meanwhile, and a loop executing the run on another instance sees it within a second and
   * stops.
   */
  async cancel(runId: string): Promise<RunDoc | null> {
    const a = this.active.get(runId);
    if (a) {
      a.cancel = true;
      await a.done;
      return this.get(runId);
    }
    const r = await this.get(runId);
    if (!r || r.status !== 'RUNNING') return r;
    const end = await this.ends.decide(runId, 'CANCELLED');
    if (end.mine) await this.writeEnd(runId, { status: 'CANCELLED', at: this.now() });
    return this.get(runId);
  }

  /** Writes a decided end onto a run document no loop of this runner executes (a DONE with the figures decided with it). */
  private async writeEnd(runId: string, end: Pick<RunEndDoc, 'status' | 'at' | 'done'>): Promise<void> {
    const { status, at, done } = end;
    await this.runs.updateOne(
      { _id: runId, status: 'RUNNING' },
      done ? { $set: doneSet(done) } : { $set: { status, updatedAt: at, finishedAt: at, 'progress.etaS': null } },
    );
    await dropState(this.store, runId).catch(() => undefined);
  }

  /** Waits for a run this runner executes to end (or stop); resolves at once otherwise. */
  async wait(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /**
   * Calls {@link resumeAll} every half lease time to live, so that a run whose instance died is
   * taken over once its lease lapses (the hub calls it at start).
   */
  watch(): void {
    if (this.closed || this.watchTimer) return;
    this.watchTimer = setInterval(
      () => {
        this.resumeAll().catch((err: unknown) => this.logger.warn({ err }, 'reconciliation runs: lease watch failed'));
      },
      Math.max(100, this.leases.ttlMs / 2),
    );
    this.watchTimer.unref();
  }

  /** Stops every loop between two documents, waits for their writes; runs stay RUNNING. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    await Promise.allSettled([...this.starting.values()]);
    const all = [...this.active.values()];
    for (const a of all) a.stop = true;
    await Promise.allSettled(all.map((a) => a.done));
  }

  /** Executes a run in the background under its lease, renewed while the loop runs. */
  private launch(doc: RunDoc, lease: string, resume = false): void {
    const a: ActiveRun = {
      id: doc._id,
      cancel: false,
      stop: false,
      interrupted: false,
      lease,
      lost: false,
      done: Promise.resolve(),
    };
    this.active.set(doc._id, a);
    // Renewed while the loop runs; a take-over elsewhere (this instance was taken for dead) stops it.
    const renew = setInterval(
      () => {
        this.leases
          .renew(a)
          .catch((err: unknown) => this.logger.warn({ err, runId: doc._id }, 'reconciliation run: lease not renewed'));
      },
      Math.max(50, this.leases.ttlMs / 4),
    );
    renew.unref();
    a.done = new RunLoop(this.loopDeps, doc, a, resume)
      .execute()
      .catch((err: unknown) => {
        // The run document still says RUNNING: resumed later, like an interruption.
        a.interrupted = true;
        this.logger.error({ err, runId: doc._id }, 'reconciliation run: could not record its end');
      })
      .finally(async () => {
        clearInterval(renew);
        // Still RUNNING (closed, interrupted): the lease is released for whoever resumes it.
        if (!a.lost) await this.leases.release(lease);
        this.active.delete(doc._id);
        if (a.interrupted) this.resumeSoon();
      });
  }

  /** Tries resumeAll in a while, and again while the store is still away. */
  private resumeSoon(): void {
    if (this.closed || this.resumeTimer) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.resumeAll().catch(() => this.resumeSoon());
    }, RESUME_RETRY_MS);
    this.resumeTimer.unref();
  }
}
