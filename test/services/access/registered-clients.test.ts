/**
 * `registeredClients`: what a citizen may consent to (the citizen app's consent form), over HTTP on
 * the real store: active clients only, no citizen apps, their registered scopes and purposes with
 * the procedures' names, never secrets; paged by id; no personal data, so no audit record.
 */
import { registerClient, setClientStatus } from '../../../services/access/clients';
import { gql, startTestHub, type TestHub } from '../../support/hub';

let hub: TestHub;
type Listed = { registeredClients: Array<Record<string, unknown> & { id: string }> };
const Q = `query($first: Int, $after: String) {
  registeredClients(first: $first, after: $after) { id name kind scopes purposes { code name } }
}`;

beforeAll(async () => {
  hub = await startTestHub({}, 'rgc_');
  await hub.store.hubDb.collection('clients').deleteMany({});
  await hub.store.hubDb.collection('clientChanges').deleteMany({});
  const base = { scopes: ['IDENTITY' as const, 'RESIDENCE' as const], purposes: ['1.001234', '2.000999'] };
  await registerClient(hub.store, {
    ...base,
    id: 'rgc-a',
    name: 'A',
    purposeNames: { '1.001234': 'Cấp đổi giấy phép lái xe' },
  });
  await registerClient(hub.store, { ...base, id: 'rgc-b', name: 'B', kind: 'VERIFIER' });
  await registerClient(hub.store, { ...base, id: 'rgc-c', name: 'C (suspended later)' });
  await registerClient(hub.store, { ...base, id: 'rgc-d', name: 'D', kind: 'CITIZEN_APP' });
  await registerClient(hub.store, { ...base, id: 'rgc-e', name: 'E' });
  await setClientStatus(hub.store, 'rgc-c', 'SUSPENDED');
});

afterAll(async () => {
  await hub?.close();
});

it('lists active clients that are not citizen apps, with their purposes by name, without a token', async () => {
  const r = await gql<Listed>(hub.url, Q, {});
  expect(r.body.errors).toBeUndefined();
  const clients = r.body.data!.registeredClients;
  expect(clients.map((c) => c.id)).toEqual(['rgc-a', 'rgc-b', 'rgc-e']);
  expect(clients[0]).toEqual({
    id: 'rgc-a',
    name: 'A',
    kind: 'TTHC_SYSTEM',
    scopes: ['IDENTITY', 'RESIDENCE'],
    purposes: [
      { code: '1.001234', name: 'Cấp đổi giấy phép lái xe' },
      { code: '2.000999', name: null },
    ],
  });
  expect(JSON.stringify(r.body)).not.toMatch(/secret|scrypt/i);
});

it('pages by id, skipping suspended clients and citizen apps', async () => {
  const first = await gql<Listed>(hub.url, Q, { first: 2 });
  expect(first.body.data!.registeredClients.map((c) => c.id)).toEqual(['rgc-a', 'rgc-b']);
  const next = await gql<Listed>(hub.url, Q, { first: 2, after: 'rgc-b' });
  expect(next.body.data!.registeredClients.map((c) => c.id)).toEqual(['rgc-e']);
});

it('refuses a page over 100 before anything runs', async () => {
  const r = await gql<Listed>(hub.url, Q, { first: 101 });
  expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
});

it('refuses purpose names for purposes the client is not registered for', async () => {
  await expect(
    registerClient(hub.store, {
      id: 'rgc-x',
      name: 'X',
      scopes: ['IDENTITY'],
      purposes: ['1'],
      purposeNames: { '2': 'Y' },
    }),
  ).rejects.toThrow(/unregistered purposes: 2/);
});
