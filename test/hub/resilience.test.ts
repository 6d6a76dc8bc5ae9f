import { Writable } from 'node:stream';
import { expect } from '@jest/globals';
import pino from 'pino';
import type { Query } from '../../generated/graphql';
import type { SourceName } from '../../connectors/sources';
import type { AuditRecordDoc } from '../../services/audit/model';
import { AUDIT_COLLECTION } from '../../services/audit/writer';
import { loadConfig } from '../../hub/config';
import { startHub } from '../../hub/server';
import { pickTestCitizens, type TestCitizens } from '../support/citizens';
import { connectTestStore, gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';
import { CITIZEN_ALL_PAPERS } from '../support/queries';

/**
 * A failing source over real HTTP with real tokens: one source hanging or erroring nulls only its
 * own fields (SOURCE_UNAVAILABLE, the source and reason named) and is not recorded as disclosed;
 * the breaker opens and recovers; the five sources are asked at once; rate and concurrency limits;
 * /metrics; the request log. Shared data set (`t_`), read only.
 */

const keys = testKeys();
let hub: TestHub;
let people: TestCitizens;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function audited(requestId: string): Promise<AuditRecordDoc> {
  await hub.auditWriter.flush();
  const r = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).findOne({ requestId });
  return r!;
}

const disclosedPaths = (r: AuditRecordDoc) => r.citizens.flatMap((c) => c.disclosed.flatMap((d) => d.paths));

/**
 * A breaker that opens after two requests (two attempts each). Only the source a test hangs has a
 * short timeout (its own policy), so that the test does not wait long; the others keep the default
 * (2 s), far above what a store read takes on a loaded machine, so that none of them times out by
 * accident (with 300 ms for all, a population read under CI load did, and a test failed).
 */
const GUARDS = {
  HUB_SOURCE_RETRIES: '1',
  HUB_BREAKER_FAILURES: '4',
  HUB_BREAKER_HALF_OPEN_MS: '2000',
  HUB_SOURCE_POLICIES: JSON.stringify({ healthRecord: { timeoutMs: 300 } }),
};

beforeAll(async () => {
  hub = await startTestHub(GUARDS);
  people = await pickTestCitizens(hub.store);
});

afterEach(() => hub.guards.faults.clear());

afterAll(async () => {
  await hub?.close();
});

type CitizenData = Pick<Query, 'citizen'>;
/** A JSON line of the request log (pino-http's fields). */
type LogLine = { req?: { id?: string } } & Record<string, unknown>;
const SOURCES: SourceName[] = ['population', 'drivingLicence', 'healthInsurance', 'socialInsurance', 'healthRecord'];

function allPapers(on: TestHub = hub, who = people.l2) {
  return gql<CitizenData>(on.url, CITIZEN_ALL_PAPERS, { id: who }, bearer(keys.citizen(who)));
}

describe('one source failing', () => {
  it('a hanging source nulls only its own field, within its timeout, and is not recorded as disclosed', async () => {
    hub.guards.faults.set('healthRecord', { hang: true });
    const r = await allPapers();
    expect(r.status).toBe(200);
    const c = r.body.data!.citizen!;
    expect(c.fullName).toEqual(expect.any(String));
    expect(c.drivingLicence).not.toBeNull();
    expect(c.healthRecord).toBeNull();
    const errors = r.body.errors ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      path: ['citizen', 'healthRecord'],
      extensions: { code: 'SOURCE_UNAVAILABLE', source: 'healthRecord', reason: 'TIMEOUT' },
    });
    // One attempt (a timeout is not retried), still hung when the answer came: no waiting for it.
    expect(hub.guards.faults.stalled()).toEqual(['healthRecord']);
    const record = await audited(r.headers.get('x-request-id')!);
    expect(disclosedPaths(record)).toContain('citizen.drivingLicence');
    expect(disclosedPaths(record)).not.toContain('citizen.healthRecord');
  });

  it('an erroring source is retried, then nulls only its own field with reason ERROR', async () => {
    hub.guards.faults.set('drivingLicence', { errorRate: 1 });
    const r = await allPapers();
    expect(r.body.data!.citizen!.drivingLicence).toBeNull();
    expect(r.body.data!.citizen!.fullName).toEqual(expect.any(String));
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        path: ['citizen', 'drivingLicence'],
        extensions: expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', source: 'drivingLicence', reason: 'ERROR' }),
      }),
    ]);
    const record = await audited(r.headers.get('x-request-id')!);
    expect(disclosedPaths(record)).not.toContain('citizen.drivingLicence');
    expect(disclosedPaths(record)).toContain('citizen.fullName');
  });

  it('the population failing leaves nothing to disclose: the citizen is null with the error', async () => {
    hub.guards.faults.set('population', { errorRate: 1 });
    const r = await allPapers();
    expect(r.body.data!.citizen).toBeNull();
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'population' });
  });
});

describe('circuit breaker over HTTP', () => {
  // A hub of its own: an earlier test's request can leave a source read running after its
  // response (the prefetch of a citizen whose population read failed), and that read's late
  // success would reset the consecutive-failure count this test is counting.
  let own: TestHub;
  const papers = () => allPapers(own);
  beforeAll(async () => {
    own = await startTestHub(GUARDS);
  });
  afterAll(async () => {
    await own?.close();
  });

  it('opens after repeated failures (fast failures, breaker gauge 1), recovers by a probe once the source is back', async () => {
    own.guards.faults.set('socialInsurance', { errorRate: 1 });
    // Two attempts per request (one retry): two requests open a breaker of four failures.
    for (let i = 0; i < 2; i++) {
      const failed = await papers();
      expect(failed.body.errors?.[0].extensions).toMatchObject({ source: 'socialInsurance', reason: 'ERROR' });
    }
    expect(own.guards.get('socialInsurance').state).toBe('OPEN');
    own.guards.faults.clear();
    const open = await papers();
    expect(open.body.errors?.[0].extensions).toMatchObject({ source: 'socialInsurance', reason: 'CIRCUIT_OPEN' });
    expect(open.body.data!.citizen!.fullName).toEqual(expect.any(String));
    const metrics = await (await fetch(`${own.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_source_breaker_state\{source="socialInsurance"\} 1/);
    expect(metrics).toMatch(/hub_source_failures_total\{source="socialInsurance",reason="CIRCUIT_OPEN"\} [1-9]/);
    // Past the breaker's half-open delay (2 s: the request above, answered while it is open,
    // has that long to arrive even on a loaded machine), the next request is its probe.
    await new Promise((r) => setTimeout(r, 2_100));
    const back = await papers();
    expect(back.body.errors).toBeUndefined();
    expect(own.guards.get('socialInsurance').state).toBe('CLOSED');
    expect(await (await fetch(`${own.url}/metrics`)).text()).toMatch(
      /hub_source_breaker_state\{source="socialInsurance"\} 0/,
    );
  });
});

describe('fan-out', () => {
  // A hub of its own with the default source timeout: the held reads must outlast the asking.
  let own: TestHub;
  beforeAll(async () => {
    own = await startTestHub({});
  });
  afterAll(async () => {
    await own?.close();
  });

  it('asks the five sources at once: all five reads start before any answers', async () => {
    // Every read is held until the faults change: none can answer before all five are asked.
    for (const s of SOURCES) own.guards.faults.set(s, { hold: true });
    const pending = allPapers(own);
    // Serial (the population first, then the others) would answer, the population timed out,
    // with fewer than five reads ever held at once.
    const atOnce = await Promise.race([
      own.guards.faults.whenStalled(5),
      pending.then(() => own.guards.faults.stalled()),
    ]);
    expect([...atOnce].sort()).toEqual([...SOURCES].sort());
    own.guards.faults.clear();
    const r = await pending;
    expect(r.body.errors).toBeUndefined();
    expect(r.headers.get('x-hub-source-calls')).toBe('5');
    expect(r.body.data!.citizen!.drivingLicence).not.toBeNull();
  });
});

describe('request deadline', () => {
  it('no source is waited for past the deadline: their fields fail with reason DEADLINE', async () => {
    // A deadline of 3 s, which the healthy sources' reads stay far inside even on a loaded machine.
    const short = await startTestHub({ HUB_REQUEST_DEADLINE_MS: '3000' });
    try {
      // The first attempt fails after 1.6 s, before its 2 s timeout (the two timers fire in that
      // order however late both are); its retry starts with less than its timeout left before the
      // deadline, and its answer would come 1.6 s later, past the deadline, however early it
      // started. Waited out, the retry would fail too (reason ERROR): DEADLINE is the deadline
      // cutting it.
      short.guards.faults.set('drivingLicence', { latencyMs: 1_600, errorRate: 1 });
      const r = await allPapers(short);
      expect(r.body.data!.citizen!.fullName).toEqual(expect.any(String));
      expect(r.body.errors).toEqual([
        expect.objectContaining({
          path: ['citizen', 'drivingLicence'],
          extensions: expect.objectContaining({ source: 'drivingLicence', reason: 'DEADLINE' }),
        }),
      ]);
      // A deadline is not the source's fault: its breaker stays closed.
      expect(short.guards.get('drivingLicence').state).toBe('CLOSED');
    } finally {
      await short.close();
    }
  });
});

describe('rate and concurrency limits', () => {
  let limited: TestHub;
  beforeAll(async () => {
    limited = await startTestHub({
      HUB_RATE_LIMITS: JSON.stringify({ CITIZEN: { rps: 1, burst: 3 } }),
      HUB_MAX_CONCURRENT: '2',
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('a citizen over their bucket gets 429 RATE_LIMITED with Retry-After; others are not affected', async () => {
    const mine = bearer(keys.citizen(people.l2));
    const q = `{ ping }`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await gql(limited.url, q, undefined, mine)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const over = await gql(limited.url, q, undefined, mine);
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await gql(limited.url, q, undefined, bearer(keys.citizen(people.other)))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await gql(limited.url, q, undefined, mine)).status).toBe(200);
    const metrics = await (await fetch(`${limited.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_rejected_requests_total\{reason="RATE_LIMITED"\} [2-9]/);
  });

  it('more than HUB_MAX_CONCURRENT requests at once: the rest get 429 CONCURRENCY', async () => {
    limited.guards.faults.set('population', { latencyMs: 400 });
    const who = [people.other, people.l1, people.locked, people.noAccount, people.l2];
    const results = await Promise.all(
      who.map((id) =>
        gql(
          limited.url,
          `query($id: PersonalId!) { citizen(personalId: $id) { personalId } }`,
          { id },
          {
            authorization: `Bearer ${keys.officer('DATA_CLEANING', { province: people.area.province })}`,
            'x-request-id': `conc-${id}`,
          },
        ),
      ),
    );
    limited.guards.faults.clear();
    const refused = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONCURRENCY' });
      expect(r.headers.get('retry-after')).toBe('1');
    }
  });

  it('the token endpoint is limited per address too', async () => {
    // A refill of one token every 100 s: however slow the machine, the third request finds none.
    const strict = await startTestHub({ HUB_RATE_LIMITS: JSON.stringify({ ANONYMOUS: { rps: 0.01, burst: 2 } }) });
    try {
      const post = () =>
        fetch(`${strict.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=nobody&client_secret=x&consent_id=y',
        });
      const statuses = [(await post()).status, (await post()).status, (await post()).status];
      expect(statuses.slice(0, 2).every((s) => s !== 429)).toBe(true);
      expect(statuses[2]).toBe(429);
    } finally {
      await strict.close();
    }
  });
});

describe('observability', () => {
  it('/metrics has request latency by operation, audit write latency and the store gauge', async () => {
    await allPapers();
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    expect(text).toMatch(/hub_request_duration_seconds_count\{operation="query\.citizen",status="200"\} [1-9]/);
    expect(text).toMatch(/hub_source_call_duration_seconds_count\{source="population",outcome="OK"\} [1-9]/);
    expect(text).toMatch(/hub_audit_write_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/hub_store_up 1/);
    // Nothing personal in it.
    expect(text).not.toContain(people.l2);
  });

  it('/metrics can require a token', async () => {
    const guarded = await startTestHub({ HUB_METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: bearer('metrics-token-0123456789') });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('logs one JSON line per request with the request id and caller, and no personal data but the ID', async () => {
    const lines: string[] = [];
    // The request's log line is written when its response has gone: waited for, not timed.
    let logged1: (line: LogLine) => void = () => undefined;
    const line1 = new Promise<LogLine>((resolve) => (logged1 = resolve));
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) {
          lines.push(l);
          const parsed = JSON.parse(l) as LogLine;
          if (parsed.req?.id === 'log-1') logged1(parsed);
        }
        cb();
      },
    });
    const store = await connectTestStore();
    const config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: process.env.MONGODB_URI,
      HUB_DB_PREFIX: 't_',
      HUB_KEYS_DIR: keys.keysDir,
      HUB_RATE_LIMITS: 'off',
    });
    const logged = await startHub(
      { config, store, logger: pino({ level: 'info' }, sink), processMetrics: false },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      const token = keys.citizen(people.l2);
      const r = await gql<CitizenData>(
        logged.url,
        CITIZEN_ALL_PAPERS,
        { id: people.l2 },
        { ...bearer(token), 'x-request-id': 'log-1' },
      );
      expect(r.status).toBe(200);
      const name = r.body.data!.citizen!.fullName!;
      expect(await line1).toMatchObject({
        msg: 'request completed',
        req: { id: 'log-1', method: 'POST', path: '/graphql' },
        res: { statusCode: 200 },
        caller: { kind: 'CITIZEN', id: people.l2 },
        responseTime: expect.any(Number),
      });
      const all = lines.join('\n');
      expect(all).not.toContain(token);
      expect(all).not.toContain(name);
      expect(all.toLowerCase()).not.toContain('authorization');
    } finally {
      await logged.stop();
      await store.close();
    }
  });
});
