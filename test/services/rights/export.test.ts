/**
 * The right of access and signed consent statements (docs/rights.md), over real HTTP on the real
 * store: the export holds the citizen's papers (as the policy lets them see them), account,
 * consents, access log and requests, and nobody else's; it is audited; the HTML and JSON routes
 * need the citizen's own token. A consent statement verifies against the published JWKS (also with
 * `npm run consent:verify`), and a tampered one does not.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mapCitizen } from '../../../connectors/population/connector';
import type { CongDanDoc } from '../../../connectors/population/model';
import { seed } from '../../../mockdata/seed';
import { registerClient } from '../../../services/access/clients';
import { verifyConsentStatement, type ConsentStatementClaims } from '../../../services/rights/statements';
import { pickTestCitizens } from '../../support/citizens';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { anyString, matching } from '../../support/matchers';
import { call } from './support';

/** The export document as the tests read it. */
interface ExportDoc {
  format: string;
  version: number;
  subject: { personalId: string };
  papers: Record<string, { personalId?: string; number?: string; fullName?: string; withheld?: string }>;
  account: Record<string, unknown>;
  consents: Array<{ id: string }>;
  accessLog: Array<Record<string, unknown>>;
  requests: Array<Record<string, unknown>>;
}
interface AuditCitizen {
  citizenId: string;
  disclosed: Array<{ scope: string; paths: string[] }>;
}

const run = promisify(execFile);
const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const PURPOSE = '1.001234';

let hub: TestHub;
let me: string;
let other: string;
let levelOne: string;
let client: { id: string; secret: string };
let myConsent: string;
let otherConsent: string;

async function grant(citizenId: string): Promise<string> {
  const r = await call<{ consentGrant: { consent: { id: string } } }>(
    hub.url,
    `mutation($input: ConsentGrantInput!) { consentGrant(input: $input) { consent { id } userErrors { code } } }`,
    {
      input: {
        clientId: client.id,
        scopes: ['IDENTITY', 'DRIVING_LICENCE'],
        purpose: PURPOSE,
        dossierRef: `HS-${randomUUID().slice(0, 8)}`,
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      },
    },
    bearer(keys.citizen(citizenId)),
  );
  return r.data.consentGrant.consent.id;
}

async function clientPost(path: string, form: Record<string, string>, c = client) {
  const res = await fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`,
      'x-request-id': `stmt-${randomUUID().slice(0, 8)}`,
    },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, string>,
    requestId: res.headers.get('x-request-id'),
  };
}

beforeAll(async () => {
  hub = await startTestHub({}, 'dsre_');
  await seed(hub.store, { citizens: 200, seed: 41 });
  const picked = await pickTestCitizens(hub.store);
  me = picked.l2;
  levelOne = picked.l1;
  // Another citizen who is not named in my family documents.
  const doc = await hub.store.db('pop').collection<CongDanDoc>('congDan').findOne({ _id: me });
  const mine = JSON.stringify(mapCitizen(doc!));
  other = picked.other;
  if (mine.includes(other)) other = picked.locked;
  const r = await registerClient(hub.store, {
    id: `export-${randomUUID().slice(0, 8)}`,
    name: 'Cổng DVC (test)',
    scopes: ['IDENTITY', 'DRIVING_LICENCE'],
    purposes: [PURPOSE],
  });
  client = { id: r.client._id, secret: r.secret! };
  otherConsent = await grant(other);
  myConsent = await grant(me);
  // The client reads my data: it must appear in my access log.
  const t = await clientPost('/oauth/token', { grant_type: 'client_credentials', consent_id: myConsent });
  await gql(
    hub.url,
    `query($id: PersonalId!) { citizen(personalId: $id) { fullName } }`,
    { id: me },
    bearer(t.body.access_token),
  );
  await hub.auditWriter.flush();
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('a copy of the citizen’s data', () => {
  it("holds their papers, account, consents, access log and requests, and nobody else's", async () => {
    const r = await call<{ myDataExport: { json: string; text: string } }>(
      hub.url,
      `{ myDataExport { generatedAt json text } }`,
      {},
      bearer(keys.citizen(me)),
    );
    expect(r.errors).toBeUndefined();
    const { json, text } = r.data.myDataExport;
    const doc = JSON.parse(json) as ExportDoc;
    expect(doc).toMatchObject({ format: 'vn-papers-hub/data-export', version: 1, subject: { personalId: me } });
    expect(doc.papers.IDENTITY.personalId).toBe(me);
    expect(doc.papers.DRIVING_LICENCE.number).toEqual(anyString);
    expect(doc.account).toMatchObject({ level: 2, status: 'ACTIVE' });
    expect(doc.consents.map((c) => c.id)).toEqual([myConsent]);
    expect(doc.accessLog).toEqual(
      expect.arrayContaining([expect.objectContaining({ actorKind: 'CLIENT', clientName: 'Cổng DVC (test)' })]),
    );
    expect(doc.requests).toEqual([expect.objectContaining({ kind: 'ACCESS', status: 'DONE' })]);
    expect(json).not.toContain(other);
    expect(json).not.toContain(otherConsent);
    expect(text).toContain('COPY OF YOUR PERSONAL DATA');
    expect(text).toContain(doc.papers.IDENTITY.fullName);
  });

  it('withholds, with the reason, what the policy does not let the citizen see', async () => {
    const r = await call<{ myDataExport: { json: string } }>(
      hub.url,
      `{ myDataExport { json } }`,
      {},
      bearer(keys.citizen(levelOne)),
    );
    const doc = JSON.parse(r.data.myDataExport.json) as ExportDoc;
    expect(doc.papers.IDENTITY.personalId).toBe(levelOne);
    expect(doc.papers.DRIVING_LICENCE).toEqual({ withheld: 'LEVEL_TOO_LOW' });
    expect(doc.papers.HEALTH_RECORD).toEqual({ withheld: 'LEVEL_TOO_LOW' });
  });

  it('is served as JSON and HTML to the citizen only, and audited before it leaves', async () => {
    const requestId = `exp-${randomUUID().slice(0, 8)}`;
    const res = await fetch(`${hub.url}/rights/export.json`, {
      headers: { ...bearer(keys.citizen(me)), 'x-request-id': requestId },
    });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as ExportDoc;
    expect(doc.subject.personalId).toBe(me);
    const record = await hub.store.hubDb.collection('audit').findOne({ requestId });
    expect(record).toMatchObject({ operation: 'rightsExport.json', actor: { kind: 'CITIZEN', id: me } });
    const mine = (record!.citizens as AuditCitizen[]).find((c) => c.citizenId === me)!;
    expect(mine.disclosed.map((d) => d.scope)).toEqual(
      expect.arrayContaining(['IDENTITY', 'DRIVING_LICENCE', 'ACCOUNT', 'CONSENTS', 'ACCESS_LOG', 'DATA_REQUESTS']),
    );

    const html = await fetch(`${hub.url}/rights/export.html`, { headers: bearer(keys.citizen(me)) });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await html.text()).toContain('<h2>Consents you gave</h2>');

    const anon = await fetch(`${hub.url}/rights/export.json`);
    expect(anon.status).toBe(401);
    const officer = await fetch(`${hub.url}/rights/export.json`, {
      headers: bearer(keys.officer('SUPERVISOR', { province: '01' })),
    });
    expect(officer.status).toBe(403);
  });
});

describe('signed consent statements', () => {
  let jwks: unknown;
  beforeAll(async () => {
    jwks = await (await fetch(`${hub.url}/.well-known/jwks.json`)).json();
  });

  it("the citizen's verifies against the published JWKS; a tampered one does not", async () => {
    const r = await call<{ consentStatement: { jws: string } }>(
      hub.url,
      `query($id: ID!) { consentStatement(consentId: $id) { consentId jws issuedAt } }`,
      { id: myConsent },
      bearer(keys.citizen(me)),
    );
    expect(r.errors).toBeUndefined();
    const { jws } = r.data.consentStatement;
    const check = verifyConsentStatement(jws, jwks, { issuer: hub.config.HUB_ISSUER });
    expect(check).toMatchObject({
      valid: true,
      claims: {
        sub: me,
        requestedBy: 'CITIZEN',
        consent: {
          id: myConsent,
          citizenId: me,
          client: { id: client.id, name: 'Cổng DVC (test)' },
          scopes: ['IDENTITY', 'DRIVING_LICENCE'],
          purpose: PURPOSE,
          status: 'ACTIVE',
          revokedAt: null,
          restricted: false,
        },
      },
    });
    const [h, p, s] = jws.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as ConsentStatementClaims;
    claims.consent.scopes.push('HEALTH_RECORD');
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(verifyConsentStatement(forged, jwks)).toMatchObject({ valid: false });
    // Signed by a key the hub does not publish (the identity provider's), under the hub's kid.
    expect(verifyConsentStatement(jws, { keys: [{ ...keys.idp.jwk, kid: keys.tokenService.kid }] })).toMatchObject({
      valid: false,
    });

    const script = join(__dirname, '../../../scripts/consent-verify.ts');
    const tsx = require.resolve('tsx/cli');
    const ok = await run(process.execPath, [tsx, script, jws, '--jwks', `${hub.url}/.well-known/jwks.json`]);
    expect(ok.stdout).toMatch(/^VALID: /);
    await expect(
      run(process.execPath, [tsx, script, forged, '--jwks', `${hub.url}/.well-known/jwks.json`]),
    ).rejects.toMatchObject({ code: 1, stdout: matching(/^INVALID: /) });
  }, 60_000);

  it("is not given for another citizen's consent", async () => {
    const r = await call<unknown>(
      hub.url,
      `query($id: ID!) { consentStatement(consentId: $id) { jws } }`,
      { id: otherConsent },
      bearer(keys.citizen(me)),
    );
    expect(r.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('the client gets its own by its credentials, also once withdrawn, audited', async () => {
    await gql(
      hub.url,
      `mutation($id: ID!) { consentRevoke(id: $id) { consent { status } } }`,
      { id: myConsent },
      bearer(keys.citizen(me)),
    );
    const r = await clientPost('/oauth/consent-statement', { consent_id: myConsent });
    expect(r.status).toBe(200);
    const check = verifyConsentStatement(r.body.statement, jwks);
    expect(check).toMatchObject({
      valid: true,
      claims: { requestedBy: 'CLIENT', consent: { status: 'REVOKED', revokedAt: anyString } },
    });
    await hub.auditWriter.flush();
    const record = await hub.store.hubDb.collection('audit').findOne({ requestId: r.requestId });
    expect(record).toMatchObject({
      operation: 'consentStatement',
      actor: { kind: 'CLIENT', clientId: client.id },
      citizens: [{ citizenId: me, disclosed: [{ scope: 'CONSENTS', paths: ['consentStatement'] }] }],
    });
    const stranger = await registerClient(hub.store, {
      id: `stranger-${randomUUID().slice(0, 8)}`,
      name: 'Other (test)',
      scopes: ['IDENTITY'],
      purposes: [PURPOSE],
    });
    const refused = await clientPost(
      '/oauth/consent-statement',
      { consent_id: myConsent },
      { id: stranger.client._id, secret: stranger.secret! },
    );
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});
