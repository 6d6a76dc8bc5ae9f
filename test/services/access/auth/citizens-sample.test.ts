import { Store } from '../../../../store/connection';
import { parseArgs, sampleCitizens } from '../../../../scripts/citizens-sample';
import { TEST_PREFIX } from '../../../support/constants';

let store: Store;

beforeAll(async () => {
  store = await Store.connect({ uri: process.env.MONGODB_URI!, dbPrefix: TEST_PREFIX, maxPoolSize: 2 });
});
afterAll(async () => {
  await store.close();
});

test('parseArgs: level, status, count; refuses unknown values', () => {
  expect(parseArgs(['--level', '2', '--status', 'ACTIVE', '--count', '5'])).toEqual({
    level: 2,
    status: 'ACTIVE',
    count: 5,
  });
  expect(parseArgs(['--level=1'])).toEqual({ level: 1, count: 10 });
  expect(() => parseArgs(['--level', '3'])).toThrow(/level/);
  expect(() => parseArgs(['--status', 'NOPE'])).toThrow(/status/);
  expect(() => parseArgs(['--bogus', '1'])).toThrow(/unknown/);
});

test('sampleCitizens returns seeded accounts matching level and status', async () => {
  const ids = await sampleCitizens(store, { level: 2, status: 'ACTIVE', count: 5 });
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThanOrEqual(5);
  for (const id of ids) expect(id).toMatch(/^\d{12}$/);
  const docs = await store.hubDb
    .collection<{ _id: string; level: number; status: string }>('accounts')
    .find({ _id: { $in: ids } })
    .toArray();
  expect(docs).toHaveLength(ids.length);
  for (const d of docs) expect([d.level, d.status]).toEqual([2, 'ACTIVE']);
});

test('sampleCitizens leaves out citizens whose records the seed made unreadable (MALFORMED)', async () => {
  const own = await Store.connect({ uri: process.env.MONGODB_URI!, dbPrefix: 'smp_', maxPoolSize: 2 });
  try {
    await own.hubDb.collection('accounts').deleteMany({});
    await own.hubDb.collection('seedDefects').deleteMany({});
    const ids = ['001090000001', '001090000002', '001090000003'];
    await own.hubDb
      .collection<{ _id: string; level: number; status: string }>('accounts')
      .insertMany(ids.map((_id) => ({ _id, level: 2, status: 'ACTIVE' })));
    await own.hubDb.collection('seedDefects').insertOne({
      source: 'drivingLicence',
      recordKey: ids[1],
      personalId: ids[1],
      kind: 'MALFORMED',
      field: 'holder.name',
      sourceValue: 'NULL',
    });
    expect(await sampleCitizens(own, { level: 2, status: 'ACTIVE', count: 10 })).toEqual([ids[0], ids[2]]);
  } finally {
    await own.close();
  }
});
