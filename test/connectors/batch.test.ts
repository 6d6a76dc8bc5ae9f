import { createServer, type Server, type Socket } from 'node:net';
import { MongoClient } from 'mongodb';
import { createSourceLoader, RequestMetrics } from '../../connectors/batch';
import { SourceUnavailableError } from '../../lib/errors';
import { SourceGuard } from '../../connectors/resilience';
import { FaultInjector } from '../../connectors/faults';
import type { LookupStrategy, Store } from '../../store/connection';
import { connectTestStore } from '../support/hub';

interface Doc {
  _id: string;
  name: string;
  broken?: boolean;
}

let store: Store;
const ids = Array.from({ length: 30 }, (_, i) => String(100000000000 + i));

beforeAll(async () => {
  store = await connectTestStore('batch_');
  const col = store.db('src').collection<Doc>('docs');
  await col.deleteMany({});
  await col.insertMany(ids.map((id, i) => ({ _id: id, name: `n${i}`, broken: i === 7 })));
});

afterAll(async () => {
  await store.db('src').dropDatabase();
  await store.close();
});

/** A guard with a timeout and nothing else (no retries; a breaker that never opens here). */
function plainGuard(timeoutMs = 5_000, faults = new FaultInjector()): SourceGuard {
  return new SourceGuard(
    'drivingLicence',
    { timeoutMs, retries: 0, breakerFailures: 1_000_000, breakerHalfOpenMs: 1_000 },
    faults,
  );
}

function loader(strategy: LookupStrategy, metrics = new RequestMetrics(), timeoutMs = 5_000, collection = 'docs') {
  return createSourceLoader<Doc, { id: string; name: string }>({
    source: 'drivingLicence',
    collection: store.db('src').collection<Doc>(collection),
    strategy,
    metrics,
    guard: plainGuard(timeoutMs),
    map: (d) => {
      if (d.broken) throw new Error('unreadable record');
      return { id: d._id, name: d.name };
    },
  });
}

describe.each<LookupStrategy>(['in', 'parallel'])('source loader, %s strategy', (strategy) => {
  it('answers with the same length and order as the keys, null for a missing key', async () => {
    const keys = [ids[5], '999999999999', ids[0], ids[29]];
    const out = await loader(strategy).loadMany(keys);
    expect(out).toEqual([{ id: ids[5], name: 'n5' }, null, { id: ids[0], name: 'n0' }, { id: ids[29], name: 'n29' }]);
  });

  it('makes one batch call for all keys asked in one tick', async () => {
    const metrics = new RequestMetrics();
    const l = loader(strategy, metrics);
    await Promise.allSettled(ids.slice(0, 20).map((id) => l.load(id)));
    expect(metrics.sources.drivingLicence.batchCalls).toBe(1);
    expect(metrics.sources.drivingLicence.keys).toBe(20);
    expect(metrics.sources.drivingLicence.storeCommands).toBe(strategy === 'in' ? 1 : 20);
  });

  it('puts an Error at the position of a record it cannot read, and serves the others', async () => {
    const out = await loader(strategy).loadMany([ids[6], ids[7], ids[8]]);
    expect(out[0]).toEqual({ id: ids[6], name: 'n6' });
    expect(out[1]).toBeInstanceOf(SourceUnavailableError);
    expect((out[1] as SourceUnavailableError).extensions.code).toBe('SOURCE_UNAVAILABLE');
    expect(out[2]).toEqual({ id: ids[8], name: 'n8' });
  });

  it('asks for a repeated key once (per-request cache)', async () => {
    const metrics = new RequestMetrics();
    const l = loader(strategy, metrics);
    await Promise.all([l.load(ids[1]), l.load(ids[1]), l.load(ids[2])]);
    await l.load(ids[1]);
    expect(metrics.sources.drivingLicence.keys).toBe(2);
    expect(metrics.sources.drivingLicence.batchCalls).toBe(1);
  });
});

describe('source loader failures', () => {
  it('fails every key of a batch from a hanging source with SOURCE_UNAVAILABLE, within its timeout', async () => {
    // A real TCP peer on 127.0.0.1 that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 30_000 });
    try {
      const l = createSourceLoader<Doc, Doc>({
        source: 'drivingLicence',
        collection: client.db('x').collection<Doc>('docs'),
        strategy: 'in',
        metrics: new RequestMetrics(),
        guard: plainGuard(200),
        map: (d) => d,
      });
      const out = await l.loadMany([ids[0], ids[1]]);
      for (const r of out) {
        expect(r).toBeInstanceOf(SourceUnavailableError);
        // Ended by the guard's timeout (not by the driver giving up on the silent peer, 30 s on).
        expect((r as SourceUnavailableError).extensions).toMatchObject({
          code: 'SOURCE_UNAVAILABLE',
          source: 'drivingLicence',
          reason: 'TIMEOUT',
        });
      }
    } finally {
      sockets.forEach((s) => s.destroy());
      await client.close(true).catch(() => undefined);
      await new Promise((r) => silent.close(r));
    }
  });

  it('does not leak the cause into the error message', async () => {
    const out = await loader('parallel').loadMany([ids[7]]);
    expect((out[0] as Error).message).toBe('The drivingLicence source is unavailable');
  });
});
