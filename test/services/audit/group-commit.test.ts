import { Store } from '../../../store/connection';
import { AuditWriter, type AuditEntry, type AuditLogger } from '../../../services/audit/writer';

/**
 * Group commit that adapts to load: while requests that may append are under way, a batch waits
 * for them (within its budget) when appends come close together; a request alone, or a low rate,
 * waits for nothing; a request that will not append releases the batch at once.
 */
const PREFIX = 'agc_';
const quiet: AuditLogger = { warn: () => undefined, error: () => undefined };
let store: Store;

function entry(i: number): AuditEntry {
  return {
    at: new Date(),
    requestId: `req-${i}`,
    operation: 'Citizen',
    actor: { kind: 'CITIZEN', id: '001090000001' },
    citizens: [],
  };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** A request as the audit plugin handles it: under way, then its append queued (and settled). */
function request(w: AuditWriter) {
  w.expect();
  return {
    append(i: number) {
      const p = w.append(entry(i));
      w.unexpect();
      return p;
    },
    none: () => w.unexpect(),
  };
}

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  store = await Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 4 });
  await store.hubDb.dropDatabase();
});

afterAll(async () => {
  await store.hubDb.dropDatabase();
  await store.close();
});

/** A writer with a budget no test waits for, after a burst of appends (close together). */
async function busyWriter(chain: string): Promise<AuditWriter> {
  const w = await AuditWriter.open(store, { chain, logger: quiet, citizenIndex: false, commitDelayMs: 600_000 });
  await Promise.all([1, 2, 3].map((i) => w.append(entry(i))));
  return w;
}

it('waits for the requests under way: three appending one after another share one write', async () => {
  const w = await busyWriter('gc-wait');
  const before = w.writes;
  const [a, b, c] = [request(w), request(w), request(w)];
  const ra = a.append(10);
  await turn();
  const rb = b.append(11);
  await turn();
  const rc = c.append(12);
  const out = await Promise.all([ra, rb, rc]);
  expect(out.map((r) => r.seq)).toEqual([4, 5, 6]);
  expect(w.writes - before).toBe(1);
  await w.close();
});

it('a request that will not append releases the waiting batch at once', async () => {
  const w = await busyWriter('gc-none');
  const before = w.writes;
  const [a, b] = [request(w), request(w)];
  const ra = a.append(10);
  await turn();
  b.none();
  expect((await ra).seq).toBe(4);
  expect(w.writes - before).toBe(1);
  await w.close();
});

it('at a low rate nothing waits, even with another request under way', async () => {
  const w = await AuditWriter.open(store, {
    chain: 'gc-low',
    logger: quiet,
    citizenIndex: false,
    commitDelayMs: 600_000,
  });
  const other = request(w);
  expect((await w.append(entry(1))).seq).toBe(1);
  other.none();
  await w.close();
});
