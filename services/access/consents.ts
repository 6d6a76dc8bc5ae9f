import { randomBytes } from 'node:crypto';
import { DOCUMENT_SCOPES, type DocumentScope } from './auth/principal';
import { findClient, suspendedSince } from './clients';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';

/**
 * Consent artefacts (`hub.consents`, `_id` = consent id): a citizen lets one client
 * read some of their documents for one procedure (purpose) and one dossier, until a
 * date. `hub.consentsByCitizen` (`_id` = personal ID, `ids`) lists a citizen's
 * consents so that `myConsents` is two `_id` lookups, never a scan.
 *
 * Revocation only flips the artefact's status: nothing that was recorded under the
 * consent before (audit records, use count) is changed or removed. It is decided by
 * inserting a marker into `hub.consentRevocations` (`_id` = consent id), so a consent is
 * revoked once even when revocations race on several hub instances.
 */
export const CONSENTS_COLLECTION = 'consents';
export const CONSENTS_BY_CITIZEN_COLLECTION = 'consentsByCitizen';
/** One marker per revoked consent (`_id` = consent id): its insert decides the revocation. */
export const CONSENT_REVOCATIONS_COLLECTION = 'consentRevocations';

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
  useCount: number;
  lastUsedAt?: Date;
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
    | 'ALREADY_REVOKED';
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
  ids: string[];
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

  const doc: ConsentDoc = {
    _id: newConsentId(),
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
    clientGen: client.gen ?? 0,
  };
  // No transactions: the citizen's index first, then the artefact. A failure in
  // between leaves a dangling id (skipped when listing), never a consent the citizen
  // cannot see or revoke.
  await citizenIndex(store).updateOne({ _id: citizenId }, { $addToSet: { ids: doc._id } }, { upsert: true });
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

/** The consent with this id (any citizen's), or null. */
export async function findConsent(store: Store, consentId: unknown): Promise<ConsentDoc | null> {
  if (typeof consentId !== 'string' || !CONSENT_ID_PATTERN.test(consentId)) return null;
  return consentsCollection(store).findOne({ _id: consentId });
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
  if (doc.status === 'REVOKED') return already;
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
  return { consent: view({ ...doc, status: 'REVOKED', revokedAt: now }, now) };
}

async function markRevoked(store: Store, id: string, at: Date): Promise<void> {
  await consentsCollection(store).updateOne(
    { _id: id, status: 'ACTIVE' },
    { $set: { status: 'REVOKED', revokedAt: at } },
  );
}

/** The citizen's consents, newest first, with derived statuses. */
export async function listConsents(store: Store, citizenId: string, now: Date = new Date()): Promise<Consent[]> {
  const index = await citizenIndex(store).findOne({ _id: citizenId });
  const ids = index?.ids ?? [];
  if (ids.length === 0) return [];
  const col = consentsCollection(store);
  const docs =
    store.lookupStrategy === 'in'
      ? await col.find({ _id: { $in: ids } }).toArray()
      : await Promise.all(ids.map((id) => col.findOne({ _id: id })));
  return docs
    .filter((d): d is ConsentDoc => d !== null && d.citizenId === citizenId)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? -1 : 1))
    .map((d) => view(d, now));
}

/** Counts one use of the consent (a token issued or a request served under it). */
export async function recordConsentUse(store: Store, consentId: string, now: Date = new Date()): Promise<void> {
  await consentsCollection(store).updateOne({ _id: consentId }, { $inc: { useCount: 1 }, $set: { lastUsedAt: now } });
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
      const col = consentsCollection(this.store);
      await Promise.all(
        [...batch].map(([id, { count, last }]) =>
          col.updateOne({ _id: id }, { $inc: { useCount: count }, $max: { lastUsedAt: last } }).catch(this.onError),
        ),
      );
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
