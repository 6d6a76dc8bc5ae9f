import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { signAccessToken } from '../services/access/auth/dev-idp';
import { registerClient } from '../services/access/clients';
import { pickTestCitizens } from './support/citizens';
import type { Mutation, Query } from '../generated/graphql';
import { gql, startTestHub, type TestHub } from './support/hub';
import { clientToken } from './support/oauth';
import { testKeys, TEST_AUDIENCE } from './support/keys';

/**
 * The security suite over real HTTP: real tokens, the real token endpoint, the real
 * store. Each case asserts the exact code and reason.
 */
let hub: TestHub;
let reject: TestHub;
const keys = testKeys();
let l2: string; // ACTIVE level 2 with a driving licence
let other: string; // another ACTIVE level 2
let l1: string;
let locked: string;
let area: { province: string; commune: string };
let client: { id: string; secret: string };

const Q = `query($id: PersonalId!) { citizen(personalId: $id) { personalId fullName drivingLicence { number } healthRecord { bloodType } } }`;
type CitizenData = Pick<Query, 'citizen'>;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const reasonAt = (
  r: { body: { errors?: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> } },
  path: string,
) => r.body.errors?.find((e) => (e.path ?? []).join('.') === path)?.extensions;

beforeAll(async () => {
  hub = await startTestHub({});
  reject = await startTestHub({ HUB_DISCLOSURE_MODE: 'reject' });
  ({ l2, other, l1, locked, area } = await pickTestCitizens(hub.store));
  const id = `tthc-sec-${randomUUID().slice(0, 8)}`;
  const r = await registerClient(hub.store, {
    id,
    name: 'Cổng DVC tỉnh (test)',
    scopes: ['IDENTITY', 'DRIVING_LICENCE'],
    purposes: ['1.001234'],
  });
  client = { id, secret: r.secret! };
});

afterAll(async () => {
  await hub.store.hubDb.collection('clients').deleteOne({ _id: client.id as never });
  await Promise.all([hub.close(), reject.close()]);
});

function forged(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b(header)}.${b(payload)}.${signature}`;
}

const citizenClaims = (sub: string) => ({
  kind: 'citizen',
  sub,
  iss: 'urn:vn-papers-hub:dev-idp',
  aud: TEST_AUDIENCE,
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});

async function expectAuthFailure(token: string, reason: string) {
  const r = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(token));
  expect(r.status).toBe(401);
  expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(r.body.data ?? null).toBeNull();
  expect(JSON.stringify(r.body)).not.toContain(token.slice(-20));
}

describe('tokens', () => {
  it('accepts a valid citizen token', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(keys.citizen(l2)));
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.citizen!.personalId).toBe(l2);
  });

  it('refuses alg none', () =>
    expectAuthFailure(
      forged({ alg: 'none', typ: 'at+jwt', kid: keys.idp.kid }, citizenClaims(l2)),
      'ALGORITHM_NOT_ALLOWED',
    ));

  it('refuses HS256 signed with the public key', () => {
    const pem = keys.idp.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const t = jwt.sign(citizenClaims(l2), pem, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: keys.idp.kid },
    });
    return expectAuthFailure(t, 'ALGORITHM_NOT_ALLOWED');
  });

  it('refuses an expired token', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        {
          key: keys.idp,
          issuer: 'urn:vn-papers-hub:dev-idp',
          audience: TEST_AUDIENCE,
          expiresInS: 60,
          now: new Date(Date.now() - 3_600_000),
        },
      ),
      'EXPIRED',
    ));

  it('refuses a token not yet valid', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        {
          key: keys.idp,
          issuer: 'urn:vn-papers-hub:dev-idp',
          audience: TEST_AUDIENCE,
          notBefore: new Date(Date.now() + 3_600_000),
        },
      ),
      'NOT_YET_VALID',
    ));

  it('refuses a wrong audience', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        { key: keys.idp, issuer: 'urn:vn-papers-hub:dev-idp', audience: 'another-api' },
      ),
      'WRONG_AUDIENCE',
    ));

  it('refuses an untrusted issuer', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        { key: keys.idp, issuer: 'https://evil.example', audience: TEST_AUDIENCE },
      ),
      'UNKNOWN_ISSUER',
    ));

  it('refuses typ JWT (not an access token)', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        { key: keys.idp, issuer: 'urn:vn-papers-hub:dev-idp', audience: TEST_AUDIENCE, header: { typ: 'JWT' } },
      ),
      'WRONG_TYPE',
    ));

  it('refuses an unknown kid', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        { key: keys.idp, issuer: 'urn:vn-papers-hub:dev-idp', audience: TEST_AUDIENCE, header: { kid: 'not-a-key' } },
      ),
      'UNKNOWN_KEY',
    ));

  it('refuses a tampered payload', () => {
    const [h, , s] = keys.citizen(other).split('.');
    const p = Buffer.from(JSON.stringify(citizenClaims(l2))).toString('base64url');
    return expectAuthFailure(`${h}.${p}.${s}`, 'BAD_SIGNATURE');
  });

  it('refuses an oversized token', () => expectAuthFailure('a'.repeat(9000) + '.b.c', 'TOO_LARGE'));

  it('refuses a non-Bearer authorization header', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: l2 }, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MALFORMED' });
  });

  it('refuses a token that would stay valid for more than a day', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2 },
        { key: keys.idp, issuer: 'urn:vn-papers-hub:dev-idp', audience: TEST_AUDIENCE, expiresInS: 365 * 86_400 },
      ),
      'BAD_CLAIMS',
    ));

  it('never accepts a citizen token carrying officer claims', () =>
    expectAuthFailure(
      signAccessToken(
        { kind: 'citizen', sub: l2, role: 'SUPERVISOR', area: { province: area.province } },
        { key: keys.idp, issuer: 'urn:vn-papers-hub:dev-idp', audience: TEST_AUDIENCE },
      ),
      'BAD_CLAIMS',
    ));
});

describe('trust configuration', () => {
  it('refuses to start when the trust file lets another issuer mint CLIENT tokens', async () => {
    await expect(startTestHub({ NODE_ENV: 'production', HUB_ISSUER: 'urn:someone-else' })).rejects.toThrow(
      /CLIENT tokens/,
    );
  });
});

describe('citizens, levels and accounts', () => {
  it('citizen A reading citizen B: FORBIDDEN NOT_SUBJECT', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: other }, bearer(keys.citizen(l2)));
    expect(reasonAt(r, 'citizen')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
    expect(r.headers.get('x-hub-source-calls')).toBe('0');
  });

  it('Level 1 reading a driving licence: LEVEL_TOO_LOW, the licence source not asked', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: l1 }, bearer(keys.citizen(l1)));
    expect(reasonAt(r, 'citizen.drivingLicence')).toMatchObject({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
    expect(r.body.data!.citizen!.fullName).toEqual(expect.any(String));
  });

  it('locked account: ACCOUNT_INACTIVE', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: locked }, bearer(keys.citizen(locked)));
    expect(reasonAt(r, 'citizen.fullName')).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
  });
});

describe('officers', () => {
  it('outside the jurisdiction: OUT_OF_JURISDICTION', async () => {
    const elsewhere = area.province === '01' ? '79' : '01';
    const r = await gql<CitizenData>(
      hub.url,
      Q,
      { id: l2 },
      bearer(keys.officer('DATA_CLEANING', { province: elsewhere })),
    );
    expect(reasonAt(r, 'citizen')).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
  });

  it('reading a health record: NOT_CONSENTED, the health source not asked', async () => {
    const r = await gql<CitizenData>(
      hub.url,
      Q,
      { id: l2 },
      bearer(keys.officer('SUPERVISOR', { province: area.province })),
    );
    expect(reasonAt(r, 'citizen.healthRecord')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    expect(r.body.data!.citizen!.fullName).toEqual(expect.any(String));
  });

  it('cannot manage consents: FORBIDDEN NOT_SUBJECT', async () => {
    const r = await gql(
      hub.url,
      '{ myConsents { id } }',
      {},
      bearer(keys.officer('SUPERVISOR', { province: area.province })),
    );
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
  });
});

const GRANT = `mutation($input: ConsentGrantInput!) { consentGrant(input: $input) { consent { id status scopes client { id name } } userErrors { code field } } }`;
const REVOKE = `mutation($id: ID!) { consentRevoke(id: $id) { consent { id status } userErrors { code } } }`;

async function grant(citizenId: string, scopes: string[]) {
  const r = await gql<Pick<Mutation, 'consentGrant'>>(
    hub.url,
    GRANT,
    {
      input: {
        clientId: client.id,
        scopes,
        purpose: '1.001234',
        dossierRef: `HS-${randomUUID().slice(0, 8)}`,
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      },
    },
    bearer(keys.citizen(citizenId)),
  );
  return r.body.data!.consentGrant;
}

const token = (consentId: string, extra: Record<string, string> = {}) => clientToken(hub.url, client, consentId, extra);

describe('clients under consents, end to end', () => {
  it('citizen grants, client gets a token and reads exactly the consented papers', async () => {
    const g = await grant(l2, ['IDENTITY', 'DRIVING_LICENCE']);
    expect(g.userErrors).toEqual([]);
    expect(g.consent!.client).toEqual({ id: client.id, name: 'Cổng DVC tỉnh (test)' });
    const t = await token(g.consent!.id);
    expect(t.status).toBe(200);
    expect(t.body.expires_in).toBeLessThanOrEqual(600);
    const r = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(t.body.access_token!));
    expect(r.body.data!.citizen!.drivingLicence!.number).toMatch(/^\d{12}$/);
    expect(reasonAt(r, 'citizen.healthRecord')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    // The consent artefact counts its use (written in the background, about once a second).
    let mine: Pick<Query['myConsents'][number], 'id' | 'useCount' | 'lastUsedAt'> | undefined;
    for (let i = 0; i < 40 && !mine?.useCount; i++) {
      await new Promise((res) => setTimeout(res, 100));
      const list = await gql<Pick<Query, 'myConsents'>>(
        hub.url,
        '{ myConsents { id useCount lastUsedAt } }',
        {},
        bearer(keys.citizen(l2)),
      );
      mine = list.body.data!.myConsents.find((c) => c.id === g.consent!.id);
    }
    expect(mine).toMatchObject({ useCount: 1, lastUsedAt: expect.any(String) });
  });

  it('a scope the client is not registered for is refused at consent time (SCOPE_NOT_REGISTERED)', async () => {
    const g = await grant(l2, ['IDENTITY', 'HEALTH_RECORD']);
    expect(g.consent).toBeNull();
    expect(g.userErrors).toEqual([expect.objectContaining({ code: 'SCOPE_NOT_REGISTERED' })]);
  });

  it('a client over-asking at the token endpoint gets invalid_scope', async () => {
    const g = await grant(l2, ['IDENTITY']);
    const t = await token(g.consent!.id, { scope: 'IDENTITY DRIVING_LICENCE' });
    expect(t.status).toBe(400);
    expect(t.body.error).toBe('invalid_scope');
  });

  it("a token for another citizen's data: NOT_SUBJECT", async () => {
    const g = await grant(l2, ['IDENTITY']);
    const t = await token(g.consent!.id);
    const r = await gql<CitizenData>(hub.url, Q, { id: other }, bearer(t.body.access_token!));
    expect(reasonAt(r, 'citizen')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
  });

  it("a client token naming another citizen's consent: NOT_CONSENTED", async () => {
    const g = await grant(other, ['IDENTITY']);
    const forgedCid = keys.client({
      clientId: client.id,
      citizenId: l2,
      consentId: g.consent!.id,
      scopes: ['IDENTITY'],
      purpose: '1.001234',
    });
    const r = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(forgedCid));
    expect(reasonAt(r, 'citizen.fullName')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    // Revoked, it is still NOT_CONSENTED for anyone but its holder (no CONSENT_REVOKED).
    const rv = await gql<Pick<Mutation, 'consentRevoke'>>(
      hub.url,
      REVOKE,
      { id: g.consent!.id },
      bearer(keys.citizen(other)),
    );
    expect(rv.body.data!.consentRevoke.consent!.status).toBe('REVOKED');
    const after = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(forgedCid));
    expect(reasonAt(after, 'citizen.fullName')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
  });

  it('revocation stops an already-issued token', async () => {
    const g = await grant(l2, ['IDENTITY', 'DRIVING_LICENCE']);
    const t = await token(g.consent!.id);
    const before = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(t.body.access_token!));
    expect(before.body.data!.citizen!.fullName).toEqual(expect.any(String));
    const rv = await gql<Pick<Mutation, 'consentRevoke'>>(
      hub.url,
      REVOKE,
      { id: g.consent!.id },
      bearer(keys.citizen(l2)),
    );
    expect(rv.body.data!.consentRevoke.consent!.status).toBe('REVOKED');
    const r = await gql<CitizenData>(hub.url, Q, { id: l2 }, bearer(t.body.access_token!));
    // Told apart from a consent never given, to the client that held it...
    expect(reasonAt(r, 'citizen.fullName')).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'CONSENT_REVOKED',
      required: { scope: 'IDENTITY' },
    });
    // ...while a scope it never had stays NOT_CONSENTED.
    expect(reasonAt(r, 'citizen.healthRecord')).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    expect(r.headers.get('x-hub-source-calls')).toBe('0'); // nothing is disclosable: no source is asked
    expect((await token(g.consent!.id)).body.error).toBe('invalid_grant');
  });

  it("a citizen cannot revoke another citizen's consent (NOT_FOUND)", async () => {
    const g = await grant(other, ['IDENTITY']);
    const rv = await gql<Pick<Mutation, 'consentRevoke'>>(
      hub.url,
      REVOKE,
      { id: g.consent!.id },
      bearer(keys.citizen(l2)),
    );
    expect(rv.body.data!.consentRevoke.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('myConsents lists the caller’s own consents only', async () => {
    const g = await grant(l1, ['IDENTITY']);
    const r = await gql<Pick<Query, 'myConsents'>>(
      hub.url,
      '{ myConsents { id status } }',
      {},
      bearer(keys.citizen(l1)),
    );
    expect(r.body.data!.myConsents.map((c) => c.id)).toContain(g.consent!.id);
    const anon = await gql(hub.url, '{ myConsents { id } }');
    expect(anon.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('FORBIDDEN names what is missing (extensions.required)', () => {
  it('a level too low: the scope and the level', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: l1 }, bearer(keys.citizen(l1)));
    expect(reasonAt(r, 'citizen.drivingLicence')).toEqual({
      code: 'FORBIDDEN',
      reason: 'LEVEL_TOO_LOW',
      required: { scope: 'DRIVING_LICENCE', level: 2 },
    });
  });

  it('an inactive account: the scope, the level and an ACTIVE account', async () => {
    const r = await gql<CitizenData>(hub.url, Q, { id: locked }, bearer(keys.citizen(locked)));
    expect(reasonAt(r, 'citizen.fullName')).toEqual({
      code: 'FORBIDDEN',
      reason: 'ACCOUNT_INACTIVE',
      required: { scope: 'IDENTITY', level: 1, accountStatus: 'ACTIVE' },
    });
  });

  it('an officer asking for a health record: the scope', async () => {
    const r = await gql<CitizenData>(
      hub.url,
      Q,
      { id: l2 },
      bearer(keys.officer('SUPERVISOR', { province: area.province })),
    );
    expect(reasonAt(r, 'citizen.healthRecord')).toEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_CONSENTED',
      required: { scope: 'HEALTH_RECORD' },
    });
  });

  it('an officer without the role: the roles', async () => {
    const r = await gql(
      hub.url,
      'query($a: String!) { accountWorkList(list: PENDING_APPROVAL, area: $a) { totalCount } }',
      { a: area.province },
      bearer(keys.officer('DATA_CLEANING', { province: area.province })),
    );
    expect(r.body.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ROLE',
      required: { roles: expect.arrayContaining(['WORKING_GROUP', 'SUPERVISOR']) },
    });
  });

  it("a citizen's own page asked by an officer: the principal", async () => {
    const r = await gql(hub.url, '{ myConsents { id } }', {}, bearer(keys.officer('SUPERVISOR', area)));
    expect(r.body.errors?.[0].extensions).toEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_SUBJECT',
      required: { principal: ['CITIZEN'] },
    });
  });
});

describe('reject mode', () => {
  it('refuses the whole request with 403 listing every withheld path', async () => {
    const r = await gql<CitizenData>(reject.url, Q, { id: l1 }, bearer(keys.citizen(l1)));
    expect(r.status).toBe(403);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      denied: expect.arrayContaining([{ path: 'citizen.drivingLicence', reason: 'LEVEL_TOO_LOW' }]),
    });
  });

  it('answers normally when nothing is withheld', async () => {
    const r = await gql(
      reject.url,
      `query($id: PersonalId!) { citizen(personalId: $id) { fullName } }`,
      { id: l1 },
      bearer(keys.citizen(l1)),
    );
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
  });
});
