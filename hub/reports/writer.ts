/**
 * Applies report operations to the store, one write in flight per document.
 *
 * FerretDB (the embedded store) applies an update as read → modify → write without a lock,
 * so two concurrent `$inc` on one document lose one of them (measured: 50 concurrent
 * increments left 12). The writer therefore serialises the writes to each document within
 * the hub process and coalesces the operations that queue up meanwhile into one update
 * (which also makes a burst of transitions in one commune cheap). On MongoDB the same
 * updates are atomic, so several hub instances may share it; on the embedded store run one.
 */
import type { Collection, Document } from 'mongodb';
import type { Store } from '../store/connection';
import { REPORT_COUNTERS_COLLECTION, REPORT_LISTS_COLLECTION } from './model';
import { mergeOp, toUpdate, type DocOp, type OpTarget } from './ops';

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Slot {
  queue: Array<{ op: DocOp; waiter: Waiter }>;
  running: boolean;
}

function paths(op: DocOp): string[] {
  return [...Object.keys(op.inc ?? {}), ...Object.keys(op.set ?? {}), ...(op.unset ?? [])];
}

/** Whether two ops touch overlapping paths in a way one update cannot express ("m" and "m.x"). */
export function conflicting(a: DocOp, b: DocOp): boolean {
  const pa = paths(a);
  for (const q of paths(b)) {
    for (const p of pa) {
      if (p === q) {
        const incA = a.inc && p in a.inc;
        const incB = b.inc && q in b.inc;
        if (incA !== incB) return true;
      } else if (p.startsWith(q + '.') || q.startsWith(p + '.')) return true;
    }
  }
  return false;
}

export class ReportWriter {
  private readonly collections: Record<OpTarget, Collection<Document>>;
  private readonly slots = new Map<string, Slot>();
  /** Update commands issued (for the bench and tests). */
  writes = 0;

  constructor(store: Store) {
    this.collections = {
      counters: store.hubDb.collection(REPORT_COUNTERS_COLLECTION),
      lists: store.hubDb.collection(REPORT_LISTS_COLLECTION),
    };
  }

  /** Applies the operations; resolves when every one is durably written. */
  async apply(ops: readonly DocOp[]): Promise<void> {
    await Promise.all(ops.map((op) => this.enqueue(op)));
  }

  /** Waits until nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.slots.size) await new Promise((r) => setTimeout(r, 2));
  }

  private readonly trackers = new Set<Set<string>>();

  /**
   * Collects the personal IDs removed from any NOT_REGISTERED list from now until `stop()`
   * (the population refresh drops them from the lists it computed from an older snapshot).
   */
  trackRegistrations(): { ids: Set<string>; stop(): void } {
    const ids = new Set<string>();
    this.trackers.add(ids);
    return { ids, stop: () => this.trackers.delete(ids) };
  }

  private enqueue(op: DocOp): Promise<void> {
    if (this.trackers.size && op.target === 'lists' && op.unset && op.id.startsWith('L|NOT_REGISTERED|')) {
      for (const path of op.unset) for (const t of this.trackers) t.add(path.slice(2));
    }
    const key = `${op.target}\u0000${op.id}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { queue: [], running: false };
      this.slots.set(key, slot);
    }
    const s = slot;
    return new Promise<void>((resolve, reject) => {
      s.queue.push({ op, waiter: { resolve, reject } });
      if (!s.running) void this.drain(key, s);
    });
  }

  private async drain(key: string, slot: Slot): Promise<void> {
    slot.running = true;
    while (slot.queue.length) {
      // Coalesce queued ops from the front until one conflicts with what is merged so far.
      const first = slot.queue[0].op;
      const merged = mergeOp({ target: first.target, id: first.id }, first);
      let n = 1;
      while (n < slot.queue.length && !conflicting(merged, slot.queue[n].op)) mergeOp(merged, slot.queue[n++].op);
      const batch = slot.queue.splice(0, n);
      try {
        const update = toUpdate(merged);
        if (update) {
          this.writes++;
          await this.collections[merged.target].updateOne({ _id: merged.id as never }, update, { upsert: true });
        }
        for (const b of batch) b.waiter.resolve();
      } catch (err) {
        for (const b of batch) b.waiter.reject(err);
      }
    }
    slot.running = false;
    this.slots.delete(key);
  }
}
