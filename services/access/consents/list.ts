/** A citizen's consents, newest first, paged (`myConsents`), and the count of the active ones. */
import type { Store } from '../../../store/connection';
import {
  CONSENT_PAGE_DEFAULT,
  CONSENT_PAGE_MAX,
  MAX_ACTIVE_CONSENTS_PER_CITIZEN,
  type Consent,
  type ConsentDoc,
  type SlotDoc,
} from '../model';
import { lastSlot, slotId } from './slots';
import { CONSENT_ID_PATTERN, consentStatus, view, withMarker, withUsage } from './status';
import { citizenIndex, consentsCollection, revocations, slots, usage } from './store';

/** An `after` that is not one of the citizen's consents. */
export class InvalidConsentCursorError extends Error {
  constructor() {
    super('invalid consent cursor');
    this.name = 'InvalidConsentCursorError';
  }
}

/**
 * The citizen's consents, newest first (by index slot; consents granted before the slots come
 * last, newest first), with derived statuses and use counts. `first` defaults to
 * {@link CONSENT_PAGE_DEFAULT} and is clamped to 1..{@link CONSENT_PAGE_MAX}; `after` is the id of
 * the last consent of the previous page (else InvalidConsentCursorError). `first: Infinity` reads
 * them all.
 */
export async function listConsents(
  store: Store,
  citizenId: string,
  now: Date = new Date(),
  opts: { first?: number | null; after?: string | null } = {},
): Promise<Consent[]> {
  const docs = await readConsents(store, citizenId, opts);
  const ids = docs.map((d) => d._id);
  const [markers, uses] = await Promise.all([
    Promise.all(ids.map((id) => revocations(store).findOne({ _id: id }))),
    Promise.all(ids.map((id) => usage(store).findOne({ _id: id }))),
  ]);
  return docs.map((d, i) => view(withUsage(withMarker(d, markers[i]), uses[i]), now));
}

/** The citizen's consents that are ACTIVE at `now` (revocation markers decide). */
export async function countActiveConsents(store: Store, citizenId: string, now: Date): Promise<number> {
  // Cheap while fewer consents were ever granted than the cap.
  const head = await citizenIndex(store).findOne({ _id: citizenId });
  if ((await lastSlot(store, citizenId, head)) + (head?.ids?.length ?? 0) < MAX_ACTIVE_CONSENTS_PER_CITIZEN) return 0;
  const docs = (await readConsents(store, citizenId, { first: Infinity })).filter(
    (d) => consentStatus(d, now) === 'ACTIVE',
  );
  const markers = await Promise.all(docs.map((d) => revocations(store).findOne({ _id: d._id })));
  return markers.filter((m) => !m).length;
}

/** One page of the citizen's consent artefacts (stored statuses), newest first. */
async function readConsents(
  store: Store,
  citizenId: string,
  opts: { first?: number | null; after?: string | null },
): Promise<ConsentDoc[]> {
  const first =
    opts.first === Infinity
      ? Infinity
      : Math.min(Math.max(Math.trunc(opts.first ?? CONSENT_PAGE_DEFAULT), 1), CONSENT_PAGE_MAX);
  const head = await citizenIndex(store).findOne({ _id: citizenId });
  const legacy = [...(head?.ids ?? [])].reverse(); // newest first
  let next = await lastSlot(store, citizenId, head); // the next slot to read, downwards
  let legacyAt = 0; // the next legacy id to read
  if (opts.after) {
    const cursor = CONSENT_ID_PATTERN.test(opts.after)
      ? await consentsCollection(store).findOne({ _id: opts.after })
      : null;
    if (!cursor || cursor.citizenId !== citizenId) throw new InvalidConsentCursorError();
    if (cursor.slot !== undefined) next = Math.min(next, cursor.slot - 1);
    else {
      const at = legacy.indexOf(cursor._id);
      if (at < 0) throw new InvalidConsentCursorError();
      next = 0;
      legacyAt = at + 1;
    }
  }
  const col = consentsCollection(store);
  const read = async (ids: string[]) =>
    store.lookupStrategy === 'in'
      ? await col.find({ _id: { $in: ids } }).toArray()
      : (await Promise.all(ids.map((id) => col.findOne({ _id: id })))).filter((d): d is ConsentDoc => d !== null);
  const out: ConsentDoc[] = [];
  const own = (d: ConsentDoc | undefined): d is ConsentDoc => d !== undefined && d.citizenId === citizenId;
  while (out.length < first && next > 0) {
    // A few more slots than needed: some may dangle (a grant cut short or withdrawn).
    const want = Math.min(next, Math.min(first - out.length, CONSENT_PAGE_MAX) + 4);
    const numbers = Array.from({ length: want }, (_, i) => next - i);
    next -= want;
    const taken = await Promise.all(numbers.map((n) => slots(store).findOne({ _id: slotId(citizenId, n) })));
    const ids = taken.filter((t): t is SlotDoc => t !== null).map((t) => t.consentId);
    const byId = new Map((await read(ids)).map((d) => [d._id, d]));
    for (const id of ids) {
      const d = byId.get(id);
      if (own(d) && out.length < first) out.push(d);
    }
  }
  while (out.length < first && legacyAt < legacy.length) {
    const ids = legacy.slice(legacyAt, legacyAt + Math.min(first - out.length, CONSENT_PAGE_MAX) + 4);
    legacyAt += ids.length;
    const byId = new Map((await read(ids)).map((d) => [d._id, d]));
    for (const id of ids) {
      const d = byId.get(id);
      if (own(d) && d.slot === undefined && out.length < first) out.push(d);
    }
  }
  return out;
}
