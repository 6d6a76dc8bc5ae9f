import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueDevToken } from '../../services/access/auth/dev-idp';
import { printHubSchema, SCHEMA_FILE } from '../../hub/schema-print';
import { pickTestCitizens } from '../support/citizens';
import { startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';

/**
 * What browsers and first-party apps meet over real HTTP: CORS, trusted documents, the SDL,
 * GraphiQL from the hub's own files, and what production turns off. Reads the shared data set.
 */
const FIXTURE = join(__dirname, 'fixtures', 'persisted-documents.json');
const ME = '1a351d544fd62dacf569857d1750bff1e3ffc89e213e8df7a4c11ee988e57b25';
const PING = '9fe0e5f4706908a4a057c260770dd0170bd8dd80005f190c4079da2d5f6768ef';
const keys = testKeys();

let dev: TestHub;
let strict: TestHub;
let prod: TestHub;
let citizen: string;
let appToken: string;

const post = (hub: TestHub, body: unknown, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  dev = await startTestHub({ HUB_TRUSTED_DOCUMENTS_FILE: FIXTURE });
  strict = await startTestHub({
    HUB_TRUSTED_DOCUMENTS_FILE: FIXTURE,
    HUB_TRUSTED_DOCUMENTS: 'required',
    HUB_CORS_ORIGINS: 'https://app.example,http://localhost:5173',
  });
  prod = await startTestHub({ NODE_ENV: 'production', HUB_TRUSTED_DOCUMENTS_FILE: FIXTURE });
  citizen = (await pickTestCitizens(dev.store)).l2;
  appToken = issueDevToken('citizen', { personalId: citizen }, { key: keys.idp, clientId: 'citizen-app' });
});

afterAll(async () => {
  await dev?.close();
  await strict?.close();
  await prod?.close();
});

describe('CORS', () => {
  const preflight = (hub: TestHub, origin: string) =>
    fetch(`${hub.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it("answers a preflight from an allowed origin (development: the hub's own) with 204 and the right headers", async () => {
    const origin = `http://localhost:${dev.port}`;
    const res = await preflight(dev, origin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('vary')).toMatch(/Origin/);

    const actual = await post(dev, { query: '{ ping }' }, undefined, { origin });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe(origin);
    expect(actual.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  it('gives a disallowed origin no CORS headers (403 to its preflight), and never a wildcard', async () => {
    for (const origin of ['https://evil.example', `http://localhost:${dev.port + 1}`, 'null']) {
      const pre = await preflight(dev, origin);
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const actual = await post(dev, { query: '{ ping }' }, undefined, { origin });
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
      expect(actual.headers.get('vary')).toMatch(/Origin/);
    }
  });

  it('takes the allow-list from HUB_CORS_ORIGINS; production allows none by default', async () => {
    expect((await preflight(strict, 'https://app.example')).headers.get('access-control-allow-origin')).toBe(
      'https://app.example',
    );
    expect((await preflight(strict, `http://127.0.0.1:${strict.port}`)).status).toBe(403);
    expect((await preflight(prod, `http://127.0.0.1:${prod.port}`)).status).toBe(403);
  });
});

describe('trusted documents', () => {
  const code = async (res: Response) =>
    ((await res.json()) as { errors?: Array<{ extensions: { code: string } }> }).errors?.[0]?.extensions.code;

  it('runs a registered document by documentId, by persistedQuery hash, and over GET', async () => {
    const byId = await post(strict, { documentId: `sha256:${ME}` }, appToken);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toMatchObject({ data: { me: { personalId: citizen } } });
    const byHash = await post(strict, { extensions: { persistedQuery: { version: 1, sha256Hash: PING } } }, appToken);
    expect(await byHash.json()).toEqual({ data: { ping: true } });
    const get = await fetch(`${strict.url}/graphql?documentId=sha256:${PING}`, {
      headers: { authorization: `Bearer ${appToken}`, 'apollo-require-preflight': '1' },
    });
    expect(await get.json()).toEqual({ data: { ping: true } });
  });

  it('refuses an unknown id, and query text from the first-party app when required', async () => {
    const unknown = await post(strict, { documentId: `sha256:${'0'.repeat(64)}` }, appToken);
    expect(unknown.status).toBe(400);
    expect(await code(unknown)).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    expect(await code(await post(strict, { documentId: 'md5:abc' }, appToken))).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    const text = await post(strict, { query: '{ me { personalId fullName healthRecord { bloodType } } }' }, appToken);
    expect(text.status).toBe(400);
    expect(await code(text)).toBe('PERSISTED_DOCUMENT_REQUIRED');
  });

  it('leaves other callers free to send text; in development (optional) the app may too', async () => {
    const plain = keys.citizen(citizen);
    expect(await (await post(strict, { query: '{ ping }' }, plain)).json()).toEqual({ data: { ping: true } });
    expect(await (await post(strict, { query: '{ ping }' })).json()).toEqual({ data: { ping: true } });
    expect(await (await post(dev, { query: '{ ping }' }, appToken)).json()).toEqual({ data: { ping: true } });
    expect(await (await post(dev, { documentId: `sha256:${PING}` }, appToken)).json()).toEqual({
      data: { ping: true },
    });
  });

  it('is required by default in production', async () => {
    expect(await code(await post(prod, { query: '{ ping }' }, appToken))).toBe('PERSISTED_DOCUMENT_REQUIRED');
    expect(await (await post(prod, { documentId: `sha256:${PING}` }, appToken)).json()).toEqual({
      data: { ping: true },
    });
  });
});

describe('the schema file', () => {
  it('is fresh and served at /schema.graphql', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', SCHEMA_FILE), 'utf8');
    expect(printHubSchema()).toBe(committed);
    const res = await fetch(`${dev.url}/schema.graphql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(committed);
    expect(committed).toMatch(/\n {2}me: Citizen @self/);
  });
});

describe('GraphiQL', () => {
  it('loads from the hub only: no external URL in its page, every asset served by the hub', async () => {
    for (const path of ['/graphiql', '/graphql']) {
      const res = await fetch(`${dev.url}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
      const html = await res.text();
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/apollographql|unpkg|jsdelivr|esm\.sh/);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assets).toHaveLength(6);
      for (const asset of assets) {
        const a = await fetch(`${dev.url}${asset}`);
        expect([asset, a.status]).toEqual([asset, 200]);
        expect((await a.text()).length).toBeGreaterThan(20);
      }
    }
  });

  it('leaves GET /graphql with an operation to GraphQL', async () => {
    const res = await fetch(`${dev.url}/graphql?query=%7Bping%7D`, {
      headers: { accept: 'text/html, application/json;q=0.9', 'apollo-require-preflight': '1' },
    });
    expect(await res.json()).toEqual({ data: { ping: true } });
  });

  it('is off in production, and so are the SDL, the development IdP and any Apollo landing page', async () => {
    expect((await fetch(`${prod.url}/graphiql`)).status).toBe(404);
    const page = await fetch(`${prod.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/<html|apollographql|sandbox/i);
    expect((await fetch(`${prod.url}/schema.graphql`)).status).toBe(404);
    expect((await fetch(`${prod.url}/oauth/authorize?client_id=citizen-app`)).status).toBe(404);
    const meta = (await (await fetch(`${prod.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta.authorization_endpoint).toBeUndefined();
    expect(meta.grant_types_supported).toEqual(['client_credentials']);
  });
});
