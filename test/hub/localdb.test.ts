import type { Store } from '../../hub/store/connection';
import { connectTestStore } from '../support/hub';

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(() => store.close());

describe('embedded store', () => {
  it('is FerretDB unless MONGODB_URI points elsewhere, and picks the lookup strategy from it', () => {
    expect(store.lookupStrategy).toBe(store.isFerretDb ? 'parallel' : 'in');
  });

  it('answers an _id lookup through an index, not a table scan', async () => {
    if (!store.isFerretDb) return; // a real MongoDB always uses its _id index
    const explain = await store.db('pop').command({ explain: { find: 'congDan', filter: { _id: '001095012345' } } });
    const plan = JSON.stringify(explain.queryPlanner);
    expect(plan).toMatch(/USING INDEX \S+__hub_id/);
  });
});

describe('embedded store lifecycle', () => {
  it('drops and re-creates a database of the same name cleanly, indexing it each time', async () => {
    const s = await connectTestStore('lifecycle_');
    try {
      for (let round = 0; round < 3; round++) {
        const col = s.db('d').collection<{ _id: string; round: number }>('c');
        await col.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: String(i).padStart(12, '0'), round })));
        await new Promise((r) => setTimeout(r, 600)); // the keeper runs every 250 ms
        expect(await col.findOne({ _id: '000000000123' })).toEqual({ _id: '000000000123', round });
        if (s.isFerretDb) {
          const explain = await s.db('d').command({ explain: { find: 'c', filter: { _id: '000000000123' } } });
          expect(JSON.stringify(explain.queryPlanner)).toMatch(/USING INDEX \S+__hub_id/);
        }
        await s.db('d').dropDatabase();
      }
    } finally {
      await s.close();
    }
  });
});
