import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import * as oauth from 'oauth4webapi';
import pino from 'pino';
import { seed } from '../../../mockdata/seed/index';
import { DEV_IDP_ISSUER } from '../../../services/access/auth/trust';
import { connectTestStore, gql, startTestHub, type TestHub } from '../../support/hub';

/**
 * The citizen app's sign-in at the development IdP over real HTTP on a real store: an
 * independent OAuth client (oauth4webapi) drives the hub's authorization server, the one-time
 * code is read from the hub's log as a developer would.
 */
const PREFIX = 'applogin_';
const CLIENT = 'citizen-app';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

const logLines: Array<Record<string, unknown>> = [];
const logText: string[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logText.push(line);
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  }),
);

let hub: TestHub;
let hub2: TestHub;
let citizenId: string;
let redirectUri: string;

type Who = { personalId: string } | { officerId: string };

function form(params: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    redirect: 'manual',
  };
}

function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]+)"`).exec(html);
  if (!m) throw new Error(`no ${name} in the page`);
  return m[1];
}

function authorizeUrl(base: string, params: Record<string, string>): string {
  const u = new URL('/oauth/authorize', base);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: redirectUri,
    ...params,
  }))
    u.searchParams.set(k, v);
  return u.toString();
}

/** What a person does in the browser: choose who they are, read the code from the log, type it. Returns the redirect. */
async function browserSignIn(url: string, who: Who, base = hub.url): Promise<URL> {
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const request = field(await page.text(), 'request');
  const choice: Record<string, string> =
    'personalId' in who
      ? { who: 'citizen', personal_id: who.personalId }
      : { who: 'officer', officer_id: who.officerId };
  const login = await fetch(`${base}/oauth/authorize/login`, form({ request, lang: 'vi', ...choice }));
  expect(login.status).toBe(200);
  const challenge = field(await login.text(), 'challenge');
  const line = logLines.filter((l) => l.msg === 'development IdP one-time code').at(-1)!;
  expect('personalId' in who ? line.personalId : line.officerId).toBe(
    'personalId' in who ? who.personalId : who.officerId,
  );
  const verify = await fetch(
    `${base}/oauth/authorize/verify`,
    form({ challenge, code: String(line.code), lang: 'vi' }),
  );
  expect(verify.status).toBe(303);
  return new URL(verify.headers.get('location')!);
}

/** Sign-in up to the code: the code, the verifier, and the redirect's parameters. */
async function codeFor(who: Who, base = hub.url) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const back = await browserSignIn(
    authorizeUrl(base, {
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    }),
    who,
    base,
  );
  return { code: back.searchParams.get('code')!, verifier, state, back };
}

async function token(params: Record<string, string>, base = hub.url) {
  const res = await fetch(`${base}/oauth/token`, form({ client_id: CLIENT, ...params }));
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const redeem = (code: string, verifier: string, base = hub.url) =>
  token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, base);
const refresh = (refreshToken: string, base = hub.url) =>
  token({ grant_type: 'refresh_token', refresh_token: refreshToken }, base);
const me = (accessToken: string, base = hub.url) =>
  gql(base, '{ me { personalId fullName } }', undefined, { authorization: `Bearer ${accessToken}` });

beforeAll(async () => {
  const store = await connectTestStore(PREFIX);
  await store.hubDb.dropDatabase();
  await seed(store, { citizens: 60, seed: 1414, rates: { MALFORMED: 0 } });
  const account = await store.hubDb.collection<{ _id: string }>('accounts').findOne({ status: 'ACTIVE', level: 2 });
  citizenId = account!._id;
  await store.close();
  hub = await startTestHub({}, PREFIX, { logger });
  hub2 = await startTestHub({}, PREFIX);
  redirectUri = `${hub.url}/app/callback`;
});

afterAll(async () => {
  await hub?.close();
  await hub2?.close();
});

describe('metadata (RFC 8414)', () => {
  it('names the endpoints, PKCE S256 only, and the grants', async () => {
    const res = await fetch(`${hub.url}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      issuer: hub.url,
      authorization_endpoint: `${hub.url}/oauth/authorize`,
      token_endpoint: `${hub.url}/oauth/token`,
      revocation_endpoint: `${hub.url}/oauth/revoke`,
      end_session_endpoint: `${hub.url}/oauth/logout`,
      jwks_uri: `${hub.url}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      authorization_response_iss_parameter_supported: true,
    });
  });
});

describe('authorization code with PKCE', () => {
  it('signs a citizen in (oauth4webapi as the app): code + state + iss, then tokens that `me` accepts', async () => {
    const as = await oauth.processDiscoveryResponse(
      new URL(hub.url),
      await oauth.discoveryRequest(new URL(hub.url), { algorithm: 'oauth2', ...insecure }),
    );
    const client: oauth.Client = { client_id: CLIENT };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: redirectUri,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    }).toString();
    const back = await browserSignIn(url.toString(), { personalId: citizenId });
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    const params = oauth.validateAuthResponse(as, client, back, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(300);
    expect(typeof tokens.refresh_token).toBe('string');

    const claims = jwt.decode(tokens.access_token) as jwt.JwtPayload;
    expect(claims).toMatchObject({ iss: DEV_IDP_ISSUER, kind: 'citizen', sub: citizenId, client_id: CLIENT });
    expect(typeof claims.sid).toBe('string');
    const r = await me(tokens.access_token);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.me).toMatchObject({ personalId: citizenId });

    // Rotation through the same client library.
    const next = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await me(next.access_token)).body.data!.me).toMatchObject({ personalId: citizenId });
  });

  it('signs an officer in; `me` is FORBIDDEN NOT_SUBJECT for officers', async () => {
    const { code, verifier } = await codeFor({ officerId: 'CA-HN-DC-01' });
    const t = await redeem(code, verifier);
    expect(t.status).toBe(200);
    expect(jwt.decode(t.body.access_token)).toMatchObject({
      kind: 'officer',
      sub: 'CA-HN-DC-01',
      role: 'DATA_CLEANING',
      area: { province: '01' },
      client_id: CLIENT,
    });
    const r = await gql(hub.url, '{ me { personalId } }', undefined, {
      authorization: `Bearer ${t.body.access_token}`,
    });
    expect(r.body.data!.me).toBeNull();
    expect(r.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
  });

  it('refuses a wrong verifier without spending the code', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const wrong = await redeem(code, oauth.generateRandomCodeVerifier());
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it('refuses a reused code and revokes what it gave (RFC 6749 §4.1.2), on any instance', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    expect((await me(first.body.access_token)).status).toBe(200);
    const again = await redeem(code, verifier, hub2.url);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await refresh(first.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const refused = await me(first.body.access_token);
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
  });

  it('spends a code once when two instances race for it, and the reuse ends what it gave', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => redeem(code, verifier, i % 2 ? hub2.url : hub.url)),
    );
    const uses = hub.store.hubDb.collection<{ _id: string }>('oauthCodeUses');
    expect(await uses.countDocuments({ _id: createHash('sha256').update(code).digest('base64url') })).toBe(1);
    // The winner may answer 200 or, when a loser's reuse revoked its session first, invalid_grant too.
    const won = answers.filter((a) => a.status === 200);
    expect(won.length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a.body.error === 'invalid_grant')).toHaveLength(8 - won.length);
    for (const w of won) {
      expect((await refresh(w.body.refresh_token)).body.error).toBe('invalid_grant');
      expect((await me(w.body.access_token)).status).toBe(401);
    }
  });

  it('binds the code to its redirect_uri and client', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const other = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `http://localhost:${hub.port}/app/callback`,
      code_verifier: verifier,
    });
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const secret = await token({
      grant_type: 'authorization_code',
      code,
      client_secret: 'x',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(secret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await redeem(code, verifier)).status).toBe(200);
  });
});

describe('the authorization endpoint refuses', () => {
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('an unregistered redirect_uri or unknown client: an error page, never a redirect', async () => {
    for (const url of [
      authorizeUrl(hub.url, {
        redirect_uri: 'https://evil.example/cb',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      authorizeUrl(hub.url, { client_id: 'nobody', code_challenge: challenge, code_challenge_method: 'S256' }),
      authorizeUrl(hub.url, {
        redirect_uri: `${redirectUri}/../x`,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    ]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/role="alert"/);
    }
  });

  it('no PKCE, plain PKCE, or another response type: back to the app with the error and state', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ state: 's1' }, 'invalid_request'],
      [{ state: 's1', code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      [
        { state: 's1', code_challenge: challenge, code_challenge_method: 'S256', response_type: 'token' },
        'unsupported_response_type',
      ],
    ];
    for (const [params, error] of cases) {
      const res = await fetch(authorizeUrl(hub.url, params), { redirect: 'manual' });
      expect(res.status).toBe(303);
      const to = new URL(res.headers.get('location')!);
      expect(`${to.origin}${to.pathname}`).toBe(redirectUri);
      expect(Object.fromEntries(to.searchParams)).toMatchObject({ error, state: 's1', iss: hub.url });
    }
  });

  it('a wrong one-time code, then locks after 5', async () => {
    const page = await fetch(authorizeUrl(hub.url, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const request = field(await page.text(), 'request');
    const login = await fetch(
      `${hub.url}/oauth/authorize/login`,
      form({ request, who: 'citizen', personal_id: citizenId, lang: 'en' }),
    );
    const challengeId = field(await login.text(), 'challenge');
    const right = String(logLines.filter((l) => l.msg === 'development IdP one-time code').at(-1)!.code);
    const wrongCode = right === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const res = await fetch(
        `${hub.url}/oauth/authorize/verify`,
        form({ challenge: challengeId, code: wrongCode, lang: 'en' }),
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`${5 - i} tries left`);
    }
    await fetch(`${hub.url}/oauth/authorize/verify`, form({ challenge: challengeId, code: wrongCode, lang: 'en' }));
    const late = await fetch(
      `${hub.url}/oauth/authorize/verify`,
      form({ challenge: challengeId, code: right, lang: 'en' }),
    );
    expect(late.status).toBe(400);
    expect(late.headers.get('location')).toBeNull();
    expect(await late.text()).toContain('Too many wrong codes');
  });

  it('a badly formed personal ID, in the page, tied to its field (the page offers seeded IDs)', async () => {
    const page = await fetch(authorizeUrl(hub.url, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const first = await page.text();
    expect(first).toMatch(/<datalist id="sample_ids"><option value="\d{12}">/);
    expect(first).toContain('<label for="officer_id">');
    const request = field(first, 'request');
    const res = await fetch(
      `${hub.url}/oauth/authorize/login`,
      form({ request, who: 'citizen', personal_id: '12ab', lang: 'vi' }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-invalid="true" aria-describedby="personal_id-error');
    expect(html).toContain('<html lang="vi">');
  });
});

describe('refresh tokens', () => {
  it('rotate on each use; a spent one presented again revokes the whole session', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const t1 = (await redeem(code, verifier)).body;
    const t2 = await refresh(t1.refresh_token);
    expect(t2.status).toBe(200);
    expect(t2.body.refresh_token).not.toBe(t1.refresh_token);
    const t3 = await refresh(t2.body.refresh_token, hub2.url);
    expect(t3.status).toBe(200);
    expect((await me(t3.body.access_token)).status).toBe(200);

    expect(await refresh(t1.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await refresh(t3.body.refresh_token, hub2.url)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    const refused = await me(t3.body.access_token);
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0].extensions).toMatchObject({ reason: 'REVOKED' });
  });
});

describe('logout and revocation', () => {
  it('POST /oauth/logout ends the session and sends the browser to a registered page with state', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const t = (await redeem(code, verifier)).body;
    const res = await fetch(
      `${hub.url}/oauth/logout`,
      form({ client_id: CLIENT, token: t.refresh_token, post_logout_redirect_uri: `${hub.url}/app/`, state: 'bye' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${hub.url}/app/?state=bye`);
    expect((await refresh(t.refresh_token)).body.error).toBe('invalid_grant');
    expect((await me(t.access_token)).status).toBe(401);
    // Another instance that never saw this session reads the revocation from the store.
    expect((await me(t.access_token, hub2.url)).status).toBe(401);
  });

  it('POST /oauth/logout with the bearer token answers 204; an unregistered post-logout URI is refused', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const t = (await redeem(code, verifier)).body;
    const bad = await fetch(
      `${hub.url}/oauth/logout`,
      form({ client_id: CLIENT, token: t.refresh_token, post_logout_redirect_uri: 'https://evil.example/' }),
    );
    expect(bad.status).toBe(400);
    expect((await me(t.access_token)).status).toBe(200);
    const init = form({ client_id: CLIENT });
    const res = await fetch(`${hub.url}/oauth/logout`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${t.access_token}` },
    });
    expect(res.status).toBe(204);
    expect((await refresh(t.refresh_token)).body.error).toBe('invalid_grant');
    const page = await fetch(`${hub.url}/oauth/logout?ui_locales=en`);
    expect(await page.text()).toContain('You are signed out.');
  });

  it('POST /oauth/revoke (RFC 7009) with the refresh token ends the session; unknown tokens answer 200', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const t = (await redeem(code, verifier)).body;
    const res = await fetch(
      `${hub.url}/oauth/revoke`,
      form({ client_id: CLIENT, token: t.refresh_token, token_type_hint: 'refresh_token' }),
    );
    expect(res.status).toBe(200);
    expect((await me(t.access_token)).status).toBe(401);
    expect((await fetch(`${hub.url}/oauth/revoke`, form({ client_id: CLIENT, token: 'nothing' }))).status).toBe(200);
  });
});

describe('the log', () => {
  it('holds the one-time codes with the personal ID only, and never a code, refresh or access token', async () => {
    const { code, verifier } = await codeFor({ personalId: citizenId });
    const t = (await redeem(code, verifier)).body;
    const otpLines = logLines.filter((l) => l.msg === 'development IdP one-time code');
    expect(otpLines.length).toBeGreaterThan(3);
    for (const l of otpLines) {
      const { level, time, pid, hostname, msg, personalId, officerId, code: otp, ...rest } = l;
      expect(rest).toEqual({});
      expect([level, time, pid, hostname, msg, otp]).not.toContain(undefined);
      expect(personalId ?? officerId).toBeDefined();
    }
    const text = logText.join('\n');
    for (const secret of [code, verifier, t.access_token, t.refresh_token]) expect(text).not.toContain(secret);
  });
});
