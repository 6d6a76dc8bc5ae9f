import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import type { CongDanDoc } from '../../connectors/population/model';
import { TEST_CITIZENS } from '../support/constants';
import { gql, startTestHub, type TestHub } from '../support/hub';

let dev: TestHub; // HUB_AUTH=off
let guarded: TestHub; // HUB_AUTH=on (default)
let prod: TestHub; // NODE_ENV=production
let person: CongDanDoc;

beforeAll(async () => {
  [dev, guarded, prod] = await Promise.all([
    startTestHub({ HUB_AUTH: 'off' }),
    startTestHub({}),
    startTestHub({ NODE_ENV: 'production' }),
  ]);
  person = (await dev.store.db('pop').collection<CongDanDoc>('congDan').findOne({ trangThai: 'CON_SONG' }))!;
});

afterAll(async () => {
  await Promise.all([dev.close(), guarded.close(), prod.close()]);
});

describe('health and readiness', () => {
  it('/healthz answers 200 while the process is up', async () => {
    const res = await fetch(`${dev.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with the seeded citizen count', async () => {
    const res = await fetch(`${dev.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', citizens: TEST_CITIZENS });
  });

  it('/readyz answers 503 when the sources are not seeded', async () => {
    const empty = await startTestHub({}, 'empty_');
    try {
      const res = await fetch(`${empty.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not ready', reason: 'sources not seeded' });
    } finally {
      await empty.close();
    }
  });

  it('/readyz answers 503 when the store is unreachable', async () => {
    const hub = await startTestHub({}, 'gone_');
    await hub.store.close();
    try {
      const res = await fetch(`${hub.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reason: string }).reason).toBe('store unreachable');
    } finally {
      await hub.stop();
    }
  });
});

describe('development-mode guard', () => {
  const q = 'query($id: PersonalId!) { citizen(personalId: $id) { personalId fullName } }';

  it('refuses personal data with UNAUTHENTICATED when auth is on, asking no source', async () => {
    const r = await gql(guarded.url, q, { id: person._id });
    expect(r.body.data?.citizen).toBeNull();
    expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.body.errors?.[0].path).toEqual(['citizen']);
    expect(r.headers.get('x-hub-source-calls')).toBe('0');
  });

  it('still answers non-personal fields when auth is on', async () => {
    const r = await gql(guarded.url, '{ ping }');
    expect(r.body).toEqual({ data: { ping: true } });
    // Not even a public answer is kept by a browser or proxy.
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('serves personal data only in the explicit development mode', async () => {
    const r = await gql(dev.url, q, { id: person._id });
    expect(r.body.errors).toBeUndefined();
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.data?.citizen).toEqual({ personalId: person._id, fullName: person.hoTen.normalize('NFC') });
  });
});

describe('bad input', () => {
  it('rejects a malformed PersonalId literal with BAD_USER_INPUT before any source is asked', async () => {
    const r = await gql(dev.url, '{ citizen(personalId: "12345") { fullName } }');
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.headers.get('x-hub-source-calls') ?? '0').toBe('0');
  });

  it('rejects a malformed PersonalId variable with BAD_USER_INPUT', async () => {
    const r = await gql(dev.url, 'query($id: PersonalId!) { citizen(personalId: $id) { fullName } }', {
      id: '0010950123x5',
    });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects Mongo operators passed as a PersonalId', async () => {
    const r = await gql(dev.url, 'query($id: PersonalId!) { citizen(personalId: $id) { fullName } }', {
      id: { $gt: '' },
    });
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.body.data).toBeUndefined();
  });

  it('rejects more than 100 IDs in citizens() with BAD_USER_INPUT, asking no source', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(100000000000 + i));
    const r = await gql(dev.url, 'query($ids: [PersonalId!]!) { citizens(personalIds: $ids) { personalId } }', { ids });
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.headers.get('x-hub-source-calls')).toBe('0');
  });

  it('gives null without an error for an unknown person, and keeps the order of citizens()', async () => {
    const unknown = '999099999999';
    const one = await gql(dev.url, 'query($id: PersonalId!) { citizen(personalId: $id) { personalId } }', {
      id: unknown,
    });
    expect(one.body).toEqual({ data: { citizen: null } });
    const many = await gql(dev.url, 'query($ids: [PersonalId!]!) { citizens(personalIds: $ids) { personalId } }', {
      ids: [person._id, unknown, person._id],
    });
    expect(many.body).toEqual({ data: { citizens: [{ personalId: person._id }, null, { personalId: person._id }] } });
  });

  it('answers a malformed JSON body with 400 and no stack trace', async () => {
    const res = await fetch(`${prod.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('refuses batched HTTP arrays', async () => {
    const res = await fetch(`${dev.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ ping }' }, { query: '{ ping }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await fetch(`${dev.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ping } # ${'x'.repeat(100_000)}` }),
    });
    expect(res.status).toBe(413);
  });
});

describe('production mode', () => {
  it('turns introspection off', async () => {
    const r = await gql(prod.url, '{ __schema { types { name } } }');
    expect(r.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('turns field suggestions off', async () => {
    const r = await gql(prod.url, '{ pin }');
    expect(r.body.errors?.[0].message).not.toMatch(/Did you mean/);
    const dev = await gql(guarded.url, '{ pin }');
    expect(dev.body.errors?.[0].message).toMatch(/Did you mean "ping"/);
  });

  it('sends no stack traces in errors', async () => {
    const r = await gql(prod.url, '{ citizen(personalId: "1") { fullName } }');
    expect(JSON.stringify(r.body)).not.toMatch(/stacktrace/i);
  });
});

describe('kept-alive connections', () => {
  /** A `{ ping }` through `agent` (one socket at most): its status, keep-alive header and socket. */
  const ping = (hub: TestHub, agent: Agent) =>
    new Promise<{ status: number; keepAlive?: string; reused: boolean; socket: Socket }>((resolve, reject) => {
      const req = request(
        `${hub.url}/graphql`,
        { agent, method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              keepAlive: res.headers['keep-alive'] as string | undefined,
              reused: req.reusedSocket,
              socket: req.socket!,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ ping }' }));
    });

  it('keeps an idle connection for 65 s by default (longer than the proxies and pools in front)', async () => {
    expect(dev.config.HUB_KEEPALIVE_TIMEOUT_MS).toBe(65_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await ping(dev, agent)).keepAlive).toBe('timeout=65');
    } finally {
      agent.destroy();
    }
    expect(dev.httpServer.keepAliveTimeout).toBe(65_000);
    expect(dev.httpServer.headersTimeout).toBeGreaterThan(dev.httpServer.keepAliveTimeout);
  });

  it('reuses a connection idle for less than HUB_KEEPALIVE_TIMEOUT_MS, and the server closes it after', async () => {
    const hub = await startTestHub({ HUB_AUTH: 'off', HUB_KEEPALIVE_TIMEOUT_MS: '3000' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(hub.httpServer.keepAliveTimeout).toBe(3_000);
      const first = await ping(hub, agent);
      expect(first).toMatchObject({ status: 200, keepAlive: 'timeout=3' });
      // Idle for a third of the timeout: the same socket serves the next request.
      await new Promise((r) => setTimeout(r, 1_000));
      const second = await ping(hub, agent);
      expect(second).toMatchObject({ status: 200, reused: true });
      expect(second.socket).toBe(first.socket);
      // Then left idle: the server ends it by itself (the client sends nothing more).
      await new Promise((r) => second.socket.once('close', r));
      expect(second.socket.destroyed).toBe(true);
    } finally {
      agent.destroy();
      await hub.close();
    }
  });
});
