/**
 * What the embedded store does not make atomic (every update is a read-modify-write of the whole
 * document, without a lock), over real HTTP on the real store:
 * - a revocation is not undone by the consent-use counter flushing meanwhile;
 * - concurrent grants by one citizen are all listed (and can all be revoked);
 * - a client suspension decided in `clientChanges` holds even when the client document does not
 *   show it (an update cut short);
 * - `myConsents` is paged and ACTIVE consents per citizen are capped.
 */
import { randomUUID } from 'node:crypto';
import {
  CLIENT_CHANGES_COLLECTION,
  findClient,
  registerClient,
  rotateClientSecret,
} from '../../../services/access/clients';
import { grantConsent } from '../../../services/access/consents/grant';
import { findConsent } from '../../../services/access/consents/status';
import { consentsCollection } from '../../../services/access/consents/store';
import { ConsentUseRecorder } from '../../../services/access/consents/use';
import { MAX_ACTIVE_CONSENTS_PER_CITIZEN } from '../../../services/access/model';
import { seed } from '../../../mockdata/seed';
import { pickTestCitizens } from '../../support/citizens';
import type { Mutation, Query } from '../../../generated/graphql';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { clientToken } from '../../support/oauth';

const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const Q = `query($id: PersonalId!) { citizen(personalId: $id) { personalId fullName } }`;
const GRANT = `mutation($input: ConsentGrantInput!) { consentGrant(input: $input) { consent { id status } userErrors { code } } }`;
const REVOKE = `mutation($id: ID!) { consentRevoke(id: $id) { consent { id status } userErrors { code } } }`;
const PURPOSE = '1.001234';
type Grant = Pick<Mutation, 'consentGrant'>;
type Revoke = Pick<Mutation, 'consentRevoke'>;
type MyConsents = Pick<Query, 'myConsents'>;

let hub: TestHub;
let citizenId: string;
let client: { id: string; secret: string };

beforeAll(async () => {
  // A data set of its own: its reads would otherwise be the newest in a shared citizen's access log.
  hub = await startTestHub({}, 'cat_');
  await seed(hub.store, { citizens: 200, seed: 23 });
  citizenId = (await pickTestCitizens(hub.store)).other;
  client = await newClient('tthc-atomic');
});

afterAll(async () => {
  await hub.store.hubDb.collection('clients').deleteOne({ _id: client.id as never });
  await hub?.close();
});

async function newClient(prefix: string): Promise<{ id: string; secret: string }> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const r = await registerClient(hub.store, {
    id,
    name: 'Atomicity (test)',
    scopes: ['IDENTITY'],
    purposes: [PURPOSE],
  });
  return { id, secret: r.secret! };
}

function grantInput(clientId: string) {
  return {
    clientId,
    scopes: ['IDENTITY'],
    purpose: PURPOSE,
    dossierRef: `HS-${randomUUID().slice(0, 8)}`,
    validUntil: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

/** consentGrant / consentRevoke / myConsents as these tests ask for them. */

async function grant(citizen: string, clientId = client.id): Promise<string> {
  const r = await gql<Grant>(hub.url, GRANT, { input: grantInput(clientId) }, bearer(keys.citizen(citizen)));
  expect(r.body.errors).toBeUndefined();
  expect(r.body.data!.consentGrant.userErrors).toEqual([]);
  return r.body.data!.consentGrant.consent!.id;
}

const token = (consentId: string, c = client) => clientToken(hub.url, c, consentId);

/** What a client query under the token got: 'OK' or the FORBIDDEN reason. */
async function read(accessToken: string | undefined, citizen: string, on: TestHub = hub): Promise<string> {
  const r = await gql<Pick<Query, 'citizen'>>(on.url, Q, { id: citizen }, bearer(accessToken ?? '(no token)'));
  if (r.body.data?.citizen?.fullName) return 'OK';
  const e = r.body.errors?.[0]?.extensions;
  for (const v of [e?.reason, e?.code]) if (typeof v === 'string') return v;
  return `status ${r.status}`;
}

describe('a revocation racing the consent-use counter', () => {
  it('holds: after consentRevoke returns every request and new token is refused, and the stored status stays REVOKED', async () => {
    // A second hub instance's counter, flushing this consent's uses as fast as it can: the
    // read-modify-write the revocation used to race.
    const other = new ConsentUseRecorder(hub.store, { intervalMs: 60_000 });
    try {
      for (let round = 0; round < 6; round++) {
        const id = await grant(citizenId);
        const t = await token(id);
        expect(t.status).toBe(200);
        let revoked = false;
        const afterRevoke: string[] = [];
        let stop = false;
        const flusher = (async () => {
          while (!stop) {
            other.record(id);
            await other.flush();
          }
        })();
        const reader = async () => {
          while (!stop) {
            const wasRevoked = revoked;
            const got = await read(t.body.access_token, citizenId);
            if (wasRevoked) afterRevoke.push(got);
          }
        };
        const readers = [reader(), reader(), reader()];
        // Some reads served (and counted) first.
        while ((await read(t.body.access_token, citizenId)) !== 'OK');
        const rv = await gql<Revoke>(hub.url, REVOKE, { id }, bearer(keys.citizen(citizenId)));
        expect(rv.body.data!.consentRevoke.userErrors).toEqual([]);
        revoked = true;
        // Reads and flushes go on after the revocation.
        while (afterRevoke.length < 30) await read(t.body.access_token, citizenId).then((g) => afterRevoke.push(g));
        const newToken = await token(id);
        stop = true;
        await Promise.all([flusher, ...readers]);
        await other.flush();
        expect([...new Set(afterRevoke)]).toEqual(['CONSENT_REVOKED']);
        expect(newToken).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
        expect((await consentsCollection(hub.store).findOne({ _id: id }))!.status).toBe('REVOKED');
        expect((await findConsent(hub.store, id))!.status).toBe('REVOKED');
        expect(await read(t.body.access_token, citizenId)).toBe('CONSENT_REVOKED');
      }
    } finally {
      await other.close();
    }
  });

  it('the uses are still counted (outside the consent document)', async () => {
    const id = await grant(citizenId);
    const rec = new ConsentUseRecorder(hub.store, { intervalMs: 60_000 });
    rec.record(id, new Date('2026-01-01T00:00:00Z'));
    rec.record(id, new Date('2026-01-02T00:00:00Z'));
    await rec.close();
    expect(await consentsCollection(hub.store).findOne({ _id: id })).toMatchObject({ status: 'ACTIVE', useCount: 0 });
    const list = await gql<MyConsents>(
      hub.url,
      '{ myConsents { id useCount lastUsedAt } }',
      {},
      bearer(keys.citizen(citizenId)),
    );
    expect(list.body.data!.myConsents.find((c) => c.id === id)).toEqual({
      id,
      useCount: 2,
      lastUsedAt: '2026-01-02T00:00:00.000Z',
    });
  });
});

describe('concurrent grants by one citizen', () => {
  it('lists all of them in myConsents, and each can be revoked', async () => {
    const citizen = `0010${String(Date.now()).slice(-8)}`;
    const ids = await Promise.all(Array.from({ length: 20 }, () => grant(citizen)));
    const list = await gql<MyConsents>(hub.url, '{ myConsents { id status } }', {}, bearer(keys.citizen(citizen)));
    expect(list.body.errors).toBeUndefined();
    const listed = list.body.data!.myConsents.map((c) => c.id);
    expect(new Set(listed)).toEqual(new Set(ids));
    expect(listed).toHaveLength(20);
    const rv = await gql<Revoke>(hub.url, REVOKE, { id: ids[7] }, bearer(keys.citizen(citizen)));
    expect(rv.body.data!.consentRevoke.consent!.status).toBe('REVOKED');
  });
});

describe('a client suspension whose document update was cut short', () => {
  it('is honoured by the token endpoint and the disclosure policy', async () => {
    const c = await newClient('tthc-cut');
    const id = await grant(citizenId, c.id);
    const t = await token(id, c);
    expect(t.status).toBe(200);
    expect(await read(t.body.access_token, citizenId)).toBe('OK');
    // The suspension decided (its change inserted), the client document never updated.
    await hub.store.hubDb
      .collection(CLIENT_CHANGES_COLLECTION)
      .insertOne({ _id: `${c.id}#1` as never, clientId: c.id, gen: 1, status: 'SUSPENDED', at: new Date() });
    expect((await hub.store.hubDb.collection('clients').findOne({ _id: c.id as never }))!.status).toBe('ACTIVE');
    expect(await token(id, c)).toMatchObject({ status: 401, body: { error_description: 'client is not active' } });
    // A hub instance started now (nothing cached) refuses the token issued before.
    const fresh = await startTestHub({}, 'cat_');
    try {
      expect(await read(t.body.access_token, citizenId, fresh)).toBe('CLIENT_NOT_REGISTERED');
      // A secret rotation afterwards writes no status back: still suspended, with the new secret.
      const secret = (await rotateClientSecret(hub.store, c.id))!;
      expect(secret).toEqual(expect.any(String));
      expect((await findClient(hub.store, c.id))!.status).toBe('SUSPENDED');
      expect(await token(id, { id: c.id, secret })).toMatchObject({
        status: 401,
        body: { error_description: 'client is not active' },
      });
    } finally {
      await fresh.close();
    }
    await hub.store.hubDb.collection('clients').deleteOne({ _id: c.id as never });
  });
});

describe('myConsents paging and the cap on ACTIVE consents', () => {
  it('pages with first/after, newest first, and refuses first over 100', async () => {
    const citizen = `0020${String(Date.now()).slice(-8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await grant(citizen));
    const page = (first: number, after?: string) =>
      gql<MyConsents>(
        hub.url,
        'query($first: Int, $after: String) { myConsents(first: $first, after: $after) { id } }',
        { first, after },
        bearer(keys.citizen(citizen)),
      );
    const p1 = await page(2);
    const p1ids = p1.body.data!.myConsents.map((c) => c.id);
    expect(p1ids).toEqual([ids[4], ids[3]]);
    const p2 = await page(2, p1ids[1]);
    expect(p2.body.data!.myConsents.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const p3 = await page(2, ids[1]);
    expect(p3.body.data!.myConsents.map((c) => c.id)).toEqual([ids[0]]);
    const tooMany = await page(101);
    expect(typeof tooMany.body.errors?.[0].extensions?.code).toBe('string');
    expect(tooMany.body.data?.myConsents ?? null).toBeNull();
    const badCursor = await page(2, 'not-a-consent');
    expect(badCursor.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it(`refuses the ${MAX_ACTIVE_CONSENTS_PER_CITIZEN + 1}th ACTIVE consent (TOO_MANY_CONSENTS)`, async () => {
    const citizen = `0030${String(Date.now()).slice(-8)}`;
    for (let i = 0; i < MAX_ACTIVE_CONSENTS_PER_CITIZEN; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, MAX_ACTIVE_CONSENTS_PER_CITIZEN - i) }, async () => {
          const r = await grantConsent(hub.store, citizen, {
            ...grantInput(client.id),
            scopes: ['IDENTITY'],
            validUntil: new Date(Date.now() + 86_400_000),
          });
          expect(r.userErrors).toBeUndefined();
        }),
      );
    }
    const r = await gql<Grant>(hub.url, GRANT, { input: grantInput(client.id) }, bearer(keys.citizen(citizen)));
    expect(r.body.data!.consentGrant).toEqual({ consent: null, userErrors: [{ code: 'TOO_MANY_CONSENTS' }] });
    // A revocation makes room.
    const first = await gql<MyConsents>(hub.url, '{ myConsents(first: 1) { id } }', {}, bearer(keys.citizen(citizen)));
    const rv = await gql<Revoke>(
      hub.url,
      REVOKE,
      { id: first.body.data!.myConsents[0].id },
      bearer(keys.citizen(citizen)),
    );
    expect(rv.body.data!.consentRevoke.userErrors).toEqual([]);
    await grant(citizen);
  });
});
