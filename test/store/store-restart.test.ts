import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { seed } from '../../mockdata/seed/index';
import type { AuditRecordDoc } from '../../services/audit/model';
import { AUDIT_COLLECTION } from '../../services/audit/writer';
import { verifyAuditChain } from '../../services/audit/verify';
import { loadConfig } from '../../hub/config';
import { freePort, startLocalDb, type LocalDb } from '../../store/localdb';
import { startHub, type RunningHub } from '../../hub/server';
import type { AccountDoc } from '../../services/accounts/store';
import { Store } from '../../store/connection';
import { readJson, type GqlBody } from '../support/hub';
import { testKeys } from '../support/keys';
import { REFERENCE_TODAY } from '../../mockdata/generator/dates';
import { RECON_RUNS_COLLECTION, type RunDoc } from '../../services/reconciliation/model';
import { DEFECT_KINDS } from '../../mockdata/seed-meta';
import { CITIZEN_ALL_PAPERS } from '../support/queries';

/**
 * The store stopped and restarted under load (its own embedded store, so the shared one stays
 * up): while it is away `/readyz` is false and requests fail fast with 503; the hub recovers by
 * itself when it returns; and every response that disclosed data has exactly one audit record,
 * none lost, none duplicated, the chain intact.
 */

const keys = testKeys();
const PREFIX = 'sr_';
/** The store client's socket timeout here (the hub's default is 30 s). */
const SOCKET_TIMEOUT_MS = 3_000;
let dataDir: string;
let port: number;
let db: LocalDb;
let store: Store;
let hub: RunningHub;
let citizens: string[];

interface Outcome {
  requestId: string;
  status: number;
  disclosed: boolean;
  /** Refused by the hub's gate (503 STORE_UNAVAILABLE before any read: no data, no path). */
  atGate: boolean;
  ms: number;
  at: number;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hub-store-restart-'));
  port = await freePort();
  db = await startLocalDb({ dataDir, port });
  store = await Store.connect({
    uri: db.uri,
    dbPrefix: PREFIX,
    maxPoolSize: 16,
    heartbeatFrequencyMS: 500,
    serverSelectionTimeoutMS: 1_500,
    connectTimeoutMS: 1_000,
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
  });
  await seed(store, { citizens: 300, seed: 9 });
  const accounts = await store.hubDb.collection<AccountDoc>('accounts').find({}).toArray();
  citizens = accounts.filter((a) => a.status === 'ACTIVE' && a.level === 2).map((a) => a._id);
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: db.uri,
    HUB_DB_PREFIX: PREFIX,
    HUB_KEYS_DIR: keys.keysDir,
    HUB_RATE_LIMITS: 'off',
    HUB_SOURCE_TIMEOUT_MS: '1000',
    // The sources live in the store here: their breakers open during the outage and probe again after this.
    HUB_BREAKER_HALF_OPEN_MS: '1000',
  });
  hub = await startHub(
    { config, store, logger: pino({ level: 'silent' }), processMetrics: false },
    { port: 0, host: '127.0.0.1' },
  );
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  await store?.close();
  await db?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The last /readyz answer (said when a wait times out). */
let lastReadyz = '';

async function waitFor(pred: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting; last /readyz: ${lastReadyz}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

const ready = async () => {
  const r = await fetch(`${hub.url}/readyz`);
  lastReadyz = `${r.status} ${await r.text()}`;
  return r.status === 200;
};

it('keeps exactly one audit record per disclosing response across a store restart under load', async () => {
  expect(citizens.length).toBeGreaterThan(10);
  const outcomes: Outcome[] = [];
  let stop = false;
  let n = 0;
  const worker = async (w: number) => {
    while (!stop) {
      const id = citizens[(n++ * 7 + w) % citizens.length];
      const requestId = `sr-${w}-${n}`;
      const t0 = Date.now();
      try {
        outcomes.push(await ask(id, requestId));
      } catch {
        outcomes.push({ requestId, status: 0, disclosed: false, atGate: false, ms: Date.now() - t0, at: Date.now() });
      }
    }
  };
  const load = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));

  await new Promise((r) => setTimeout(r, 2_500));
  // A reconciliation run the store interrupted (left RUNNING: runs.test.ts shows how): the hub
  // resumes it when the store is back.
  const runId = 'interrupted-run';
  const at = new Date();
  await store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION).insertOne({
    _id: runId,
    area: { province: 'VN', commune: null },
    startedBy: 'test',
    status: 'RUNNING',
    phase: 'INDEX',
    progress: { processed: 0, total: 0, ratePerS: 0, etaS: null },
    counts: Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as RunDoc['counts'],
    findings: 0,
    checkpoint: null,
    today: REFERENCE_TODAY,
    error: null,
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
    resumes: 0,
  });
  const stopping = Date.now();
  await db.stop();
  // The store process has exited: from here (and the time to notice) every request is refused.
  const stoppedAt = Date.now();
  const downAfter = await waitFor(async () => !(await ready()), 10_000);
  await new Promise((r) => setTimeout(r, 2_500));
  // Requests started once the outage was noticed (those in flight at the stop may still end otherwise).
  const outage = outcomes.filter((o) => o.at - o.ms > stoppedAt + downAfter + 50);
  db = await startLocalDb({ dataDir, port });
  const restartedAt = Date.now();
  const upAfter = await waitFor(ready, 20_000);
  await new Promise((r) => setTimeout(r, 3_500));
  stop = true;
  await load;
  await hub.auditWriter.flush();

  const before = outcomes.filter((o) => o.at < stopping);
  // Once the store is back and the sources' breakers have probed it.
  const after = outcomes.filter((o) => o.at - o.ms > restartedAt + upAfter + 1_200);
  const during = outage.filter((o) => o.at - o.ms < restartedAt);
  console.log(
    `store restart: ${outcomes.length} requests (${before.length} before, ${during.length} during, ` +
      `${after.length} after); readyz false ${downAfter} ms after the stop, true ${upAfter} ms after the restart; ` +
      `during the outage: ${during.filter((o) => o.status === 503).length}×503, slowest ${Math.max(...during.map((o) => o.ms))} ms`,
  );
  expect(before.filter((o) => o.disclosed).length).toBeGreaterThan(5);
  expect(during.length).toBeGreaterThan(5);
  // Failed fast: refused at the gate, nothing read (no store timeout waited for).
  for (const o of during)
    expect({ id: o.requestId, status: o.status, atGate: o.atGate }).toEqual({
      id: o.requestId,
      status: 503,
      atGate: true,
    });
  expect(after.length).toBeGreaterThan(5);
  expect(after.filter((o) => !o.disclosed)).toEqual([]);

  // The audit: exactly one record per disclosing response, none for a request twice.
  const ids = new Set(outcomes.map((o) => o.requestId));
  const records = await store.hubDb
    .collection<AuditRecordDoc>(AUDIT_COLLECTION)
    .find({}, { projection: { requestId: 1 } })
    .toArray();
  const perRequest = new Map<string, number>();
  for (const r of records)
    if (ids.has(r.requestId)) perRequest.set(r.requestId, (perRequest.get(r.requestId) ?? 0) + 1);
  const disclosing = outcomes.filter((o) => o.disclosed);
  const missing = disclosing.filter((o) => perRequest.get(o.requestId) !== 1);
  expect(missing).toEqual([]);
  expect([...perRequest.values()].filter((c) => c > 1)).toEqual([]);
  // A record without a disclosing response is possible only for a write the store took while the
  // hub saw it fail (the response then said 503): such a record names what was attempted.
  const extra = [...perRequest.keys()].filter((id) => !disclosing.some((o) => o.requestId === id));
  expect(extra.length).toBeLessThanOrEqual(outcomes.filter((o) => o.status === 503).length);
  const chain = await verifyAuditChain(store);
  expect(chain.ok).toBe(true);

  // The interrupted run resumed once the store was back, and finished.
  await waitFor(async () => (await hub.reconciliation.get(runId))?.status !== 'RUNNING', 60_000);
  const finished = (await hub.reconciliation.get(runId))!;
  expect(finished.status).toBe('DONE');
  expect(finished.resumes).toBeGreaterThanOrEqual(1);
  const truth = await store.hubDb.collection('seedDefects').countDocuments();
  expect(finished.findings).toBe(truth);
}, 120_000);

/**
 * Whether every thread of `pid` is stopped. A SIGSTOP stops a process only as each of its threads
 * next runs, and the thread the kernel hands it to may first finish what it is in: a disk sync of
 * the store takes milliseconds to tens of them on a loaded machine, and meanwhile the store's
 * other threads answer as before.
 */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2] === 'T';
    } catch {
      return true; // the thread has exited
    }
  });
}

/** One request for a citizen's papers: its status, whether it disclosed anything, how long it took, its error codes. */
async function ask(id: string, requestId: string): Promise<Outcome & { codes: string[] }> {
  const t0 = Date.now();
  const res = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${keys.citizen(id)}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: CITIZEN_ALL_PAPERS, variables: { id } }),
  });
  const body = await readJson<GqlBody<{ citizen?: Record<string, unknown> | null }>>(res);
  const c = body.data?.citizen;
  const errors = body.errors ?? [];
  return {
    requestId,
    status: res.status,
    disclosed: res.status === 200 && !!c && Object.values(c).some((v) => v !== null),
    atGate:
      res.status === 503 &&
      !('data' in body) &&
      errors.length === 1 &&
      errors[0].path === undefined &&
      errors[0].extensions?.reason === 'STORE_UNAVAILABLE',
    ms: Date.now() - t0,
    at: Date.now(),
    codes: [...new Set(errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : '?')))],
  };
}

it('a store that stops answering (hung, not gone): /readyz says so, requests end within the socket timeout with a store error and nothing disclosed, then fail fast; the hub recovers when it answers again', async () => {
  await waitFor(ready, 20_000);
  const id = citizens[1];
  const outcomes: Array<Outcome & { codes: string[] }> = [await ask(id, 'hang-before')];
  expect(outcomes[0].disclosed).toBe(true);
  process.kill(db.pid, 'SIGSTOP');
  // From when the store has stopped answering (not when it was told to).
  await waitFor(() => Promise.resolve(allThreadsStopped(db.pid)), 10_000);
  const stoppedAt = Date.now();
  try {
    // Sent while the store is not answering and before anyone has noticed: one for a citizen
    // seen before (the hub's access data cached: only the sources wait), one for a citizen not
    // (the hub's own reads wait too).
    const inFlight = ask(id, 'hang-in-flight');
    const fresh = ask(citizens[2], 'hang-in-flight-fresh');
    await waitFor(async () => !(await ready()), 5_000);
    expect(lastReadyz).toMatch(/store not answering|store unreachable/);
    // Both end while the store is still stopped: by the hub's own timeouts, not by its answer.
    for (const pending of [inFlight, fresh]) {
      const r = await pending;
      outcomes.push(r);
      // The whole outcome, so that a failure says how the request ended (status, time, codes).
      expect({ ...r, sentAfterStopMs: r.at - r.ms - stoppedAt }).toMatchObject({ disclosed: false });
      // A clear error: the source, or the store, unavailable; never an internal error.
      expect(r.codes.length).toBeGreaterThan(0);
      for (const code of r.codes) expect(['SOURCE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']).toContain(code);
    }
    // Once the heartbeats have given up on it: refused at once.
    await waitFor(async () => (await ready()) || lastReadyz.includes('store unreachable'), 10_000);
    const late = await ask(id, 'hang-late');
    outcomes.push(late);
    expect({ status: late.status, atGate: late.atGate }).toEqual({ status: 503, atGate: true });
  } finally {
    process.kill(db.pid, 'SIGCONT');
  }
  await waitFor(ready, 20_000);
  // The sources live in this store too: their breakers may have opened, and probe again after 1 s.
  let n = 0;
  await waitFor(async () => {
    const o = await ask(id, `hang-after-${n++}`);
    outcomes.push(o);
    return o.disclosed;
  }, 10_000);

  await hub.auditWriter.flush();
  const records = await store.hubDb
    .collection<AuditRecordDoc>(AUDIT_COLLECTION)
    .find({ requestId: { $in: outcomes.map((o) => o.requestId) } }, { projection: { requestId: 1 } })
    .toArray();
  const perRequest = new Map<string, number>();
  for (const rec of records) perRequest.set(rec.requestId, (perRequest.get(rec.requestId) ?? 0) + 1);
  console.log(
    'hung store: ' +
      outcomes
        .map(
          (o) =>
            `${o.requestId} ${o.status} ${o.ms} ms [${o.codes.join(',')}] ` +
            `${o.disclosed ? 'disclosed' : '-'} records ${perRequest.get(o.requestId) ?? 0}`,
        )
        .join('; '),
  );
  for (const o of outcomes.filter((x) => x.disclosed)) expect(perRequest.get(o.requestId)).toBe(1);
  expect([...perRequest.values()].filter((c) => c > 1)).toEqual([]);
  expect((await verifyAuditChain(store)).ok).toBe(true);
  // The latency metric has the status the client got (a 503 set after the resolvers ran).
  if (outcomes.some((o) => o.requestId.startsWith('hang-in-flight') && o.status === 503)) {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    expect(text).toMatch(/hub_request_duration_seconds_count\{operation="query\.citizen",status="503"\} [1-9]/);
  }
}, 90_000);
