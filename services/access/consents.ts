import { randomBytes } from 'node:crypto';
import { DOCUMENT_SCOPES, type DocumentScope } from './auth/principal';
import { findClient, suspendedSince } from './clients';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';

/**
 * Consent artefacts (`hub.consents`, `_id` = consent id): a citizen lets one client
 * read some of their documents for one procedure (purpose) and one dossier, until a
 * date.
 *
 * The embedded store applies every update as a read-modify-write of the whole document without
 * a lock; the one atomic step is inserting a unique `_id`. So:
 * - a citizen's consents are listed through one index document per consent
 *   (`hub.consentSlots`, `_id` = `<personal ID>#<n>`, n = 1, 2, ...), each claimed by inserting
 *   it: concurrent grants take different slots and none is lost. `hub.consentsByCitizen`
 *   (`_id` = personal ID) holds `n`, a hint of the last slot (the listing probes past it), and
 *   the ids of consents granted before the slots (`ids`, read only);
 * - a revocation is decided by inserting a marker into `hub.consentRevocations` (`_id` =
 *   consent id), and that marker is authoritative wherever a status is read ({@link findConsent}):
 *   the artefact's `status` is a copy written after it, which a concurrent write could undo;
 * - uses are counted in `hub.consentUsage` (`_id` = consent id), never in the artefact, so no
 *   background write touches the consent document.
 *
 * Revocation only flips the artefact's status: nothing that was recorded under the
 * consent before (audit records, use count) is changed or removed.
 */
export const CONSENTS_COLLECTION = 'consents';
export const CONSENTS_BY_CITIZEN_COLLECTION = 'consentsByCitizen';
/** One index document per consent (`_id` = `<citizen>#<n>`): its insert claims the slot. */
export const CONSENT_SLOTS_COLLECTION = 'consentSlots';
/** One marker per revoked consent (`_id` = consent id): its insert decides the revocation. */
export const CONSENT_REVOCATIONS_COLLECTION = 'consentRevocations';
/** Use counts (`_id` = consent id), kept out of the consent document. */
export const CONSENT_USAGE_COLLECTION = 'consentUsage';

/** The most ACTIVE consents a citizen may hold (a grant past it: TOO_MANY_CONSENTS). */
export const MAX_ACTIVE_CONSENTS_PER_CITIZEN = 200;
/** `myConsents` page size: default and maximum. */
export const CONSENT_PAGE_DEFAULT = 50;
export const CONSENT_PAGE_MAX = 100;

/** The longest a consent may run. */
export const MAX_CONSENT_VALIDITY_MS = 365 * 24 * 3600 * 1000;

export type StoredConsentStatus = 'ACTIVE' | 'REVOKED';
export type ConsentStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export interface ConsentDoc {
  _id: string;
  citizenId: string;
  clientId: string;
  scopes: DocumentScope[];
  /** Procedure code. */
  purpose: string;
  /** The dossier (hồ sơ) of the procedure the consent is for. */
  dossierRef: string;
  createdAt: Date;
  validFrom: Date;
  validUntil: Date;
  /** Stored status; EXPIRED is derived (see `consentStatus`). */
  status: StoredConsentStatus;
  revokedAt?: Date;
  /** Uses counted in the artefact before `hub.consentUsage` (never written now). */
  useCount: number;
  lastUsedAt?: Date;
  /** The citizen's index slot (`hub.consentSlots`); absent on consents granted before slots. */
  slot?: number;
  /** The client's registration generation the grant was checked against (clients.ts `gen`). */
  clientGen?: number;
  /** Set once the grant found no suspension after `clientGen` (see {@link grantConsent}). */
  clientChecked?: boolean;
}

/** A consent as shown to its citizen: the status is the derived one. */
export type Consent = Omit<ConsentDoc, 'status'> & { status: ConsentStatus };

export interface ConsentUserError {
  code:
    | 'CLIENT_UNKNOWN'
    | 'CLIENT_SUSPENDED'
    | 'SCOPE_NOT_REGISTERED'
    | 'PURPOSE_NOT_REGISTERED'
    | 'INVALID_VALIDITY'
    | 'INVALID_INPUT'
    | 'NOT_FOUND'
    | 'ALREADY_REVOKED'
    | 'TOO_MANY_CONSENTS';
  message: string;
  field: string | null;
}

export interface GrantConsentInput {
  clientId: string;
  scopes: DocumentScope[];
  purpose: string;
  dossierRef: string;
  validUntil: Date;
  /** Default: now. */
  validFrom?: Date;
}

export type ConsentResult =
  { consent: Consent; userErrors?: undefined } | { consent?: undefined; userErrors: ConsentUserError[] };

interface CitizenIndexDoc {
  _id: string;
  /** Consents granted before the slots, oldest first (read only). */
  ids?: string[];
  /** Hint: a slot that is taken (every slot up to it is). */
  n?: number;
}

interface SlotDoc {
  _id: string;
  citizenId: string;
  consentId: string;
}

interface UsageDoc {
  _id: string;
  useCount: number;
  lastUsedAt?: Date;
}

export function consentsCollection(store: Store) {
  return store.hubDb.collection<ConsentDoc>(CONSENTS_COLLECTION);
}

function revocations(store: Store) {
  return store.hubDb.collection<{ _id: string; citizenId: string; at: Date }>(CONSENT_REVOCATIONS_COLLECTION);
}

function citizenIndex(store: Store) {
  return store.hubDb.collection<CitizenIndexDoc>(CONSENTS_BY_CITIZEN_COLLECTION);
}

function slots(store: Store) {
  return store.hubDb.collection<SlotDoc>(CONSENT_SLOTS_COLLECTION);
}

function usage(store: Store) {
  return store.hubDb.collection<UsageDoc>(CONSENT_USAGE_COLLECTION);
}

const slotId = (citizenId: string, n: number) => `${citizenId}#${n}`;

/** The citizen's last taken slot (0: none): from the hint, probing past it. */
async function lastSlot(store: Store, citizenId: string, head?: CitizenIndexDoc | null): Promise<number> {
  const index = head === undefined ? await citizenIndex(store).findOne({ _id: citizenId }) : head;
  let n = index?.n ?? 0;
  while (await slots(store).findOne({ _id: slotId(citizenId, n + 1) }, { projection: { _id: 1 } })) n++;
  return n;
}

/**
 * Claims the citizen's next slot for the consent: the insert of a unique `_id` is the claim, so
 * concurrent grants take different slots. Every slot below a taken one is taken.
 */
async function claimSlot(store: Store, citizenId: string, consentId: string): Promise<number> {
  let n = (await lastSlot(store, citizenId)) + 1;
  for (;;) {
    try {
      await slots(store).insertOne({ _id: slotId(citizenId, n), citizenId, consentId });
      break;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      n++;
    }
  }
  // Only a hint (a lost or stale write makes the next listing probe a little further).
  await citizenIndex(store)
    .updateOne({ _id: citizenId }, { $max: { n } }, { upsert: true })
    .catch(async (e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
      await citizenIndex(store).updateOne({ _id: citizenId }, { $max: { n } });
    });
  return n;
}

/** A new consent id: 16 random bytes, base64url (22 characters). */
export function newConsentId(): string {
  return randomBytes(16).toString('base64url');
}

const CONSENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The consent's status at `now`: REVOKED wins; EXPIRED once `validUntil` has passed. */
export function consentStatus(
  consent: Pick<ConsentDoc, 'status' | 'validUntil'>,
  now: Date = new Date(),
): ConsentStatus {
  if (consent.status === 'REVOKED') return 'REVOKED';
  if (consent.validUntil.getTime() <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}

/** True when a token may be issued or used under the consent at `now` (ACTIVE and started). */
export function consentUsable(
  consent: Pick<ConsentDoc, 'status' | 'validUntil' | 'validFrom'>,
  now: Date = new Date(),
): boolean {
  return consentStatus(consent, now) === 'ACTIVE' && consent.validFrom.getTime() <= now.getTime();
}

function view(doc: ConsentDoc, now: Date): Consent {
  return { ...doc, status: consentStatus(doc, now) };
}

function err(code: ConsentUserError['code'], message: string, field: string | null): ConsentUserError {
  return { code, message, field };
}

/**
 * Records a citizen's consent. Refuses (userErrors) a client that is unknown or
 * suspended, a scope or purpose the client is not registered for, and a validity
 * that is not in the future or runs more than a year.
 */
export async function grantConsent(
  store: Store,
  citizenId: string,
  input: GrantConsentInput,
  now: Date = new Date(),
): Promise<ConsentResult> {
  const errors: ConsentUserError[] = [];
  const client = await findClient(store, input.clientId);
  if (!client) return { userErrors: [err('CLIENT_UNKNOWN', 'No client is registered with this id', 'clientId')] };
  if (client.status !== 'ACTIVE')
    return { userErrors: [err('CLIENT_SUSPENDED', 'The client is suspended', 'clientId')] };

  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) errors.push(err('INVALID_INPUT', 'At least one scope is needed', 'scopes'));
  for (const s of scopes) {
    if (!(DOCUMENT_SCOPES as readonly string[]).includes(s))
      errors.push(err('INVALID_INPUT', `Unknown scope ${String(s)}`, 'scopes'));
    else if (!client.scopes.includes(s))
      errors.push(err('SCOPE_NOT_REGISTERED', `The client is not registered for scope ${s}`, 'scopes'));
  }
  if (typeof input.purpose !== 'string' || !client.purposes.includes(input.purpose)) {
    errors.push(err('PURPOSE_NOT_REGISTERED', 'The client is not registered for this purpose', 'purpose'));
  }
  if (typeof input.dossierRef !== 'string' || input.dossierRef.trim().length === 0 || input.dossierRef.length > 128) {
    errors.push(err('INVALID_INPUT', 'The dossier reference must have 1 to 128 characters', 'dossierRef'));
  }
  const validFrom = input.validFrom ?? now;
  const until = input.validUntil;
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) {
    errors.push(err('INVALID_VALIDITY', 'validUntil must be a date', 'validUntil'));
  } else if (until.getTime() <= now.getTime()) {
    errors.push(err('INVALID_VALIDITY', 'validUntil must be in the future', 'validUntil'));
  } else if (until.getTime() > now.getTime() + MAX_CONSENT_VALIDITY_MS) {
    errors.push(err('INVALID_VALIDITY', 'A consent may run at most one year', 'validUntil'));
  } else if (
    !(validFrom instanceof Date) ||
    Number.isNaN(validFrom.getTime()) ||
    validFrom.getTime() >= until.getTime()
  ) {
    errors.push(err('INVALID_VALIDITY', 'validFrom must be before validUntil', 'validFrom'));
  }
  if (errors.length > 0) return { userErrors: errors };
  // Checked before the slot is claimed: grants racing each other may pass it together.
  if ((await countActiveConsents(store, citizenId, now)) >= MAX_ACTIVE_CONSENTS_PER_CITIZEN) {
    return {
      userErrors: [
        err(
          'TOO_MANY_CONSENTS',
          `At most ${MAX_ACTIVE_CONSENTS_PER_CITIZEN} consents may be active at once: revoke one first`,
          null,
        ),
      ],
    };
  }

  const id = newConsentId();
  // No transactions: the citizen's index slot first, then the artefact. A failure in between
  // leaves a dangling slot (skipped when listing), never a consent the citizen cannot see or revoke.
  const slot = await claimSlot(store, citizenId, id);
  const doc: ConsentDoc = {
    _id: id,
    citizenId,
    clientId: client._id,
    scopes,
    purpose: input.purpose,
    dossierRef: input.dossierRef.trim(),
    createdAt: now,
    validFrom,
    validUntil: until,
    status: 'ACTIVE',
    useCount: 0,
    slot,
    clientGen: client.gen ?? 0,
  };
  await consentsCollection(store).insertOne(doc);
  // The client was checked before the insert: a suspension decided since (its change inserted,
  // on any instance) withdraws the consent, so no consent stands on a check the suspension
  // replaced. One decided after this read comes after the consent, like any earlier consent's.
  if (await suspendedSince(store, client._id, doc.clientGen!)) {
    await consentsCollection(store).deleteOne({ _id: doc._id });
    return { userErrors: [err('CLIENT_SUSPENDED', 'The client is suspended', 'clientId')] };
  }
  await consentsCollection(store).updateOne({ _id: doc._id }, { $set: { clientChecked: true } });
  return { consent: view({ ...doc, clientChecked: true }, now) };
}

/**
 * The consent with this id (any citizen's), or null. Its status is REVOKED when its revocation
 * marker exists, whatever the artefact shows (a write racing the revocation cannot undo it).
 */
export async function findConsent(store: Store, consentId: unknown): Promise<ConsentDoc | null> {
  if (typeof consentId !== 'string' || !CONSENT_ID_PATTERN.test(consentId)) return null;
  const [doc, marker] = await Promise.all([
    consentsCollection(store).findOne({ _id: consentId }),
    revocations(store).findOne({ _id: consentId }),
  ]);
  return doc && withMarker(doc, marker);
}

function withMarker(doc: ConsentDoc, marker: { at: Date } | null): ConsentDoc {
  if (!marker) return doc;
  return { ...doc, status: 'REVOKED', revokedAt: marker.at };
}

/** The uses recorded under a consent: those of `hub.consentUsage` plus any the artefact counted. */
function withUsage(doc: ConsentDoc, use: UsageDoc | null): ConsentDoc {
  if (!use) return doc;
  const last = [doc.lastUsedAt, use.lastUsedAt].filter((d): d is Date => d instanceof Date);
  return {
    ...doc,
    useCount: (doc.useCount ?? 0) + (use.useCount ?? 0),
    ...(last.length ? { lastUsedAt: new Date(Math.max(...last.map((d) => d.getTime()))) } : {}),
  };
}

/** How often the consent was used, and when last. */
export async function consentUse(store: Store, consentId: string): Promise<{ useCount: number; lastUsedAt?: Date }> {
  const [doc, use] = await Promise.all([
    consentsCollection(store).findOne({ _id: consentId }),
    usage(store).findOne({ _id: consentId }),
  ]);
  const d = withUsage(doc ?? ({ useCount: 0 } as ConsentDoc), use);
  return { useCount: d.useCount ?? 0, ...(d.lastUsedAt ? { lastUsedAt: d.lastUsedAt } : {}) };
}

/**
 * Revokes one of the citizen's own consents. Another citizen's consent is NOT_FOUND
 * (its existence is not revealed). Pass the request path's cache to make the
 * revocation immediate in this process (other processes see it within their TTL).
 */
export async function revokeConsent(
  store: Store,
  citizenId: string,
  consentId: string,
  now: Date = new Date(),
  opts: { cache?: ConsentStatusCache } = {},
): Promise<ConsentResult> {
  const doc = await findConsent(store, consentId);
  if (!doc || doc.citizenId !== citizenId) return { userErrors: [err('NOT_FOUND', 'No such consent', 'id')] };
  const already = { userErrors: [err('ALREADY_REVOKED', 'The consent is already revoked', 'id')] };
  if (doc.status === 'REVOKED') {
    // Decided already (the marker); the artefact's copy of the status is completed if it lags.
    await markRevoked(store, doc._id, doc.revokedAt ?? now);
    return already;
  }
  // The revocation is decided by inserting its marker (a unique `_id`: the one compare-and-set
  // the embedded store makes atomic), so concurrent revocations, on any hub instance, succeed once.
  try {
    await revocations(store).insertOne({ _id: doc._id, citizenId, at: now });
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    // Revoked meanwhile; a revocation cut short before the status write is completed here.
    const marker = await revocations(store).findOne({ _id: doc._id });
    await markRevoked(store, doc._id, marker?.at ?? now);
    opts.cache?.invalidate(doc._id);
    return already;
  }
  await markRevoked(store, doc._id, now);
  opts.cache?.invalidate(doc._id);
  const use = await usage(store).findOne({ _id: doc._id });
  return { consent: view(withUsage({ ...doc, status: 'REVOKED', revokedAt: now }, use), now) };
}

async function markRevoked(store: Store, id: string, at: Date): Promise<void> {
  await consentsCollection(store).updateOne(
    { _id: id, status: 'ACTIVE' },
    { $set: { status: 'REVOKED', revokedAt: at } },
  );
}

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
async function countActiveConsents(store: Store, citizenId: string, now: Date): Promise<number> {
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

/** What the request path needs to know about a consent. */
export interface ConsentSnapshot {
  id: string;
  citizenId: string;
  clientId: string;
  scopes: DocumentScope[];
  purpose: string;
  dossierRef: string;
  status: StoredConsentStatus;
  validFrom: Date;
  validUntil: Date;
}

/**
 * The request path's view of consent statuses: a token's consent must still be
 * ACTIVE when the token is used, so a revocation takes effect on tokens already
 * issued within `ttlMs` (default 2 s) in every process, and at once in the process
 * that revoked (`invalidate`). Concurrent lookups of one id share a single read;
 * read errors are not cached (and propagate: callers must fail closed).
 */
export class ConsentStatusCache {
  private readonly entries = new Map<string, { at: number; value: Promise<ConsentSnapshot | null> }>();
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    opts: { ttlMs?: number; maxEntries?: number; clock?: () => number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 2_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.clock = opts.clock ?? Date.now;
  }

  /** The consent (at most `ttlMs` old), or null when it does not exist. */
  get(consentId: string): Promise<ConsentSnapshot | null> {
    const t = this.clock();
    const hit = this.entries.get(consentId);
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    const value = findConsent(this.store, consentId).then((d) =>
      d
        ? {
            id: d._id,
            citizenId: d.citizenId,
            clientId: d.clientId,
            scopes: d.scopes,
            purpose: d.purpose,
            dossierRef: d.dossierRef,
            status: d.status,
            validFrom: d.validFrom,
            validUntil: d.validUntil,
          }
        : null,
    );
    this.entries.delete(consentId);
    this.entries.set(consentId, { at: t, value });
    value.catch(() => {
      if (this.entries.get(consentId)?.value === value) this.entries.delete(consentId);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /** The consent's status at `now`, or NOT_FOUND. */
  async status(consentId: string, now: Date = new Date(this.clock())): Promise<ConsentStatus | 'NOT_FOUND'> {
    const c = await this.get(consentId);
    return c ? consentStatus(c, now) : 'NOT_FOUND';
  }

  /**
   * True when a CLIENT token's consent may serve a request now: it exists, is ACTIVE
   * and started, and belongs to the token's client and citizen.
   */
  async isActiveFor(
    consentId: string,
    expect: { clientId: string; citizenId: string },
    now: Date = new Date(this.clock()),
  ): Promise<boolean> {
    const c = await this.get(consentId);
    return c !== null && c.clientId === expect.clientId && c.citizenId === expect.citizenId && consentUsable(c, now);
  }

  invalidate(consentId?: string): void {
    if (consentId === undefined) this.entries.clear();
    else this.entries.delete(consentId);
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
