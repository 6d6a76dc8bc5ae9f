import type { CongDanDoc } from '../connectors/population/model';
import { mapCitizen } from '../connectors/population/connector';
import type { Query } from '../generated/graphql';
import { gql, startTestHub, type TestHub } from './support/hub';
import { CITIZENS_ALL_PAPERS, CITIZEN_ALL_PAPERS } from './support/queries';

let hub: TestHub;
let ids: string[];

beforeAll(async () => {
  // Counting calls, not timing them: a busy machine's slow reads must not time out.
  hub = await startTestHub({ HUB_AUTH: 'off', HUB_SOURCE_TIMEOUT_MS: '9000' });
  const docs = await hub.store.db('pop').collection<CongDanDoc>('congDan').find({}).limit(100).toArray();
  ids = docs.map((d) => d._id);
});
afterAll(() => hub.close());

const calls = (r: { headers: Headers }) => Number(r.headers.get('x-hub-source-calls'));
const commands = (r: { headers: Headers }) => Number(r.headers.get('x-hub-store-commands'));

describe('batching across sources', () => {
  it('asks each source at most once per request, whether for 1, 10 or 100 citizens', async () => {
    const one = await gql(hub.url, CITIZEN_ALL_PAPERS, { id: ids[0] });
    const ten = await gql(hub.url, CITIZENS_ALL_PAPERS, { ids: ids.slice(0, 10) });
    const hundred = await gql(hub.url, CITIZENS_ALL_PAPERS, { ids: ids.slice(0, 100) });
    for (const r of [one, ten, hundred]) expect(r.body.errors).toBeUndefined();
    expect(calls(one)).toBeLessThanOrEqual(5);
    expect(calls(ten)).toBe(calls(one));
    expect(calls(hundred)).toBe(calls(one));
    expect((hundred.body.data as { citizens: unknown[] }).citizens).toHaveLength(100);
  });

  it('sends one store command per source with $in, or one per key with parallel _id lookups', async () => {
    const r = await gql(hub.url, CITIZENS_ALL_PAPERS, { ids: ids.slice(0, 10) });
    if (hub.store.lookupStrategy === 'in') expect(commands(r)).toBe(calls(r));
    else expect(commands(r)).toBeGreaterThanOrEqual(10 + (calls(r) - 1));
  });

  it('returns the same papers through the API as the connector maps from the store', async () => {
    const raw = (await hub.store.db('pop').collection<CongDanDoc>('congDan').findOne({ _id: ids[3] }))!;
    const expected = mapCitizen(raw);
    const r = await gql<Pick<Query, 'citizen'>>(hub.url, CITIZEN_ALL_PAPERS, { id: ids[3] });
    const c = r.body.data!.citizen!;
    expect(c.fullName).toBe(expected.fullName);
    expect(c.dateOfBirth).toBe(expected.dateOfBirth);
    expect(c.household!.members).toEqual(expected.household!.members);
    expect(c.identityCard?.number ?? null).toBe(expected.identityCard?.number ?? null);
  });
});
