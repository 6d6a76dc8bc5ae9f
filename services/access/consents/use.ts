/** Uses of a consent (tokens issued or requests served under it), counted beside the artefact. */
import type { Store } from '../../../store/connection';
import { isDuplicateKey } from '../../../store/concurrency';
import { usage } from './store';

/**
 * Counts uses of the consent (tokens issued or requests served under it) in `hub.consentUsage`,
 * never in the consent document (whose whole-document rewrite could undo a revocation). Uses
 * flushed at the same moment by two hub instances can be undercounted (the store's update is a
 * read-modify-write); the count is informative, never a decision.
 */
export async function recordConsentUse(
  store: Store,
  consentId: string,
  now: Date = new Date(),
  count = 1,
): Promise<void> {
  const update = { $inc: { useCount: count }, $max: { lastUsedAt: now } };
  try {
    await usage(store).updateOne({ _id: consentId }, update, { upsert: true });
  } catch (e) {
    // Two first uses upserting at once: the loser updates the document the winner inserted.
    if (!isDuplicateKey(e)) throw e;
    await usage(store).updateOne({ _id: consentId }, update);
  }
}

/**
 * Coalesces `recordConsentUse` writes: uses are counted in memory and written once
 * per consent per flush (`intervalMs`, default 1 s), so serving a request under a
 * consent does not add a store write to the request path. Call `close()` on shutdown.
 */
export class ConsentUseRecorder {
  private pending = new Map<string, { count: number; last: Date }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    opts: { intervalMs?: number; onError?: (err: unknown) => void } = {},
  ) {
    this.onError = opts.onError ?? (() => {});
    this.timer = setInterval(() => void this.flush(), opts.intervalMs ?? 1_000);
    this.timer.unref();
  }

  private readonly onError: (err: unknown) => void;

  record(consentId: string, now: Date = new Date()): void {
    const p = this.pending.get(consentId);
    if (p) {
      p.count++;
      if (now > p.last) p.last = now;
    } else this.pending.set(consentId, { count: 1, last: now });
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      await Promise.all(
        [...batch].map(([id, { count, last }]) => recordConsentUse(this.store, id, last, count).catch(this.onError)),
      );
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
