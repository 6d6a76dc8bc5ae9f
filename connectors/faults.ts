/**
 * Fault injection, per source, for tests and the bench: added latency, an error rate, a hang, a hold.
 * Off unless configured (`HUB_FAULTS`, refused in production) or set by a test through
 * {@link FaultInjector.set}. It wraps each attempt to read a source, where a real agency's system
 * would be slow or fail.
 *
 * `HUB_FAULTS` is JSON: `{"<source>": {"latencyMs": 20, "errorRate": 0.1, "hang": false}, …}`.
 * A hanging attempt waits until the faults change (or {@link MAX_HANG_MS}), then fails: the
 * guards' timeout gives up on it long before, and nothing piles up once the fault is lifted. A
 * held attempt waits the same way, then reads: the source answers when the test lifts the fault.
 * The attempts hung or held at a moment are known ({@link FaultInjector.stalled}), and a test can
 * wait for some to be ({@link FaultInjector.whenStalled}): that proves which attempts were in
 * progress at the same time, with no clock.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { SOURCE_NAMES, type SourceName } from './sources';

export const FaultSpecSchema = z
  .object({
    /** Added before every attempt, ms. */
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    /** Share of attempts that fail (0–1). */
    errorRate: z.number().min(0).max(1).optional(),
    /** Every attempt hangs, then fails. */
    hang: z.boolean().optional(),
    /** Every attempt waits until the faults change, then reads (answers late, when told to). */
    hold: z.boolean().optional(),
  })
  .strict();
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

/** The source names as a zod enum's values (the list is connectors/sources.ts). */
export const SOURCE_NAME_VALUES = SOURCE_NAMES;

export const FaultsSchema = z.partialRecord(z.enum(SOURCE_NAME_VALUES), FaultSpecSchema);
export type Faults = z.infer<typeof FaultsSchema>;

/** A hung attempt gives up after this long even if nobody lifts the fault. */
export const MAX_HANG_MS = 120_000;

export class InjectedFault extends Error {}

export class FaultInjector {
  private specs: Faults;
  /** Released (and replaced) whenever the faults change, so hung attempts end. */
  private change = FaultInjector.controller();
  /** The source of each attempt hung or held now. */
  private readonly stalledNow: SourceName[] = [];
  private stallWaiters: Array<{ n: number; resolve: (sources: SourceName[]) => void }> = [];

  /** Every hung attempt listens to it: no listener limit. */
  private static controller(): AbortController {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  }

  constructor(initial: Faults = {}) {
    this.specs = { ...initial };
  }

  /** Sets (or with null, lifts) the fault of a source. */
  set(source: SourceName, spec: FaultSpec | null): void {
    if (spec) this.specs[source] = FaultSpecSchema.parse(spec);
    else delete this.specs[source];
    this.change.abort();
    this.change = FaultInjector.controller();
  }

  /** Lifts every fault. */
  clear(): void {
    for (const s of Object.keys(this.specs) as SourceName[]) this.set(s, null);
  }

  get active(): Faults {
    return { ...this.specs };
  }

  /** The source of each attempt hung or held right now (one entry per attempt). */
  stalled(): SourceName[] {
    return [...this.stalledNow];
  }

  /** Resolves, with {@link stalled}, once at least `n` attempts are hung or held at the same time. */
  whenStalled(n: number): Promise<SourceName[]> {
    if (this.stalledNow.length >= n) return Promise.resolve(this.stalled());
    return new Promise((resolve) => this.stallWaiters.push({ n, resolve }));
  }

  /** Waits (not past {@link MAX_HANG_MS}) until the faults change, counted as stalled meanwhile. */
  private async stall(source: SourceName): Promise<void> {
    const signal = this.change.signal;
    this.stalledNow.push(source);
    const due = this.stallWaiters.filter((w) => w.n <= this.stalledNow.length);
    this.stallWaiters = this.stallWaiters.filter((w) => w.n > this.stalledNow.length);
    for (const w of due) w.resolve(this.stalled());
    try {
      await sleep(MAX_HANG_MS, undefined, { signal, ref: false }).catch(() => undefined);
    } finally {
      this.stalledNow.splice(this.stalledNow.indexOf(source), 1);
    }
  }

  /**
   * One attempt to read the source, as configured for it: a hang never answers (until the
   * faults change, then fails), a hold answers once the faults change, a failure fails, and with
   * `latencyMs` the answer comes no sooner than that after the call (the read itself runs
   * meanwhile: the source "takes" `latencyMs`).
   */
  async apply<T>(source: SourceName, read: () => Promise<T>): Promise<T> {
    const spec = this.specs[source];
    if (!spec) return read();
    if (spec.hang || spec.hold) {
      await this.stall(source);
      if (spec.hang) throw new InjectedFault(`injected hang of ${source}`);
      return read();
    }
    const fail = !!spec.errorRate && Math.random() < spec.errorRate;
    const [out] = await Promise.all([fail ? undefined : read(), spec.latencyMs ? sleep(spec.latencyMs) : undefined]);
    // A failing source fails after its latency, like a real one.
    if (fail) throw new InjectedFault(`injected error of ${source}`);
    return out as T;
  }
}
