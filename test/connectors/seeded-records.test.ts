import { SOURCES, SOURCE_NAMES } from '../../connectors/registry';
import type { Store } from '../../store/connection';
import { connectTestStore } from '../support/hub';

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(() => store.close());

describe('every generated record is readable by its connector', () => {
  it.each(SOURCE_NAMES)('%s', async (source) => {
    const docs = await store.db(SOURCES[source].db).collection(SOURCES[source].collection).find({}).toArray();
    expect(docs.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const d of docs) {
      try {
        (SOURCES[source].map as (doc: unknown) => unknown)(d);
      } catch (err) {
        failures.push(`${String(d._id)}: ${(err as Error).message}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
