import { Store } from '../../../hub/store/connection';
import { parseArgs, sampleCitizens } from '../../../scripts/citizens-sample';
import { TEST_PREFIX } from '../../support/constants';

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
