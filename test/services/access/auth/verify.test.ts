import jwt from 'jsonwebtoken';
import { createHmac, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVINCES } from '../../../../mockdata/generator/areas';
import { issueDevToken, parseArea, signAccessToken } from '../../../../services/access/auth/dev-idp';
import { loadOrCreateSigningKey, type SigningKey } from '../../../../services/access/auth/keys';
import type { AuthFailureReason, Principal } from '../../../../services/access/auth/principal';
import {
  DEFAULT_AUDIENCE,
  DEV_IDP_ISSUER,
  devTrust,
  loadTrustFile,
  type TrustedIssuer,
} from '../../../../services/access/auth/trust';
import { AuthError, verifyAccessToken } from '../../../../services/access/auth/verify';

const HUB = 'urn:vn-papers-hub';
const AUD = DEFAULT_AUDIENCE;
const RSA_ISSUER = 'urn:test:rsa-idp';
const CITIZEN_ID = '001203004567';
const OTHER_CITIZEN = '079199001234';

let dir: string;
let idp: SigningKey;
let hub: SigningKey;
let rsa: { kid: string; privateKey: KeyObject; publicKey: KeyObject };
let trust: TrustedIssuer[];

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);

/** Signs arbitrary header and payload by hand (ES256 with an EC key, RS256 with an RSA key). */
function rawToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig =
    key.asymmetricKeyType === 'ec'
      ? cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

const citizenClaims = (extra: Record<string, unknown> = {}) => ({
  iss: DEV_IDP_ISSUER,
  aud: AUD,
  iat: nowS(),
  exp: nowS() + 600,
  kind: 'citizen',
  sub: CITIZEN_ID,
  ...extra,
});

const officerClaims = (extra: Record<string, unknown> = {}) => ({
  kind: 'officer',
  sub: 'cb-0042',
  role: 'WORKING_GROUP',
  area: { province: '01' },
  unit: 'Công an Thành phố Hà Nội',
  ...extra,
});

const clientClaims = (extra: Record<string, unknown> = {}) => ({
  kind: 'client',
  azp: 'dvc-hanoi',
  sub: CITIZEN_ID,
  cid: 'consent-1',
  scope: 'IDENTITY RESIDENCE',
  purpose: '1.001234',
  ...extra,
});

const idpSign = (claims: Record<string, unknown>, o: Partial<Parameters<typeof signAccessToken>[1]> = {}) =>
  signAccessToken(claims, { key: idp, issuer: DEV_IDP_ISSUER, audience: AUD, ...o });
const hubSign = (claims: Record<string, unknown>, o: Partial<Parameters<typeof signAccessToken>[1]> = {}) =>
  signAccessToken(claims, { key: hub, issuer: HUB, audience: AUD, ...o });

function reasonOf(token: string, opts?: Parameters<typeof verifyAccessToken>[2]): AuthFailureReason | 'ACCEPTED' {
  try {
    verifyAccessToken(token, trust, opts);
    return 'ACCEPTED';
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    if (token) expect(e.message).not.toContain(token);
    return e.reason;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hub-auth-test-'));
  const keysDir = join(dir, 'keys');
  trust = devTrust({ keysDir, hubIssuer: HUB, audience: AUD });
  idp = loadOrCreateSigningKey(keysDir, 'dev-idp');
  hub = loadOrCreateSigningKey(keysDir, 'hub-token-service');
  // A third issuer loaded from a trust file, with an RSA key (PEM) and the idp key (JWKS).
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  rsa = { kid: 'rsa-1', privateKey: pair.privateKey, publicKey: pair.publicKey };
  writeFileSync(join(dir, 'rsa.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...idp.jwk, kid: 'ec-from-jwks' }] }));
  writeFileSync(
    join(dir, 'trust.json'),
    JSON.stringify([
      {
        issuer: RSA_ISSUER,
        audience: AUD,
        kinds: ['CITIZEN'],
        jwksFile: 'jwks.json',
        pemFiles: { 'rsa-1': 'rsa.pub.pem' },
      },
    ]),
  );
  trust = [...trust, ...loadTrustFile(join(dir, 'trust.json'))];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('valid tokens', () => {
  test('citizen token from the dev IdP → CITIZEN principal', () => {
    const token = issueDevToken('citizen', { personalId: CITIZEN_ID }, { key: idp, jti: 'j1' });
    expect(verifyAccessToken(token, trust)).toEqual({
      kind: 'CITIZEN',
      personalId: CITIZEN_ID,
      issuer: DEV_IDP_ISSUER,
      tokenId: 'j1',
    });
  });

  test('officer token with a commune → OFFICER principal', () => {
    const commune = PROVINCES[5].communes[3];
    const token = issueDevToken(
      'officer',
      { role: 'DATA_CLEANING', area: parseArea(commune.code), officerId: 'cb-7', unit: 'CA xã' },
      { key: idp, jti: 'j2' },
    );
    expect(verifyAccessToken(token, trust)).toEqual({
      kind: 'OFFICER',
      officerId: 'cb-7',
      role: 'DATA_CLEANING',
      jurisdiction: { province: PROVINCES[5].code, commune: commune.code },
      unit: 'CA xã',
      issuer: DEV_IDP_ISSUER,
      tokenId: 'j2',
    });
  });

  test('client token from the hub token service → CLIENT principal', () => {
    const token = hubSign(clientClaims(), { jti: 'j3' });
    expect(verifyAccessToken(token, trust)).toEqual({
      kind: 'CLIENT',
      clientId: 'dvc-hanoi',
      citizenId: CITIZEN_ID,
      consentId: 'consent-1',
      scopes: ['IDENTITY', 'RESIDENCE'],
      purpose: '1.001234',
      issuer: HUB,
      tokenId: 'j3',
    });
  });

  test('typ application/at+jwt (any case) is accepted', () => {
    const token = rawToken({ alg: 'ES256', typ: 'Application/AT+JWT', kid: idp.kid }, citizenClaims(), idp.privateKey);
    expect(verifyAccessToken(token, trust)).toMatchObject({ kind: 'CITIZEN', personalId: CITIZEN_ID });
  });

  test('RS256 token from a trust-file issuer (PEM key) is accepted', () => {
    const token = rawToken(
      { alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1' },
      citizenClaims({ iss: RSA_ISSUER }),
      rsa.privateKey,
    );
    expect(verifyAccessToken(token, trust)).toMatchObject({ kind: 'CITIZEN', issuer: RSA_ISSUER });
  });

  test('a key loaded from a JWKS file verifies', () => {
    const token = rawToken(
      { alg: 'ES256', typ: 'at+jwt', kid: 'ec-from-jwks' },
      citizenClaims({ iss: RSA_ISSUER }),
      idp.privateKey,
    );
    expect(verifyAccessToken(token, trust)).toMatchObject({ kind: 'CITIZEN', issuer: RSA_ISSUER });
  });

  test('expired 20 s ago is accepted within the 30 s clock tolerance', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { now: new Date(Date.now() - 80_000), expiresInS: 60 });
    expect(reasonOf(token)).toBe('ACCEPTED');
    expect(reasonOf(token, { clockToleranceS: 0 })).toBe('EXPIRED');
  });
});

describe('algorithm', () => {
  test('alg none (hand-crafted, empty signature) → ALGORITHM_NOT_ALLOWED', () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: idp.kid })}.${b64(citizenClaims())}.`;
    expect(reasonOf(token)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  test('alg none with a bogus signature part → ALGORITHM_NOT_ALLOWED', () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: idp.kid })}.${b64(citizenClaims())}.${b64('x')}`;
    expect(reasonOf(token)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  test('HS256 signed with the public key PEM as secret → ALGORITHM_NOT_ALLOWED', () => {
    const pem = idp.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const token = jwt.sign(citizenClaims(), pem, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: idp.kid },
    });
    expect(reasonOf(token)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  test('HS256 signed with the public JWK bytes as secret → ALGORITHM_NOT_ALLOWED', () => {
    const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: idp.kid })}.${b64(citizenClaims())}`;
    const sig = createHmac('sha256', JSON.stringify(idp.jwk)).update(input).digest('base64url');
    expect(reasonOf(`${input}.${sig}`)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  test('HS512 → ALGORITHM_NOT_ALLOWED', () => {
    const token = jwt.sign(citizenClaims(), 'secret', {
      algorithm: 'HS512',
      header: { alg: 'HS512', typ: 'at+jwt', kid: idp.kid },
    });
    expect(reasonOf(token)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  test('RS256 signed with an unknown RSA key, with the known EC kid → ALGORITHM_NOT_ALLOWED', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = rawToken({ alg: 'RS256', typ: 'at+jwt', kid: idp.kid }, citizenClaims(), other.privateKey);
    expect(reasonOf(token)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  test('RS256 signed with an unknown RSA key, with the known RSA kid → BAD_SIGNATURE', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = rawToken(
      { alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1' },
      citizenClaims({ iss: RSA_ISSUER }),
      other.privateKey,
    );
    expect(reasonOf(token)).toBe('BAD_SIGNATURE');
  });
});

describe('time', () => {
  test('expired → EXPIRED', () => {
    const token = idpSign(
      { kind: 'citizen', sub: CITIZEN_ID },
      { now: new Date(Date.now() - 7200_000), expiresInS: 3600 },
    );
    expect(reasonOf(token)).toBe('EXPIRED');
  });

  test('nbf 10 minutes in the future → NOT_YET_VALID', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { notBefore: new Date(Date.now() + 600_000) });
    expect(reasonOf(token)).toBe('NOT_YET_VALID');
  });

  test('nbf 10 s in the future is accepted within tolerance', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { notBefore: new Date(Date.now() + 10_000) });
    expect(reasonOf(token)).toBe('ACCEPTED');
  });

  test('no exp → BAD_CLAIMS', () => {
    const { exp: _exp, ...claims } = citizenClaims();
    void _exp;
    const token = rawToken({ alg: 'ES256', typ: 'at+jwt', kid: idp.kid }, claims, idp.privateKey);
    expect(reasonOf(token)).toBe('BAD_CLAIMS');
  });

  test('opts.now is honoured', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { expiresInS: 60 });
    expect(reasonOf(token, { now: new Date(Date.now() + 3600_000) })).toBe('EXPIRED');
  });
});

describe('issuer, audience, type, key', () => {
  test('wrong aud → WRONG_AUDIENCE', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { audience: 'some-other-api' }))).toBe(
      'WRONG_AUDIENCE',
    );
  });

  test('untrusted iss → UNKNOWN_ISSUER', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { issuer: 'https://evil.example' }))).toBe(
      'UNKNOWN_ISSUER',
    );
  });

  test('no iss → UNKNOWN_ISSUER', () => {
    const { iss: _iss, ...claims } = citizenClaims();
    void _iss;
    expect(reasonOf(rawToken({ alg: 'ES256', typ: 'at+jwt', kid: idp.kid }, claims, idp.privateKey))).toBe(
      'UNKNOWN_ISSUER',
    );
  });

  test('missing typ → WRONG_TYPE', () => {
    expect(reasonOf(rawToken({ alg: 'ES256', kid: idp.kid }, citizenClaims(), idp.privateKey))).toBe('WRONG_TYPE');
  });

  test('typ JWT → WRONG_TYPE', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { header: { typ: 'JWT' } }))).toBe('WRONG_TYPE');
  });

  test('unknown kid → UNKNOWN_KEY', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { header: { kid: 'no-such-key' } }))).toBe(
      'UNKNOWN_KEY',
    );
  });

  test('no kid → UNKNOWN_KEY', () => {
    expect(reasonOf(rawToken({ alg: 'ES256', typ: 'at+jwt' }, citizenClaims(), idp.privateKey))).toBe('UNKNOWN_KEY');
  });

  test("kid of the hub token service with the dev IdP's iss → UNKNOWN_KEY", () => {
    const token = rawToken({ alg: 'ES256', typ: 'at+jwt', kid: hub.kid }, citizenClaims(), hub.privateKey);
    expect(reasonOf(token)).toBe('UNKNOWN_KEY');
  });

  test("signed by the hub token service key but carrying the dev IdP's kid → BAD_SIGNATURE", () => {
    const token = rawToken({ alg: 'ES256', typ: 'at+jwt', kid: idp.kid }, citizenClaims(), hub.privateKey);
    expect(reasonOf(token)).toBe('BAD_SIGNATURE');
  });

  test('tampered payload (sub flipped, signature kept) → BAD_SIGNATURE', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(reasonOf(`${h}.${b64({ ...payload, sub: OTHER_CITIZEN })}.${s}`)).toBe('BAD_SIGNATURE');
  });

  test('jku header present → MALFORMED (keys never taken from the token)', () => {
    expect(
      reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { header: { jku: 'https://evil.example/jwks.json' } })),
    ).toBe('MALFORMED');
  });

  test('embedded jwk header → MALFORMED', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID }, { header: { jwk: idp.jwk } }))).toBe('MALFORMED');
  });
});

describe('structure', () => {
  test('oversized token → TOO_LARGE', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID, pad: 'x'.repeat(9000) });
    expect(reasonOf(token)).toBe('TOO_LARGE');
  });

  test('maxTokenBytes option is honoured', () => {
    const token = idpSign({ kind: 'citizen', sub: CITIZEN_ID });
    expect(reasonOf(token, { maxTokenBytes: 100 })).toBe('TOO_LARGE');
  });

  test('garbage string → MALFORMED', () => {
    expect(reasonOf('not a token at all')).toBe('MALFORMED');
  });

  test('three parts but header not JSON → MALFORMED', () => {
    expect(reasonOf(`${b64('{nope')}.${b64(citizenClaims())}.${b64('sig')}`)).toBe('MALFORMED');
  });

  test('empty token → MALFORMED', () => {
    expect(reasonOf('')).toBe('MALFORMED');
  });
});

describe('claims → principal (mutually exclusive kinds)', () => {
  test('citizen token with role/area claims → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID, role: 'SUPERVISOR', area: { province: '01' } }))).toBe(
      'BAD_CLAIMS',
    );
  });

  test('citizen token with a scope claim → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: CITIZEN_ID, scope: 'IDENTITY' }))).toBe('BAD_CLAIMS');
  });

  test('citizen token with a non-12-digit sub → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign({ kind: 'citizen', sub: 'cb-0042' }))).toBe('BAD_CLAIMS');
  });

  test('token without a kind claim → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign({ sub: CITIZEN_ID }))).toBe('BAD_CLAIMS');
  });

  test('officer token with a 12-digit sub → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign(officerClaims({ sub: CITIZEN_ID })))).toBe('BAD_CLAIMS');
  });

  test('officer with an unknown role → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign(officerClaims({ role: 'ADMIN' })))).toBe('BAD_CLAIMS');
  });

  test('officer area not a real province (99, or a pre-2025 code) → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign(officerClaims({ area: { province: '99' } })))).toBe('BAD_CLAIMS');
    const today = new Set(PROVINCES.map((p) => p.code));
    const gone = ['02', '06', '10', '14', '17', '35', '74'].find((c) => !today.has(c))!;
    expect(gone).toBeDefined();
    expect(reasonOf(idpSign(officerClaims({ area: { province: gone } })))).toBe('BAD_CLAIMS');
  });

  test('officer commune not in that province → BAD_CLAIMS', () => {
    const commune = PROVINCES[3].communes[0].code;
    expect(reasonOf(idpSign(officerClaims({ area: { province: PROVINCES[0].code, commune } })))).toBe('BAD_CLAIMS');
  });

  test('officer area VN (the whole country): a SUPERVISOR only, without commune', () => {
    const national = verifyAccessToken(
      idpSign(officerClaims({ role: 'SUPERVISOR', area: { province: 'VN' } })),
      trust,
    ) as Extract<Principal, { kind: 'OFFICER' }>;
    expect(national.jurisdiction).toEqual({ province: 'VN' });
    expect(reasonOf(idpSign(officerClaims({ role: 'DATA_CLEANING', area: { province: 'VN' } })))).toBe('BAD_CLAIMS');
    expect(reasonOf(idpSign(officerClaims({ area: { province: 'VN' } })))).toBe('BAD_CLAIMS');
    const commune = PROVINCES[0].communes[0].code;
    expect(reasonOf(idpSign(officerClaims({ role: 'SUPERVISOR', area: { province: 'VN', commune } })))).toBe(
      'BAD_CLAIMS',
    );
    expect(() => issueDevToken('officer', { role: 'DATA_CLEANING', area: parseArea('VN') }, { key: idp })).toThrow(
      /SUPERVISOR/,
    );
  });

  test('officer without unit → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign(officerClaims({ unit: undefined })))).toBe('BAD_CLAIMS');
  });

  test('officer token carrying cid/azp → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign(officerClaims({ azp: 'dvc-hanoi', cid: 'consent-1' })))).toBe('BAD_CLAIMS');
  });

  test('client kind from the dev IdP (not allowed there) → BAD_CLAIMS', () => {
    expect(reasonOf(idpSign(clientClaims()))).toBe('BAD_CLAIMS');
  });

  test('client token with an unknown scope → BAD_CLAIMS', () => {
    expect(reasonOf(hubSign(clientClaims({ scope: 'IDENTITY TAX_RECORD' })))).toBe('BAD_CLAIMS');
  });

  test('client token without cid → BAD_CLAIMS', () => {
    expect(reasonOf(hubSign(clientClaims({ cid: undefined })))).toBe('BAD_CLAIMS');
  });

  test('client token with an officer role → BAD_CLAIMS', () => {
    expect(reasonOf(hubSign(clientClaims({ role: 'SUPERVISOR' })))).toBe('BAD_CLAIMS');
  });

  test('citizen kind signed by the hub token service (not allowed there) → BAD_CLAIMS', () => {
    expect(reasonOf(hubSign({ kind: 'citizen', sub: CITIZEN_ID }))).toBe('BAD_CLAIMS');
  });

  test('officer kind signed by the hub token service → BAD_CLAIMS', () => {
    expect(reasonOf(hubSign(officerClaims()))).toBe('BAD_CLAIMS');
  });

  test('officer kind from an issuer trusted only for citizens → BAD_CLAIMS', () => {
    const token = rawToken(
      { alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1' },
      { ...citizenClaims({ iss: RSA_ISSUER }), ...officerClaims() },
      rsa.privateKey,
    );
    expect(reasonOf(token)).toBe('BAD_CLAIMS');
  });

  test('the app sign-in claims: client_id (RFC 9068) and sid on citizen and officer tokens, never on client tokens', () => {
    const session = { client_id: 'citizen-app', sid: '5f0c3a52-8d1e-4f6a-9b7e-2c1d0e9f8a7b' };
    expect(verifyAccessToken(idpSign(citizenClaims(session)), trust)).toMatchObject({
      kind: 'CITIZEN',
      app: 'citizen-app',
      sessionId: session.sid,
    });
    expect(verifyAccessToken(idpSign(officerClaims(session)), trust)).toMatchObject({
      kind: 'OFFICER',
      app: 'citizen-app',
      sessionId: session.sid,
    });
    expect(reasonOf(idpSign(citizenClaims({ sid: 'a b' })))).toBe('BAD_CLAIMS');
    expect(reasonOf(idpSign(citizenClaims({ client_id: 42 })))).toBe('BAD_CLAIMS');
    expect(reasonOf(hubSign(clientClaims({ sid: session.sid })))).toBe('BAD_CLAIMS');
    expect(reasonOf(hubSign(clientClaims({ client_id: 'dvc-hanoi' })))).toBe('BAD_CLAIMS');
  });
});

describe('trust loading', () => {
  test('a trust file with a symmetric JWK is refused', () => {
    writeFileSync(join(dir, 'oct.json'), JSON.stringify({ keys: [{ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }] }));
    writeFileSync(
      join(dir, 'trust-oct.json'),
      JSON.stringify([{ issuer: 'x', audience: AUD, kinds: ['CITIZEN'], jwksFile: 'oct.json' }]),
    );
    expect(() => loadTrustFile(join(dir, 'trust-oct.json'))).toThrow(/kty/);
  });

  test('devTrust: dev IdP for citizens and officers, hub for clients', () => {
    expect(trust.slice(0, 2).map((t) => [t.issuer, t.kinds])).toEqual([
      [DEV_IDP_ISSUER, ['CITIZEN', 'OFFICER']],
      [HUB, ['CLIENT']],
    ]);
  });
});
