import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import jwt from 'jsonwebtoken';
import { loadOrCreateSigningKey, type SigningKey } from '../../../services/access/auth/keys';
import { oauthRouter, signClientAccessToken } from '../../../hub/routes/oauth';
import { registerClient, setClientStatus } from '../../../services/access/clients';
import { Store } from '../../../store/connection';
import { grantConsent } from '../../../services/access/consents/grant';
import { revokeConsent } from '../../../services/access/consents/revoke';
import { consentsCollection } from '../../../services/access/consents/store';
import type { Consent } from '../../../services/access/model';

const PREFIX = 'oauth_';
const ISSUER = 'urn:vn-papers-hub';
const AUDIENCE = 'vn-papers-hub';
const CITIZEN = '001095000777';
const DAY = 24 * 3600 * 1000;

let store: Store;
let keysDir: string;
let key: SigningKey;
let nextKey: SigningKey;
let server: Server;
let url: string;
let secretA: string;
let secretB: string;
let consentA: Consent;
let consentB: Consent;
const jwtKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

async function tokenRequest(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown>, text };
}

async function grant(clientId: string, overrides: Record<string, unknown> = {}): Promise<Consent> {
  const r = await grantConsent(store, CITIZEN, {
    clientId,
    scopes: ['IDENTITY', 'RESIDENCE'],
    purpose: '1.001234',
    dossierRef: `HS-${randomUUID().slice(0, 8)}`,
    validUntil: new Date(Date.now() + 30 * DAY),
    ...overrides,
  });
  if (!r.consent) throw new Error(JSON.stringify(r.userErrors));
  return r.consent;
}

beforeAll(async () => {
  store = await Store.connect({ uri: process.env.MONGODB_URI!, dbPrefix: PREFIX, maxPoolSize: 8 });
  await store.hubDb.dropDatabase();
  keysDir = mkdtempSync(join(tmpdir(), 'hub-oauth-keys-'));
  key = loadOrCreateSigningKey(keysDir, 'hub-token-service');
  nextKey = loadOrCreateSigningKey(keysDir, 'hub-token-service-next');
  secretA = (
    await registerClient(store, {
      id: 'dvc-a',
      name: 'DVC A',
      scopes: ['IDENTITY', 'RESIDENCE'],
      purposes: ['1.001234'],
    })
  ).secret!;
  secretB = (
    await registerClient(store, {
      id: 'dvc-b',
      name: 'DVC B',
      scopes: ['IDENTITY', 'RESIDENCE'],
      purposes: ['1.001234'],
    })
  ).secret!;
  await registerClient(store, {
    id: 'jwt-client',
    name: 'Key client',
    kind: 'VERIFIER',
    scopes: ['IDENTITY'],
    purposes: ['1.001234'],
    publicKeyPem: jwtKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  });
  consentA = await grant('dvc-a');
  consentB = await grant('dvc-b');

  const app = express();
  app.use(
    oauthRouter({
      store,
      signingKey: [key, nextKey],
      issuer: ISSUER,
      audience: AUDIENCE,
      tokenEndpointUrls: ['https://hub.example/oauth/token'],
    }),
  );
  server = await new Promise<Server>((res) => {
    const s = app.listen(0, '127.0.0.1', () => res(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await store.hubDb.dropDatabase();
  await store.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('POST /oauth/token', () => {
  it('issues a consent-scoped at+jwt to the consent own client (client_secret_basic)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await tokenRequest(form({ grant_type: 'client_credentials', consent_id: consentA._id }), {
      authorization: basic('dvc-a', secretA),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    const token = r.body.access_token as string;
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: key.kid });
    const claims = jwt.verify(token, key.publicKey, {
      algorithms: ['ES256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as jwt.JwtPayload;
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      kind: 'client',
      azp: 'dvc-a',
      sub: CITIZEN,
      cid: consentA._id,
      scope: 'IDENTITY RESIDENCE',
      purpose: '1.001234',
    });
    expect(typeof claims.jti).toBe('string');
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(600);
    expect(claims.exp! * 1000).toBeLessThanOrEqual(consentA.validUntil.getTime());
    expect(r.text).not.toContain(secretA);
  });

  it('accepts client_secret_post, and a narrower scope', async () => {
    const r = await tokenRequest(
      form({
        grant_type: 'client_credentials',
        consent_id: consentA._id,
        client_id: 'dvc-a',
        client_secret: secretA,
        scope: 'RESIDENCE',
      }),
    );
    expect(r.status).toBe(200);
    expect((jwt.decode(r.body.access_token as string) as jwt.JwtPayload).scope).toBe('RESIDENCE');
    const wider = await tokenRequest(
      form({
        grant_type: 'client_credentials',
        consent_id: consentA._id,
        client_id: 'dvc-a',
        client_secret: secretA,
        scope: 'RESIDENCE FAMILY',
      }),
    );
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
  });

  it('never lives past the consent', async () => {
    const short = await grant('dvc-a', { validUntil: new Date(Date.now() + 90_000) });
    const r = await tokenRequest(form({ grant_type: 'client_credentials', consent_id: short._id }), {
      authorization: basic('dvc-a', secretA),
    });
    expect(r.status).toBe(200);
    const claims = jwt.decode(r.body.access_token as string) as jwt.JwtPayload;
    expect(claims.exp! * 1000).toBeLessThanOrEqual(short.validUntil.getTime());
    expect(r.body.expires_in).toBeLessThanOrEqual(90);
    expect(r.body.expires_in).toBe(claims.exp! - claims.iat!);
  });

  it('401 invalid_client with WWW-Authenticate for a wrong secret, an unknown client, no authentication', async () => {
    const body = form({ grant_type: 'client_credentials', consent_id: consentA._id });
    const cases: Array<Record<string, string>> = [
      { authorization: basic('dvc-a', secretB) },
      { authorization: basic('nobody', secretA) },
      {},
    ];
    for (const headers of cases) {
      const r = await tokenRequest(body, headers);
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('invalid_client');
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(r.body.access_token).toBeUndefined();
    }
    const post = await tokenRequest(
      form({
        grant_type: 'client_credentials',
        consent_id: consentA._id,
        client_id: 'dvc-a',
        client_secret: 'x' + secretA,
      }),
    );
    expect(post.status).toBe(401);
    expect(post.body.error).toBe('invalid_client');
  });

  it('401 invalid_client for a suspended client', async () => {
    const { secret } = await registerClient(store, {
      id: 'to-suspend',
      name: 'S',
      scopes: ['IDENTITY'],
      purposes: ['1.001234'],
    });
    const c = await grant('to-suspend', { scopes: ['IDENTITY'] });
    await setClientStatus(store, 'to-suspend', 'SUSPENDED');
    const r = await tokenRequest(form({ grant_type: 'client_credentials', consent_id: c._id }), {
      authorization: basic('to-suspend', secret!),
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
  });

  it('400 invalid_grant for a consent of another client, an unknown consent, a revoked one, an expired one, one not yet valid', async () => {
    const auth = { authorization: basic('dvc-a', secretA) };
    const ask = (consent_id: string) => tokenRequest(form({ grant_type: 'client_credentials', consent_id }), auth);

    const other = await ask(consentB._id);
    expect([other.status, other.body.error]).toEqual([400, 'invalid_grant']);
    const unknown = await ask('does-not-exist');
    expect([unknown.status, unknown.body.error]).toEqual([400, 'invalid_grant']);
    expect(unknown.body.error_description).toBe(other.body.error_description); // existence not revealed

    const revoked = await grant('dvc-a');
    await revokeConsent(store, CITIZEN, revoked._id);
    const rv = await ask(revoked._id);
    expect([rv.status, rv.body.error, rv.body.error_description]).toEqual([400, 'invalid_grant', 'consent revoked']);

    const expired = await grant('dvc-a');
    await consentsCollection(store).updateOne(
      { _id: expired._id },
      { $set: { validUntil: new Date(Date.now() - 1000) } },
    );
    const ex = await ask(expired._id);
    expect([ex.status, ex.body.error, ex.body.error_description]).toEqual([400, 'invalid_grant', 'consent expired']);

    const later = await grant('dvc-a', { validFrom: new Date(Date.now() + DAY) });
    const lt = await ask(later._id);
    expect([lt.status, lt.body.error]).toEqual([400, 'invalid_grant']);
  });

  it('400 invalid_request: missing consent_id, missing grant_type, repeated parameter, two auth methods', async () => {
    const auth = { authorization: basic('dvc-a', secretA) };
    const missing = await tokenRequest(form({ grant_type: 'client_credentials' }), auth);
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
    const noGrant = await tokenRequest(form({ consent_id: consentA._id }), auth);
    expect([noGrant.status, noGrant.body.error]).toEqual([400, 'invalid_request']);
    const twice = await tokenRequest(
      `grant_type=client_credentials&consent_id=${consentA._id}&consent_id=${consentB._id}`,
      auth,
    );
    expect([twice.status, twice.body.error]).toEqual([400, 'invalid_request']);
    const both = await tokenRequest(
      form({ grant_type: 'client_credentials', consent_id: consentA._id, client_id: 'dvc-a', client_secret: secretA }),
      auth,
    );
    expect([both.status, both.body.error]).toEqual([400, 'invalid_request']);
  });

  it('400 unsupported_grant_type', async () => {
    const r = await tokenRequest(form({ grant_type: 'password', consent_id: consentA._id }), {
      authorization: basic('dvc-a', secretA),
    });
    expect([r.status, r.body.error]).toEqual([400, 'unsupported_grant_type']);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('400 for a JSON body, and for an oversized form', async () => {
    const json = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('dvc-a', secretA) },
      body: JSON.stringify({ grant_type: 'client_credentials', consent_id: consentA._id }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const big = await tokenRequest(
      form({ grant_type: 'client_credentials', consent_id: consentA._id, pad: 'x'.repeat(10_000) }),
      {
        authorization: basic('dvc-a', secretA),
      },
    );
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('invalid_request');
  });

  it('405 for GET', async () => {
    const r = await fetch(`${url}/oauth/token`);
    expect(r.status).toBe(405);
  });
});

describe('private_key_jwt', () => {
  let consent: Consent;
  beforeAll(async () => {
    consent = await grant('jwt-client', { scopes: ['IDENTITY'] });
  });

  const assertion = (
    claims: Record<string, unknown> = {},
    alg: jwt.Algorithm = 'ES256',
    signWith: jwt.Secret = jwtKeys.privateKey,
  ) => {
    const t = Math.floor(Date.now() / 1000);
    return jwt.sign(
      { iss: 'jwt-client', sub: 'jwt-client', aud: ISSUER, jti: randomUUID(), iat: t, exp: t + 120, ...claims },
      signWith,
      { algorithm: alg },
    );
  };
  const ask = (client_assertion: string) =>
    tokenRequest(
      form({
        grant_type: 'client_credentials',
        consent_id: consent._id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion,
      }),
    );

  it('authenticates with a signed assertion (aud = issuer or the token endpoint URL)', async () => {
    const r = await ask(assertion());
    expect(r.status).toBe(200);
    expect(jwt.decode(r.body.access_token as string)).toMatchObject({
      azp: 'jwt-client',
      cid: consent._id,
      scope: 'IDENTITY',
    });
    expect((await ask(assertion({ aud: 'https://hub.example/oauth/token' }))).status).toBe(200);
  });

  it('refuses a replayed jti, a wrong audience, a long-lived assertion, HS256, a foreign key, iss != sub', async () => {
    const once = assertion();
    expect((await ask(once)).status).toBe(200);
    const replay = await ask(once);
    expect([replay.status, replay.body.error]).toEqual([401, 'invalid_client']);

    const t = Math.floor(Date.now() / 1000);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const hs = jwt.sign(
      { iss: 'jwt-client', sub: 'jwt-client', aud: ISSUER, jti: randomUUID(), exp: t + 60 },
      'secret',
      { algorithm: 'HS256' },
    );
    for (const bad of [
      assertion({ aud: 'https://evil.example/oauth/token' }),
      assertion({ exp: t + 3600 }),
      assertion({ jti: undefined }),
      assertion({ exp: t - 120 }),
      assertion({}, 'ES256', other.privateKey),
      assertion({ sub: 'dvc-a' }),
      hs,
    ]) {
      const r = await ask(bad);
      expect([r.status, r.body.error]).toEqual([401, 'invalid_client']);
    }
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('publishes every key (the signing one first) without private parts', async () => {
    const r = await fetch(`${url}/.well-known/jwks.json`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { keys: Array<Record<string, unknown>> };
    expect(body.keys.map((k) => k.kid)).toEqual([key.kid, nextKey.kid]);
    for (const k of body.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k.d).toBeUndefined();
    }
  });
});

describe('signClientAccessToken', () => {
  it('caps the lifetime at 600 s', () => {
    const { claims } = signClientAccessToken(key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      consent: { ...consentA, validUntil: new Date(Date.now() + DAY) },
      scopes: ['IDENTITY'],
      ttlS: 3600,
    });
    expect(claims.exp - claims.iat).toBe(600);
  });

  it('oauthRouter refuses a ttl above 600 s', () => {
    expect(() => oauthRouter({ store, signingKey: key, issuer: ISSUER, audience: AUDIENCE, tokenTtlS: 601 })).toThrow();
  });
});
