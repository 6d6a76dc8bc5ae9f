/**
 * Partial-document updates applied one write in flight per document.
 *
 * FerretDB (the embedded store) applies an update as read → modify → write without a lock,
 * so two concurrent `$inc` on one document lose one of them (measured: 50 concurrent
 * increments left 12). {@link SerialWriter} therefore serialises the writes to each document
 * within the hub process and coalesces the operations that queue up meanwhile into one update
 * (which also makes a burst of changes to one document cheap). On MongoDB the same updates are
 * atomic, so several hub instances may share it; on the embedded store run one.
 *
 * Used by the account reports (counters and lists) and by the reconciliation case index.
 */
import type { Collection, Document } from 'mongodb';

/** One document's change; `inc`/`set`/`unset` paths are dotted. `target` names the collection. */
export interface DocOp<T extends string = string> {
  target: T;
  id: string;
  inc?: Record<string, number>;
  /** `$max`: the field becomes the larger of its value and this one. */
  max?: Record<string, number>;
  /** `$min`: the field becomes the smaller of its value and this one (set when absent). */
  min?: Record<string, number>;
  set?: Record<string, unknown>;
  unset?: string[];
  setOnInsert?: Record<string, unknown>;
}

/** Merges `next` into `acc` (same target and id): increments add, maxima keep the larger, minima the smaller, a later set/unset wins. */
export function mergeOp<T extends string>(acc: DocOp<T>, next: DocOp<T>): DocOp<T> {
  if (next.inc) {
    acc.inc ??= {};
    for (const [k, v] of Object.entries(next.inc)) acc.inc[k] = (acc.inc[k] ?? 0) + v;
  }
  if (next.max) {
    acc.max ??= {};
    for (const [k, v] of Object.entries(next.max)) acc.max[k] = Math.max(acc.max[k] ?? -Infinity, v);
  }
  if (next.min) {
    acc.min ??= {};
    for (const [k, v] of Object.entries(next.min)) acc.min[k] = Math.min(acc.min[k] ?? Infinity, v);
  }
  if (next.set) {
    acc.set ??= {};
    for (const [k, v] of Object.entries(next.set)) {
      acc.set[k] = v;
      if (acc.unset) acc.unset = acc.unset.filter((u) => u !== k);
    }
  }
  if (next.unset) {
    for (const k of next.unset) {
      if (acc.set) delete acc.set[k];
      acc.unset ??= [];
      if (!acc.unset.includes(k)) acc.unset.push(k);
    }
  }
  if (next.setOnInsert) acc.setOnInsert = { ...acc.setOnInsert, ...next.setOnInsert };
  return acc;
}

/** The MongoDB update document for an op (zero increments dropped); null when nothing changes. */
export function toUpdate(op: DocOp): Record<string, Record<string, unknown>> | null {
  const update: Record<string, Record<string, unknown>> = {};
  const inc = Object.fromEntries(Object.entries(op.inc ?? {}).filter(([, v]) => v !== 0));
  if (Object.keys(inc).length) update.$inc = inc;
  if (op.max && Object.keys(op.max).length) update.$max = op.max;
  if (op.min && Object.keys(op.min).length) update.$min = op.min;
  if (op.set && Object.keys(op.set).length) update.$set = op.set;
  if (op.unset?.length) update.$unset = Object.fromEntries(op.unset.map((k) => [k, '']));
  if (!Object.keys(update).length) return null;
  if (op.setOnInsert) {
    // A path may not be both set and set-on-insert.
    const soi = Object.fromEntries(Object.entries(op.setOnInsert).filter(([k]) => !(op.set && k in op.set)));
    if (Object.keys(soi).length) update.$setOnInsert = soi;
  }
  return update;
}

function paths(op: DocOp): string[] {
  return [
    ...Object.keys(op.inc ?? {}),
    ...Object.keys(op.max ?? {}),
    ...Object.keys(op.min ?? {}),
    ...Object.keys(op.set ?? {}),
    ...(op.unset ?? []),
  ];
}

/** Whether two ops touch overlapping paths in a way one update cannot express ("m" and "m.x"). */
export function conflicting(a: DocOp, b: DocOp): boolean {
  const pa = paths(a);
  for (const q of paths(b)) {
    for (const p of pa) {
      if (p === q) {
        // The same path merges only under the same operator kind (inc + inc, max + max, set/unset).
        const kind = (o: DocOp, k: string) =>
          o.inc && k in o.inc ? 'inc' : o.max && k in o.max ? 'max' : o.min && k in o.min ? 'min' : 'set';
        if (kind(a, p) !== kind(b, q)) return true;
      } else if (p.startsWith(q + '.') || q.startsWith(p + '.')) return true;
    }
  }
  return false;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Slot<T extends string> {
  queue: Array<{ op: DocOp<T>; waiter: Waiter }>;
  running: boolean;
}

export class SerialWriter<T extends string> {
  private readonly slots = new Map<string, Slot<T>>();
  /** Update commands issued (for the bench and tests). */
  writes = 0;

  /** `collections`: the collection each op target writes to. */
  constructor(private readonly collections: Record<T, Collection<Document>>) {}

  /** Applies the operations (upserts); resolves when every one is durably written. */
  async apply(ops: readonly DocOp<T>[]): Promise<void> {
    await Promise.all(ops.map((op) => this.enqueue(op)));
  }

  /** Waits until nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.slots.size) await new Promise((r) => setTimeout(r, 2));
  }

  protected enqueue(op: DocOp<T>): Promise<void> {
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

  private async drain(key: string, slot: Slot<T>): Promise<void> {
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
