/**
 * Consent revocation under concurrency, over real HTTP on the real store, with two hub instances
 * on one store: a consent is revoked once (one success, every other request ALREADY_REVOKED) and
 * its revocation time is the one that success reported.
 */
import { randomUUID } from 'node:crypto';
import { registerClient, setClientStatus } from '../../../services/access/clients';
import { findConsent } from '../../../services/access/consents/status';
import { consentsCollection } from '../../../services/access/consents/store';
import { pickTestCitizens } from '../../support/citizens';
import type { Mutation } from '../../../generated/graphql';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';

const PARALLEL = 24;
const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
let hub: TestHub;
let other: TestHub;
let citizenId: string;
let clientId: string;

const GRANT = `mutation($input: ConsentGrantInput!) { consentGrant(input: $input) { consent { id status } userErrors { code } } }`;
const REVOKE = `mutation($id: ID!) { consentRevoke(id: $id) { consent { id status } userErrors { code } } }`;
type Grant = Pick<Mutation, 'consentGrant'>;
type Revoke = Pick<Mutation, 'consentRevoke'>;

beforeAll(async () => {
  hub = await startTestHub({});
  other = await startTestHub({});
  citizenId = (await pickTestCitizens(hub.store)).l2;
  clientId = `tthc-races-${randomUUID().slice(0, 8)}`;
  await registerClient(hub.store, { id: clientId, name: 'Races (test)', scopes: ['IDENTITY'], purposes: ['1.001234'] });
});

afterAll(async () => {
  await hub.store.hubDb.collection('clients').deleteOne({ _id: clientId as never });
  await Promise.all([hub?.close(), other?.close()]);
});

async function grant(): Promise<string> {
  const r = await gql<Grant>(
    hub.url,
    GRANT,
    {
      input: {
        clientId,
        scopes: ['IDENTITY'],
        purpose: '1.001234',
        dossierRef: `HS-${randomUUID().slice(0, 8)}`,
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      },
    },
    bearer(keys.citizen(citizenId)),
  );
  expect(r.body.data!.consentGrant.userErrors).toEqual([]);
  return r.body.data!.consentGrant.consent!.id;
}

describe('consentRevoke under concurrency', () => {
  it('revokes a consent once: one success, every other request ALREADY_REVOKED', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await grant();
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          gql<Revoke>(i % 2 ? other.url : hub.url, REVOKE, { id }, bearer(keys.citizen(citizenId))),
        ),
      );
      const payloads = results.map((r) => {
        expect(r.body.errors).toBeUndefined();
        return r.body.data!.consentRevoke;
      });
      const ok = payloads.filter((p) => p.userErrors.length === 0);
      expect(ok).toHaveLength(1);
      expect(ok[0].consent!.status).toBe('REVOKED');
      for (const p of payloads) if (p !== ok[0]) expect(p.userErrors).toEqual([{ code: 'ALREADY_REVOKED' }]);
      expect((await findConsent(hub.store, id))!.status).toBe('REVOKED');
    }
  });
});

describe('consentGrant racing the suspension of its client', () => {
  it('no grant decided against the registration the suspension replaced leaves an ACTIVE consent', async () => {
    const id = `tthc-susp-${randomUUID().slice(0, 8)}`;
    await registerClient(hub.store, { id, name: 'Suspended (test)', scopes: ['IDENTITY'], purposes: ['1.001234'] });
    const input = () => ({
      clientId: id,
      scopes: ['IDENTITY'],
      purpose: '1.001234',
      dossierRef: `HS-${randomUUID().slice(0, 8)}`,
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
    });
    let before: Set<string> | null = null;
    const grants = Array.from({ length: PARALLEL * 2 }, (_, i) =>
      gql<Grant>(i % 2 ? other.url : hub.url, GRANT, { input: input() }, bearer(keys.citizen(citizenId))),
    );
    // The suspension, once some grants are under way; then the consents stored at that moment.
    const suspension = (async () => {
      await new Promise((r) => setImmediate(r));
      expect(await setClientStatus(hub.store, id, 'SUSPENDED')).toBe(true);
      before = new Set((await consentsCollection(hub.store).find({ clientId: id }).toArray()).map((c) => c._id));
    })();
    const results = await Promise.all(grants);
    await suspension;
    for (const r of results) {
      expect(r.body.errors).toBeUndefined();
      const p = r.body.data!.consentGrant;
      if (p.userErrors.length) expect(p.userErrors).toEqual([{ code: 'CLIENT_SUSPENDED' }]);
    }
    // Every ACTIVE consent of the client was stored before the suspension had returned: none was
    // written afterwards on the strength of a check made before it.
    const active = (await consentsCollection(hub.store).find({ clientId: id }).toArray()).filter(
      (c) => c.status === 'ACTIVE',
    );
    const late = active.filter((c) => !before!.has(c._id));
    expect(late.map((c) => c._id)).toEqual([]);
    // Each success names a consent that is ACTIVE in the store, each refusal none.
    const ok = results.filter((r) => r.body.data!.consentGrant.userErrors.length === 0);
    expect(new Set(ok.map((r) => r.body.data!.consentGrant.consent!.id))).toEqual(new Set(active.map((c) => c._id)));
    await hub.store.hubDb.collection('clients').deleteOne({ _id: id as never });
  });
});
