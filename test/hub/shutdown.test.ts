import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AuditRecordDoc } from '../../services/audit/model';
import { AUDIT_COLLECTION } from '../../services/audit/writer';
import { freePort } from '../../store/localdb';
import type { Store } from '../../store/connection';
import { pickTestCitizens, type TestCitizens } from '../support/citizens';
import { TEST_PREFIX } from '../support/constants';
import type { Query } from '../../generated/graphql';
import { connectTestStore, readJson, type GqlBody } from '../support/hub';
import { testKeys } from '../support/keys';
import { CITIZEN_ALL_PAPERS } from '../support/queries';

/**
 * SIGTERM on the real `hub/main.ts` process: it stops accepting, lets the requests in flight
 * finish (they answer with their data), writes their audit records, and exits 0.
 * The population source is slowed by fault injection so that requests are in flight.
 */

const keys = testKeys();
let store: Store;
let people: TestCitizens;
let child: ChildProcess | undefined;

beforeAll(async () => {
  store = await connectTestStore();
  people = await pickTestCitizens(store);
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await store.close();
});

/** The hub process's output so far (said when a wait times out). */
let output = '';

async function until(pred: () => Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!(await pred().catch(() => false))) {
    if (Date.now() - t0 > ms)
      throw new Error(`timed out; exit code ${child?.exitCode ?? 'none'}; the hub's output:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('drains in-flight requests on SIGTERM, flushes their audit, refuses new ones, exits 0', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  output = '';
  child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '../../hub/main.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      MONGODB_URI: process.env.MONGODB_URI,
      HUB_DB_PREFIX: TEST_PREFIX,
      HUB_KEYS_DIR: keys.keysDir,
      HUB_SWEEP_AT: 'off',
      HUB_RATE_LIMITS: 'off',
      HUB_FAULTS: JSON.stringify({ population: { latencyMs: 3_000 } }),
      HUB_SOURCE_TIMEOUT_MS: '8000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  await until(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000);

  const ids = ['drain-0', 'drain-1', 'drain-2'];
  const inFlight = ids.map((requestId) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${keys.citizen(people.l2)}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({ query: CITIZEN_ALL_PAPERS, variables: { id: people.l2 } }),
    }).then(async (r) => ({ status: r.status, body: await readJson<GqlBody<Pick<Query, 'citizen'>>>(r) })),
  );
  // SIGTERM once the hub has all three in hand (they wait on the population's injected latency).
  const inFlightNow = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^hub_requests_in_flight (\d+)/m.exec(text)?.[1] ?? 0);
  };
  await until(async () => (await inFlightNow()) >= ids.length, 30_000);
  child.kill('SIGTERM');
  // The hub says it is shutting down once it refuses new requests (the same tick).
  await until(() => Promise.resolve(/shutting down/.test(output)), 10_000);
  // A new request while draining: refused (connection refused, or 503 on a kept-alive socket).
  const late = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ ping }' }),
  }).then(
    (r) => r.status,
    () => 'refused',
  );
  expect([503, 'refused']).toContain(late);

  const results = await Promise.all(inFlight);
  for (const r of results) {
    expect(r.status).toBe(200);
    expect(r.body.data?.citizen?.personalId).toBe(people.l2);
  }
  expect(await exited).toBe(0);
  expect(output).toMatch(/audit flushed/);
  const records = await store.hubDb
    .collection<AuditRecordDoc>(AUDIT_COLLECTION)
    .find({}, { projection: { requestId: 1 } })
    .toArray();
  for (const id of ids) expect(records.filter((r) => r.requestId === id)).toHaveLength(1);
}, 120_000);
