import { Store } from '../../../store/connection';
import {
  ClientCache,
  ClientExistsError,
  findClient,
  registerClient,
  setClientStatus,
  verifyClientSecret,
} from '../../../services/access/clients';
import { ConsentStatusCache } from '../../../services/access/consents/cache';
import { grantConsent } from '../../../services/access/consents/grant';
import { listConsents } from '../../../services/access/consents/list';
import { revokeConsent } from '../../../services/access/consents/revoke';
import { consentStatus, consentUse, findConsent } from '../../../services/access/consents/status';
import { ConsentUseRecorder, recordConsentUse } from '../../../services/access/consents/use';
import type { Consent } from '../../../services/access/model';

const PREFIX = 'consents_';
const CITIZEN_A = '001095000001';
const CITIZEN_B = '079088000002';
const DAY = 24 * 3600 * 1000;

let store: Store;
let now: Date;

beforeAll(async () => {
  store = await Store.connect({ uri: process.env.MONGODB_URI!, dbPrefix: PREFIX, maxPoolSize: 8 });
  await store.hubDb.dropDatabase();
  now = new Date();
  await registerClient(store, {
    id: 'dvc-hanoi',
    name: 'Cổng DVC Hà Nội',
    kind: 'TTHC_SYSTEM',
    scopes: ['IDENTITY', 'RESIDENCE'],
    purposes: ['1.001234', '2.000123'],
  });
  await registerClient(store, {
    id: 'suspended',
    name: 'Suspended',
    scopes: ['IDENTITY'],
    purposes: ['1.001234'],
    status: 'SUSPENDED',
  });
});

afterAll(async () => {
  await store.hubDb.dropDatabase();
  await store.close();
});

function grantA(overrides: Partial<Parameters<typeof grantConsent>[2]> = {}, citizen = CITIZEN_A) {
  return grantConsent(
    store,
    citizen,
    {
      clientId: 'dvc-hanoi',
      scopes: ['IDENTITY'],
      purpose: '1.001234',
      dossierRef: 'HS-2025-0001',
      validUntil: new Date(now.getTime() + 30 * DAY),
      ...overrides,
    },
    now,
  );
}

describe('client registry', () => {
  it('stores only a salted scrypt hash and verifies the secret once returned', async () => {
    const { client, secret } = await registerClient(store, {
      id: 'verifier-1',
      name: 'Verifier',
      kind: 'VERIFIER',
      scopes: ['IDENTITY'],
      purposes: ['9.9'],
    });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await findClient(store, 'verifier-1');
    expect(stored).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(secret!);
    expect(stored!.secretHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(client).toMatchObject({
      _id: 'verifier-1',
      kind: 'VERIFIER',
      status: 'ACTIVE',
      scopes: ['IDENTITY'],
      purposes: ['9.9'],
    });
    expect(await verifyClientSecret(stored, secret!)).toBe(true);
    expect(await verifyClientSecret(stored, secret!.slice(0, -1) + (secret!.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(await verifyClientSecret(stored, '')).toBe(false);
    expect(await verifyClientSecret(null, secret!)).toBe(false);
  });

  it('salts per client (same secret, different hashes) and refuses duplicate ids and bad input', async () => {
    const a = await findClient(store, 'dvc-hanoi');
    const b = await findClient(store, 'verifier-1');
    expect(a!.secretHash!.split('$')[4]).not.toBe(b!.secretHash!.split('$')[4]);
    await expect(
      registerClient(store, { id: 'dvc-hanoi', name: 'again', scopes: ['IDENTITY'], purposes: ['x'] }),
    ).rejects.toBeInstanceOf(ClientExistsError);
    await expect(
      registerClient(store, { id: 'bad id', name: 'x', scopes: ['IDENTITY'], purposes: ['x'] }),
    ).rejects.toThrow();
    await expect(
      registerClient(store, { id: 'ok', name: 'x', scopes: ['NOPE' as never], purposes: ['x'] }),
    ).rejects.toThrow();
    expect(await findClient(store, { $gt: '' })).toBeNull();
  });

  it('ClientCache serves from memory within its TTL', async () => {
    const cache = new ClientCache(store, { ttlMs: 60_000 });
    expect((await cache.get('verifier-1'))?.status).toBe('ACTIVE');
    await setClientStatus(store, 'verifier-1', 'SUSPENDED');
    expect((await cache.get('verifier-1'))?.status).toBe('ACTIVE');
    cache.invalidate('verifier-1');
    expect((await cache.get('verifier-1'))?.status).toBe('SUSPENDED');
  });
});

describe('grantConsent', () => {
  it('records an ACTIVE consent with a url-safe random id', async () => {
    const r = await grantA({ scopes: ['IDENTITY', 'RESIDENCE', 'IDENTITY'] });
    expect(r.userErrors).toBeUndefined();
    const c = r.consent!;
    expect(c._id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c).toMatchObject({
      citizenId: CITIZEN_A,
      clientId: 'dvc-hanoi',
      scopes: ['IDENTITY', 'RESIDENCE'],
      purpose: '1.001234',
      dossierRef: 'HS-2025-0001',
      status: 'ACTIVE',
      useCount: 0,
    });
    expect(c.validFrom).toEqual(now);
    const stored = await findConsent(store, c._id);
    expect(stored).toMatchObject({ _id: c._id, status: 'ACTIVE', citizenId: CITIZEN_A });
  });

  it('refuses a scope the client is not registered for', async () => {
    const r = await grantA({ scopes: ['IDENTITY', 'HEALTH_RECORD'] });
    expect(r.consent).toBeUndefined();
    expect(r.userErrors).toEqual([expect.objectContaining({ code: 'SCOPE_NOT_REGISTERED', field: 'scopes' })]);
  });

  it('refuses a purpose the client is not registered for', async () => {
    const r = await grantA({ purpose: '3.999999' });
    expect(r.userErrors).toEqual([expect.objectContaining({ code: 'PURPOSE_NOT_REGISTERED', field: 'purpose' })]);
  });

  it('refuses an unknown or suspended client', async () => {
    expect((await grantA({ clientId: 'nobody' })).userErrors).toEqual([
      expect.objectContaining({ code: 'CLIENT_UNKNOWN', field: 'clientId' }),
    ]);
    expect((await grantA({ clientId: 'suspended' })).userErrors).toEqual([
      expect.objectContaining({ code: 'CLIENT_SUSPENDED' }),
    ]);
  });

  it('refuses a validity that is past, now, or more than a year ahead', async () => {
    for (const until of [new Date(now.getTime() - 1000), now, new Date(now.getTime() + 366 * DAY)]) {
      const r = await grantA({ validUntil: until });
      expect(r.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALIDITY', field: 'validUntil' })]);
    }
    expect((await grantA({ validUntil: new Date(now.getTime() + 365 * DAY) })).consent?.status).toBe('ACTIVE');
  });

  it('reports every problem at once', async () => {
    const r = await grantA({ scopes: ['FAMILY'], purpose: 'x', validUntil: now });
    expect(r.userErrors!.map((e) => e.code).sort()).toEqual([
      'INVALID_VALIDITY',
      'PURPOSE_NOT_REGISTERED',
      'SCOPE_NOT_REGISTERED',
    ]);
  });
});

describe('revokeConsent / listConsents', () => {
  let own: Consent;
  let other: Consent;
  beforeAll(async () => {
    own = (await grantA({ dossierRef: 'HS-REVOKE' })).consent!;
    other = (await grantA({ dossierRef: 'HS-B' }, CITIZEN_B)).consent!;
  });

  it("refuses another citizen's consent as NOT_FOUND and leaves it untouched", async () => {
    const r = await revokeConsent(store, CITIZEN_A, other._id, now);
    expect(r.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect((await findConsent(store, other._id))!.status).toBe('ACTIVE');
    expect((await revokeConsent(store, CITIZEN_A, 'no-such-consent', now)).userErrors![0].code).toBe('NOT_FOUND');
  });

  it('revokes the citizen own consent, keeping its use history; a second revoke is ALREADY_REVOKED', async () => {
    await recordConsentUse(store, own._id, now);
    const later = new Date(now.getTime() + 1000);
    const r = await revokeConsent(store, CITIZEN_A, own._id, later);
    expect(r.consent).toMatchObject({ _id: own._id, status: 'REVOKED', revokedAt: later, useCount: 1 });
    const stored = await findConsent(store, own._id);
    expect(stored).toMatchObject({ status: 'REVOKED', dossierRef: 'HS-REVOKE' });
    expect(await consentUse(store, own._id)).toEqual({ useCount: 1, lastUsedAt: now });
    expect((await revokeConsent(store, CITIZEN_A, own._id, later)).userErrors).toEqual([
      expect.objectContaining({ code: 'ALREADY_REVOKED' }),
    ]);
  });

  it('lists only the citizen own consents, newest first, with derived statuses', async () => {
    const listA = await listConsents(store, CITIZEN_A, now);
    expect(listA.length).toBeGreaterThanOrEqual(3);
    expect(listA.every((c) => c.citizenId === CITIZEN_A)).toBe(true);
    expect(listA.map((c) => c._id)).toContain(own._id);
    expect(listA.find((c) => c._id === own._id)!.status).toBe('REVOKED');
    for (let i = 1; i < listA.length; i++)
      expect(listA[i - 1].createdAt.getTime()).toBeGreaterThanOrEqual(listA[i].createdAt.getTime());
    const listB = await listConsents(store, CITIZEN_B, now);
    expect(listB.map((c) => c._id)).toEqual([other._id]);
    // EXPIRED is derived from validUntil.
    const future = new Date(now.getTime() + 31 * DAY);
    expect((await listConsents(store, CITIZEN_B, future))[0].status).toBe('EXPIRED');
    expect(await listConsents(store, '000000000000', now)).toEqual([]);
  });

  it('consentStatus: REVOKED wins, EXPIRED once validUntil has passed', () => {
    const until = new Date(now.getTime() + 1000);
    expect(consentStatus({ status: 'ACTIVE', validUntil: until }, now)).toBe('ACTIVE');
    expect(consentStatus({ status: 'ACTIVE', validUntil: until }, until)).toBe('EXPIRED');
    expect(consentStatus({ status: 'REVOKED', validUntil: until }, now)).toBe('REVOKED');
  });
});

describe('consent uses', () => {
  it('recordConsentUse increments the count and sets the last use', async () => {
    const c = (await grantA({ dossierRef: 'HS-USE' })).consent!;
    const t1 = new Date(now.getTime() + 5000);
    await recordConsentUse(store, c._id, now);
    await recordConsentUse(store, c._id, t1);
    expect(await consentUse(store, c._id)).toEqual({ useCount: 2, lastUsedAt: t1 });
  });

  it('ConsentUseRecorder coalesces uses into one write per consent', async () => {
    const c = (await grantA({ dossierRef: 'HS-BATCH' })).consent!;
    const rec = new ConsentUseRecorder(store, { intervalMs: 60_000 });
    const t1 = new Date(now.getTime() + 9000);
    rec.record(c._id, now);
    rec.record(c._id, t1);
    rec.record(c._id, now);
    await rec.close();
    expect(await consentUse(store, c._id)).toEqual({ useCount: 3, lastUsedAt: t1 });
  });
});

describe('ConsentStatusCache', () => {
  it('sees a revocation made elsewhere once its TTL has passed', async () => {
    const c = (await grantA({ dossierRef: 'HS-CACHE' })).consent!;
    // The cache's own clock, moved by the test: the TTL is counted on it, not on the wall.
    let clock = Date.now();
    const cache = new ConsentStatusCache(store, { ttlMs: 300, clock: () => clock });
    const who = { clientId: 'dvc-hanoi', citizenId: CITIZEN_A };
    expect(await cache.status(c._id)).toBe('ACTIVE');
    expect(await cache.isActiveFor(c._id, who)).toBe(true);
    expect(await cache.isActiveFor(c._id, { ...who, clientId: 'other' })).toBe(false);
    expect(await cache.isActiveFor(c._id, { ...who, citizenId: CITIZEN_B })).toBe(false);
    // Revoked by another process (no invalidate): the cached status until the TTL has passed…
    await revokeConsent(store, CITIZEN_A, c._id);
    clock += 299;
    expect(await cache.status(c._id)).toBe('ACTIVE');
    // …then read again.
    clock += 1;
    expect(await cache.status(c._id)).toBe('REVOKED');
    expect(await cache.isActiveFor(c._id, who)).toBe(false);
  });

  it('default TTL is 2 s; an in-process revoke invalidates at once; unknown ids are NOT_FOUND', async () => {
    const c = (await grantA({ dossierRef: 'HS-CACHE-2' })).consent!;
    const cache = new ConsentStatusCache(store);
    expect(cache.ttlMs).toBe(2_000);
    expect(await cache.status(c._id)).toBe('ACTIVE');
    await revokeConsent(store, CITIZEN_A, c._id, new Date(), { cache });
    expect(await cache.status(c._id)).toBe('REVOKED');
    expect(await cache.status('unknown-consent')).toBe('NOT_FOUND');
  });

  it('one store read for concurrent lookups of a consent', async () => {
    const c = (await grantA({ dossierRef: 'HS-CACHE-3' })).consent!;
    const cache = new ConsentStatusCache(store, { ttlMs: 60_000 });
    const p = [cache.get(c._id), cache.get(c._id), cache.get(c._id)];
    expect(p[0]).toBe(p[1]);
    expect((await Promise.all(p)).map((s) => s?.id)).toEqual([c._id, c._id, c._id]);
  });
});
