import { createPublicKey, randomBytes, scrypt, timingSafeEqual, type KeyObject, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { DOCUMENT_SCOPES, type DocumentScope } from './auth/principal';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';
import { TtlLoader } from '../../lib/ttl-cache';

/**
 * The client registry (`hub.clients`): systems that may obtain consent-scoped tokens
 * from the hub's token service (TTHC systems of the public-service portals, verifiers...).
 * `_id` = client id, so every lookup is an `_id` lookup.
 */
export const CLIENTS_COLLECTION = 'clients';
/**
 * The client's status changes in order (`_id` = `<client id>#<gen>`): inserting generation n+1
 * (a unique `_id`, the one compare-and-set the embedded store makes atomic, across hub instances)
 * decides a change; the client document follows (`status`, `gen`), but it is only a hint: every
 * read ({@link findClient}) rolls forward from it through the changes, so the latest generation
 * decides the status even when the document's update was cut short or overwritten by a
 * concurrent read-modify-write. A consent records the generation it was checked against and is
 * withdrawn when a suspension came after it (consents/grant.ts).
 */
export const CLIENT_CHANGES_COLLECTION = 'clientChanges';
/**
 * Secret rotations (`_id` = `<client id>#<n>`, n = 1, 2, ...), the latest deciding the secret:
 * a rotation never rewrites the client document (the store's updates rewrite the whole document,
 * so it would write back a status it read before a suspension).
 */
export const CLIENT_SECRETS_COLLECTION = 'clientSecrets';

interface ClientSecretDoc {
  _id: string;
  clientId: string;
  n: number;
  secretHash: string;
  at: Date;
}

function clientSecrets(store: Store) {
  return store.hubDb.collection<ClientSecretDoc>(CLIENT_SECRETS_COLLECTION);
}

export interface ClientChangeDoc {
  _id: string;
  clientId: string;
  gen: number;
  status: ClientStatus;
  at: Date;
}

function clientChanges(store: Store) {
  return store.hubDb.collection<ClientChangeDoc>(CLIENT_CHANGES_COLLECTION);
}

export const CLIENT_KINDS = ['TTHC_SYSTEM', 'VERIFIER', 'CITIZEN_APP', 'OTHER'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export type ClientStatus = 'ACTIVE' | 'SUSPENDED';

export interface ClientDoc {
  _id: string;
  name: string;
  kind: ClientKind;
  /** Document scopes the client may ever ask a citizen for. */
  scopes: DocumentScope[];
  /** Procedure codes the client may ever ask for. */
  purposes: string[];
  /**
   * The procedures' names (shown to citizens before they consent); optional. A list, not a map:
   * procedure codes hold dots, which stored field names may not.
   */
  purposeNames?: Array<{ code: string; name: string }>;
  /** `scrypt$N$r$p$salt$hash` (base64url salt and hash); absent for key-only clients. */
  secretHash?: string;
  /** SPKI PEM of the client's public key, for `private_key_jwt` (ES256 / RS256 / PS256). */
  publicKeyPem?: string;
  status: ClientStatus;
  /** The generation of the last status change written here (absent: none since registration). */
  gen?: number;
  createdAt: Date;
  updatedAt?: Date;
}

export function clientsCollection(store: Store) {
  return store.hubDb.collection<ClientDoc>(CLIENTS_COLLECTION);
}

// ---------------------------------------------------------------------------
// Secrets: scrypt with a per-client salt; parameters are stored with the hash so
// they can be raised later without invalidating existing secrets.

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
const MAX_SECRET_LENGTH = 512;

function scryptAsync(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((res, rej) => scrypt(secret, salt, keylen, opts, (err, key) => (err ? rej(err) : res(key))));
}

/** A fresh client secret: 32 random bytes, base64url. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Slow hash of a secret, self-describing: `scrypt$N$r$p$salt$hash`. */
export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT;
  const key = await scryptAsync(secret, salt, keylen, { N, r, p, maxmem: 256 * N * r });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return null;
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

/** A hash of a throw-away secret, so unknown clients cost as much time as known ones. */
let dummyHash: Promise<string> | undefined;

/**
 * True when `secret` is the client's secret. Constant-time comparison of the derived
 * keys; a client without a secret (key-only) never matches. Pass `null` as the
 * client to spend the same time as a real check (unknown client ids).
 */
export async function verifyClientSecret(
  client: Pick<ClientDoc, 'secretHash'> | null,
  secret: string,
): Promise<boolean> {
  if (typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return false;
  const encoded = client?.secretHash ?? (await (dummyHash ??= hashClientSecret(generateClientSecret())));
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  const derived = await scryptAsync(secret, salt, key.length, { N, r, p, maxmem: 256 * N * r });
  const equal = timingSafeEqual(derived, key);
  return equal && client?.secretHash !== undefined;
}

// ---------------------------------------------------------------------------
// Public keys for private_key_jwt.

/** Parses and checks a client public key: EC P-256, or RSA of at least 2048 bits. */
export function parseClientPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('EC client keys must be P-256 (ES256)');
  } else if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
      throw new Error('RSA client keys must have at least 2048 bits');
  } else {
    throw new Error(`unsupported client key type ${key.asymmetricKeyType}`);
  }
  return key;
}

// ---------------------------------------------------------------------------
// Registry.

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const registerClientInput = z.object({
  id: z
    .string()
    .regex(CLIENT_ID_PATTERN, 'client id: 1-128 of letters, digits, . _ : - (starting with a letter or digit)'),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(CLIENT_KINDS).default('TTHC_SYSTEM'),
  scopes: z.array(z.enum(DOCUMENT_SCOPES)).min(1),
  purposes: z
    .array(z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'purpose: a procedure code (1-64 of letters, digits, . _ : -)'))
    .min(1),
  /** Names of the purposes, by code (each code one of `purposes`). */
  purposeNames: z.record(z.string(), z.string().trim().min(1).max(200)).optional(),
  publicKeyPem: z.string().max(10_000).optional(),
  /** Issue a secret (client_secret_basic / _post). Default: yes unless a public key is given. */
  issueSecret: z.boolean().optional(),
  status: z.enum(['ACTIVE', 'SUSPENDED']).default('ACTIVE'),
});
export type RegisterClientInput = z.input<typeof registerClientInput>;

export class ClientExistsError extends Error {
  constructor(id: string) {
    super(`client ${id} already exists`);
    this.name = 'ClientExistsError';
  }
}

/**
 * Registers a client. Returns the secret in clear text exactly once (only its hash
 * is stored); `secret` is undefined for key-only clients.
 * Throws a ZodError on bad input and ClientExistsError when the id is taken.
 */
export async function registerClient(
  store: Store,
  input: RegisterClientInput,
  now: Date = new Date(),
): Promise<{ client: ClientDoc; secret: string | undefined }> {
  const v = registerClientInput.parse(input);
  const unknownNames = Object.keys(v.purposeNames ?? {}).filter((c) => !v.purposes.includes(c));
  if (unknownNames.length) throw new Error(`purpose names for unregistered purposes: ${unknownNames.join(', ')}`);
  if (v.publicKeyPem !== undefined) parseClientPublicKey(v.publicKeyPem);
  const issueSecret = v.issueSecret ?? v.publicKeyPem === undefined;
  if (!issueSecret && v.publicKeyPem === undefined) throw new Error('a client needs a secret or a public key');
  const secret = issueSecret ? generateClientSecret() : undefined;
  const client: ClientDoc = {
    _id: v.id,
    name: v.name,
    kind: v.kind,
    scopes: [...new Set(v.scopes)],
    purposes: [...new Set(v.purposes)],
    ...(v.purposeNames && Object.keys(v.purposeNames).length
      ? { purposeNames: Object.entries(v.purposeNames).map(([code, name]) => ({ code, name })) }
      : {}),
    ...(secret !== undefined ? { secretHash: await hashClientSecret(secret) } : {}),
    ...(v.publicKeyPem !== undefined ? { publicKeyPem: v.publicKeyPem } : {}),
    status: v.status,
    createdAt: now,
  };
  try {
    await clientsCollection(store).insertOne(client);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ClientExistsError(v.id);
    throw err;
  }
  return { client, secret };
}

/**
 * The client with this id, or null. Never matches a non-string id. Its status and generation are
 * those of its latest decided change, its secret that of its latest rotation, whatever the
 * client document shows.
 */
export async function findClient(store: Store, id: unknown): Promise<ClientDoc | null> {
  if (typeof id !== 'string' || !CLIENT_ID_PATTERN.test(id)) return null;
  const doc = await clientsCollection(store).findOne({ _id: id });
  if (!doc) return null;
  const [change, secret] = await Promise.all([latestChange(store, id, doc.gen ?? 0), latestSecret(store, id)]);
  return {
    ...doc,
    ...(change ? { status: change.status, gen: change.gen } : {}),
    ...(secret ? { secretHash: secret.secretHash } : {}),
  };
}

/** Most clients listed at once by {@link listConsentableClients}. */
export const CLIENT_LIST_MAX = 100;

/**
 * The ACTIVE clients a citizen may consent to (every kind but CITIZEN_APP), by id, `first` of them
 * after the id `after`: what a citizen sees before consenting (names, scopes, purposes; never
 * secrets or keys). Statuses are rolled forward like {@link findClient}'s.
 */
export async function listConsentableClients(
  store: Store,
  opts: { first?: number | null; after?: string | null } = {},
): Promise<Array<Pick<ClientDoc, '_id' | 'name' | 'kind' | 'scopes' | 'purposes' | 'purposeNames'>>> {
  const first = Math.min(Math.max(Math.trunc(opts.first ?? 50), 1), CLIENT_LIST_MAX);
  const out: Array<Pick<ClientDoc, '_id' | 'name' | 'kind' | 'scopes' | 'purposes' | 'purposeNames'>> = [];
  let after = typeof opts.after === 'string' ? opts.after : null;
  // Suspended clients and citizen apps are skipped, so a page may take more than one read.
  for (;;) {
    const docs = await clientsCollection(store)
      .find(after === null ? {} : { _id: { $gt: after } }, {
        projection: { _id: 1, name: 1, kind: 1, scopes: 1, purposes: 1, purposeNames: 1, status: 1, gen: 1 },
      })
      .sort({ _id: 1 })
      .limit(first)
      .toArray();
    const changes = await Promise.all(docs.map((d) => latestChange(store, d._id, d.gen ?? 0)));
    docs.forEach((d, i) => {
      const status = changes[i]?.status ?? d.status;
      if (status !== 'ACTIVE' || d.kind === 'CITIZEN_APP' || out.length >= first) return;
      const { _id, name, kind, scopes, purposes, purposeNames } = d;
      out.push({ _id, name, kind, scopes, purposes, ...(purposeNames ? { purposeNames } : {}) });
    });
    if (out.length >= first || docs.length < first) return out;
    after = docs[docs.length - 1]._id;
  }
}

/** The latest change after generation `gen`, or null when there is none. */
async function latestChange(store: Store, id: string, gen: number): Promise<ClientChangeDoc | null> {
  let latest: ClientChangeDoc | null = null;
  for (let g = gen + 1; ; g++) {
    const d = await clientChanges(store).findOne({ _id: `${id}#${g}` });
    if (!d) return latest;
    latest = d;
  }
}

/** The latest secret rotation, or null when the secret is the registration's. */
async function latestSecret(store: Store, id: string): Promise<ClientSecretDoc | null> {
  let latest: ClientSecretDoc | null = null;
  for (let n = 1; ; n++) {
    const d = await clientSecrets(store).findOne({ _id: `${id}#${n}` });
    if (!d) return latest;
    latest = d;
  }
}

/**
 * Suspends or re-activates a client. Returns false when it does not exist. Decided by inserting
 * the next generation of its changes; the client document follows (a change cut short, or
 * written out of order by two instances, is rolled forward by the next change).
 */
export async function setClientStatus(
  store: Store,
  id: string,
  status: ClientStatus,
  now: Date = new Date(),
): Promise<boolean> {
  const col = clientsCollection(store);
  for (let attempt = 0; attempt < 10; attempt++) {
    const client = await findClient(store, id);
    if (!client) return false;
    const gen = (client.gen ?? 0) + 1;
    try {
      await clientChanges(store).insertOne({ _id: `${id}#${gen}`, clientId: id, gen, status, at: now });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      await rollForward(store, id, client.gen ?? 0);
      continue;
    }
    await col.updateOne({ _id: id }, { $set: { status, gen, updatedAt: now } });
    await rollForward(store, id, gen);
    return true;
  }
  throw new Error(`client ${id}: status changed concurrently too often; retry`);
}

/** Writes the latest change after generation `gen` onto the client document, if any. */
async function rollForward(store: Store, id: string, gen: number): Promise<void> {
  const latest = await latestChange(store, id, gen);
  if (latest) {
    await clientsCollection(store).updateOne(
      { _id: id },
      { $set: { status: latest.status, gen: latest.gen, updatedAt: latest.at } },
    );
  }
}

/**
 * Whether the client was suspended after generation `gen` (a decided change, whether or not the
 * client document shows it yet).
 */
export async function suspendedSince(store: Store, id: string, gen: number): Promise<boolean> {
  for (let g = gen + 1; ; g++) {
    const d = await clientChanges(store).findOne({ _id: `${id}#${g}` });
    if (!d) return false;
    if (d.status === 'SUSPENDED') return true;
  }
}

/**
 * Replaces a client's secret; returns the new one (shown once), or null for an unknown client.
 * Inserts the next rotation (never writes the client document); of rotations racing each other
 * the last inserted decides.
 */
export async function rotateClientSecret(store: Store, id: string, now: Date = new Date()): Promise<string | null> {
  if (!(await clientsCollection(store).findOne({ _id: id }, { projection: { _id: 1 } }))) return null;
  const secret = generateClientSecret();
  const secretHash = await hashClientSecret(secret);
  let n = ((await latestSecret(store, id))?.n ?? 0) + 1;
  for (;;) {
    try {
      await clientSecrets(store).insertOne({ _id: `${id}#${n}`, clientId: id, n, secretHash, at: now });
      return secret;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      n++;
    }
  }
}

/**
 * A short-lived cache of client records for the request path (the disclosure policy
 * checks the client's registered scopes per request), read by {@link findClient} (so rolled
 * forward from the client's changes). Suspensions and registry changes are seen within `ttlMs`
 * (default 2 s).
 */
export class ClientCache extends TtlLoader<ClientDoc | null> {
  constructor(store: Store, opts: { ttlMs?: number; maxEntries?: number } = {}) {
    super((id) => findClient(store, id), { ttlMs: opts.ttlMs ?? 2_000, maxEntries: opts.maxEntries ?? 1_000 });
  }
}
