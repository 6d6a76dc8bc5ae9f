/**
 * How requests are kept. The embedded store applies updates as unlocked read-modify-writes; the
 * one atomic step is inserting a unique `_id`. So:
 * - every change of a request is decided by inserting `dataRequestEvents` `<id>#<seq>` holding the
 *   request as the change left it; the request document follows and every read rolls it forward
 *   to its last event (a change cut short, or an older state written back, never wins);
 * - requests are listed through slots (`dataRequestSlots`, `<list>#<n>`, claimed by insert), per
 *   citizen (`c:<personal ID>`) and per province (`p:<code>`), newest first; `<list>` alone holds a
 *   hint of the last slot (`$max`; the listing probes past it).
 */
import type { Collection } from 'mongodb';
import type { Store } from '../../store/connection';
import { KeyedMutex, isDuplicateKey, lastEventAfter, mapLimit, replaceOrInsert } from '../../store/concurrency';
import {
  DATA_REQUESTS_COLLECTION,
  DATA_REQUEST_EVENTS_COLLECTION,
  DATA_REQUEST_SLOTS_COLLECTION,
  type DataRequestDoc,
  type DataRequestEventDoc,
  type SlotDoc,
} from './model';
import { randomId } from '../../lib/ids';

/** A new request id: 12 random bytes, base64url (16 characters; never beginning with `-`: lib/ids.ts). */
export function newRequestId(): string {
  return randomId(12);
}

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

export const citizenList = (citizenId: string) => `c:${citizenId}`;
export const provinceList = (province: string | null) => `p:${province ?? '-'}`;

interface HintDoc {
  _id: string;
  n?: number;
}

export class RequestStore {
  private readonly requests: Collection<DataRequestDoc>;
  private readonly events: Collection<DataRequestEventDoc>;
  private readonly slots: Collection<SlotDoc>;
  private readonly hints: Collection<HintDoc>;
  private readonly mutex = new KeyedMutex();

  constructor(store: Store) {
    this.requests = store.hubDb.collection<DataRequestDoc>(DATA_REQUESTS_COLLECTION);
    this.events = store.hubDb.collection<DataRequestEventDoc>(DATA_REQUEST_EVENTS_COLLECTION);
    this.slots = store.hubDb.collection<SlotDoc>(DATA_REQUEST_SLOTS_COLLECTION);
    this.hints = store.hubDb.collection<HintDoc>(DATA_REQUEST_SLOTS_COLLECTION);
  }

  /** Files a new request (its first event decides it), and lists it for its citizen and province. */
  async create(doc: DataRequestDoc): Promise<void> {
    await this.events.insertOne({
      _id: `${doc._id}#${doc.seq}`,
      requestId: doc._id,
      seq: doc.seq,
      at: doc.receivedAt,
      state: doc,
    });
    await replaceOrInsert(this.requests, doc);
    await Promise.all([
      this.claim(citizenList(doc.citizenId), { requestId: doc._id, kind: doc.kind }),
      this.claim(provinceList(doc.area?.province ?? null), {
        requestId: doc._id,
        commune: doc.area?.commune ?? null,
        kind: doc.kind,
      }),
    ]);
  }

  /** The request as its last committed change left it, or null. */
  async get(id: string): Promise<DataRequestDoc | null> {
    if (!REQUEST_ID_PATTERN.test(id)) return null;
    const doc = await this.requests.findOne({ _id: id });
    const later = await lastEventAfter(this.events, id, doc?.seq ?? 0);
    if (!later) return doc;
    await replaceOrInsert(this.requests, later.state);
    return later.state;
  }

  /**
   * Applies a change: `decide` gets the current request and returns the next state (its `seq` one
   * more) or a refusal; the event's insert is the compare-and-set (retried on a concurrent change).
   * Within this process changes to one request are serialised.
   */
  async change<R>(
    id: string,
    decide: (current: DataRequestDoc) => { next: DataRequestDoc } | { refuse: R },
  ): Promise<{ next: DataRequestDoc } | { refuse: R } | { conflict: true } | null> {
    return this.mutex.run(id, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await this.get(id);
        if (!current) return null;
        const d = decide(current);
        if ('refuse' in d) return d;
        const next = d.next;
        try {
          await this.events.insertOne({
            _id: `${id}#${next.seq}`,
            requestId: id,
            seq: next.seq,
            at: next.updatedAt,
            state: next,
          });
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          continue;
        }
        await replaceOrInsert(this.requests, next);
        return { next };
      }
      return { conflict: true as const };
    });
  }

  private async claim(list: string, slot: Omit<SlotDoc, '_id'>): Promise<number> {
    let n = (await this.last(list)) + 1;
    for (;;) {
      try {
        await this.slots.insertOne({ _id: `${list}#${n}`, ...slot });
        break;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        n++;
      }
    }
    await this.hints.updateOne({ _id: list }, { $max: { n } }, { upsert: true }).catch(() => undefined);
    return n;
  }

  /** The last taken slot of a list (0: none), from the hint, probing past it. */
  private async last(list: string): Promise<number> {
    const hint = await this.hints.findOne({ _id: list });
    let n = hint?.n ?? 0;
    while (await this.slots.findOne({ _id: `${list}#${n + 1}` }, { projection: { _id: 1 } })) n++;
    return n;
  }

  /**
   * Walks a list newest first from slot `before - 1` (default: the newest), keeping the requests
   * `keep` accepts, until `first` are kept or the list ends. Returns them with the slot number of
   * the last one read (the next page starts below it) and whether more slots remain.
   */
  async page(
    list: string,
    opts: { first: number; before?: number; keepSlot?: (s: SlotDoc) => boolean; keep?: (r: DataRequestDoc) => boolean },
  ): Promise<{ requests: Array<{ slot: number; request: DataRequestDoc }>; hasMore: boolean }> {
    let next = opts.before !== undefined ? opts.before - 1 : await this.last(list);
    const out: Array<{ slot: number; request: DataRequestDoc }> = [];
    // One more than asked: whether another page follows.
    while (next > 0 && out.length <= opts.first) {
      const numbers = Array.from({ length: Math.min(next, opts.first + 1 - out.length + 4) }, (_, i) => next - i);
      next -= numbers.length;
      const slots = await mapLimit(numbers, 16, (n) => this.slots.findOne({ _id: `${list}#${n}` }));
      const wanted = numbers
        .map((n, i) => ({ n, s: slots[i] }))
        .filter((x): x is { n: number; s: SlotDoc } => x.s !== null && (!opts.keepSlot || opts.keepSlot(x.s)));
      const docs = await mapLimit(wanted, 16, (x) => this.get(x.s.requestId));
      wanted.forEach((x, i) => {
        const r = docs[i];
        if (r && (!opts.keep || opts.keep(r))) out.push({ slot: x.n, request: r });
      });
    }
    return { requests: out.slice(0, opts.first), hasMore: out.length > opts.first };
  }
}
