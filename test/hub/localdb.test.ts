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
