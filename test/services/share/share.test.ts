/**
 * Share by QR code over real HTTP on the real store, with real tokens and two hub instances on one
 * store: a citizen shares chosen fields, a verifier redeems the code once and sees exactly those
 * fields under a signature that verifies against the hub's JWKS; reuse, expiry (an injected clock),
 * a foreign audience and a citizen redeeming are refused; of concurrent redemptions one wins; a
 * Level 1 citizen shares identity only; the audit and the citizen's access log record it all.
 * Own data set under `shr_`.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { seed } from '../../../mockdata/seed/index';
import { registerClient } from '../../../services/access/clients';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';
import { verifyShareToken } from '../../../services/share/sd-jwt';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { TEST_ISSUER, testKeys } from '../../support/keys';

const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
/** When set, the hubs' clock stands still at this instant (so a check "one second before expiry" holds however slow the machine). */
let clockAt: number | null = null;
const now = () => new Date(clockAt ?? Date.now());
let hub: TestHub;
let other: TestHub;
/** ACTIVE Level 2 with a driving licence, another ACTIVE Level 2, ACTIVE Level 1, an account not ACTIVE. */
let people: { l2: string; other: string; l1: string; inactive: string };
let clientId: string;
let clientToken: string;
const officer = () => keys.officer('DATA_CLEANING', { province: '01' });

const CREATE = `mutation($input: ShareCreateInput!) { shareCreate(input: $input) {
  code id expiresAt audience clientId papers fields } }`;
const REDEEM = `mutation($code: String!) { shareRedeem(code: $code) {
  sdJwt issuer keyId audience issuedAt expiresAt papers { paper claim fields { field claim value } } } }`;
const LOG = `{ myAccessLog(first: 20) { entries { readerKind officerUnit clientName purpose dossierRef documents
  share { id event fields } } } }`;

interface RedemptionOut {
  sdJwt: string;
  keyId: string;
  audience: string;
  issuedAt: string;
  expiresAt: string;
  papers: Array<{ paper: string; claim: string; fields: Array<{ field: string; claim: string; value: unknown }> }>;
}
interface LogEntryOut {
  readerKind: string;
  share: { id: string; event: string; fields: string[] } | null;
}
interface Out {
  shareCreate?: { code: string; id: string; expiresAt: string } | null;
  shareRedeem?: RedemptionOut | null;
  consentGrant?: { consent: { id: string } };
  myAccessLog?: { entries: LogEntryOut[] };
  citizen?: {
    fullName: string;
    dateOfBirth: string;
    drivingLicence: { number: string; classes: unknown[] };
  };
}

async function call(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const requestId = `shr-${randomUUID()}`;
  const r = await gql<Out>(url, query, variables, { ...(token ? bearer(token) : {}), 'x-request-id': requestId });
  return { ...r, requestId };
}

async function create(citizenId: string, input: Record<string, unknown>) {
  const r = await call(hub.url, CREATE, { input }, keys.citizen(citizenId));
  expect(r.body.errors).toBeUndefined();
  return { ...r.body.data!.shareCreate!, requestId: r.requestId };
}

const redeem = (code: string, token: string, url = hub.url) => call(url, REDEEM, { code }, token);
const errorOf = (r: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => r.body.errors?.[0];

async function auditOf(requestId: string): Promise<AuditRecordDoc> {
  await Promise.all([hub.auditWriter.flush(), other.auditWriter.flush()]);
  const docs = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
  expect(docs).toHaveLength(1);
  return docs[0];
}

beforeAll(async () => {
  hub = await startTestHub({}, 'shr_', { now });
  other = await startTestHub({}, 'shr_', { now });
  await seed(hub.store, { citizens: 200, seed: 31 });
  const accounts = await hub.store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).find({}).toArray();
  const licences = await hub.store
    .db('gplx')
    .collection('licences')
    .find({}, { projection: { _id: 1 } })
    .toArray();
  const holders = new Set(licences.map((d) => String(d._id)));
  const active2 = accounts.filter((a) => a.status === 'ACTIVE' && a.level === 2);
  const l2 = active2.find((a) => holders.has(a._id))!._id;
  people = {
    l2,
    other: active2.find((a) => a._id !== l2)!._id,
    l1: accounts.find((a) => a.status === 'ACTIVE' && a.level === 1)!._id,
    inactive: accounts.find((a) => a.status !== 'ACTIVE')!._id,
  };
  // A verifier desk with a real token from the token endpoint (under another citizen's consent).
  clientId = `desk-${randomUUID().slice(0, 8)}`;
  const { secret } = await registerClient(hub.store, {
    id: clientId,
    name: 'Bộ phận một cửa (test)',
    kind: 'VERIFIER',
    scopes: ['IDENTITY', 'DRIVING_LICENCE'],
    purposes: ['1.000001'],
  });
  const grant = await call(
    hub.url,
    `mutation($i: ConsentGrantInput!) { consentGrant(input: $i) { consent { id } userErrors { code } } }`,
    {
      i: {
        clientId,
        scopes: ['IDENTITY'],
        purpose: '1.000001',
        dossierRef: 'HS-SHR-1',
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      },
    },
    keys.citizen(people.other),
  );
  const consentId = grant.body.data!.consentGrant!.consent.id;
  const res = await fetch(`${hub.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', consent_id: consentId }).toString(),
  });
  clientToken = ((await res.json()) as { access_token: string }).access_token;
  expect(clientToken).toBeTruthy();
}, 180_000);

afterEach(() => {
  clockAt = null;
});

afterAll(async () => {
  await Promise.all([hub?.close(), other?.close()]);
});

describe('create and redeem', () => {
  const FIELDS = ['FULL_NAME', 'DATE_OF_BIRTH', 'DRIVING_LICENCE_NUMBER', 'DRIVING_LICENCE_CLASSES'];
  let share: { code: string; id: string; requestId: string };
  let redeemed: Awaited<ReturnType<typeof redeem>>;

  it('shows the verifier exactly the chosen fields, with the values the citizen sees', async () => {
    const own = await call(
      hub.url,
      `query($id: PersonalId!) { citizen(personalId: $id) { fullName dateOfBirth
        drivingLicence { number classes { code issuedOn expiresOn expired } } } }`,
      { id: people.l2 },
      keys.citizen(people.l2),
    );
    const me = own.body.data!.citizen!;
    share = await create(people.l2, { fields: FIELDS });
    redeemed = await redeem(share.code, officer(), other.url);
    expect(redeemed.body.errors).toBeUndefined();
    const r = redeemed.body.data!.shareRedeem!;
    expect(r.papers).toEqual([
      {
        paper: 'IDENTITY',
        claim: 'identity',
        fields: [
          { field: 'FULL_NAME', claim: 'fullName', value: me.fullName },
          { field: 'DATE_OF_BIRTH', claim: 'dateOfBirth', value: me.dateOfBirth },
        ],
      },
      {
        paper: 'DRIVING_LICENCE',
        claim: 'drivingLicence',
        fields: [
          { field: 'DRIVING_LICENCE_NUMBER', claim: 'number', value: me.drivingLicence.number },
          { field: 'DRIVING_LICENCE_CLASSES', claim: 'classes', value: me.drivingLicence.classes },
        ],
      },
    ]);
    expect(r.audience).toBe(`${TEST_ISSUER}:verifiers`);
    expect(Date.parse(r.expiresAt) - Date.parse(r.issuedAt)).toBe(60_000);
  });

  it('puts nothing else of the citizen in the response or the SD-JWT', () => {
    const { sdJwt } = redeemed.body.data!.shareRedeem!;
    const parts = sdJwt.split('~');
    expect(parts.at(-1)).toBe(''); // no key-binding JWT
    expect(parts.slice(1, -1)).toHaveLength(FIELDS.length); // one disclosure per chosen field
    const payload = JSON.parse(Buffer.from(parts[0].split('.')[1], 'base64url').toString()) as Record<
      string,
      { _sd?: string[] }
    >;
    expect(Object.keys(payload).sort()).toEqual(
      ['_sd_alg', 'aud', 'drivingLicence', 'exp', 'iat', 'identity', 'iss', 'jti', 'vct'].sort(),
    );
    expect(Object.keys(payload.identity)).toEqual(['_sd']);
    expect(payload.identity._sd).toHaveLength(2);
    expect(payload.jti).toBe(share.id);
    const decoded = parts
      .map((p) =>
        p
          .split('.')
          .map((x) => Buffer.from(x, 'base64url').toString())
          .join(''),
      )
      .join('');
    for (const text of [decoded, JSON.stringify(redeemed.body)]) {
      expect(text).not.toContain(people.l2); // the personal ID was not chosen
      expect(text).not.toMatch(/"sex"|"personalId"|"residence"|"points"/);
    }
  });

  it('verifies offline against the JWKS, in code and with npm run share:verify', async () => {
    const { sdJwt, keyId } = redeemed.body.data!.shareRedeem!;
    const jwks = (await (await fetch(`${hub.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toContain(keyId);
    const v = await verifyShareToken(sdJwt, {
      keys: jwks,
      issuer: TEST_ISSUER,
      audiences: [`${TEST_ISSUER}:verifiers`],
    });
    expect(Object.keys(v.papers.identity).sort()).toEqual(['dateOfBirth', 'fullName']);
    // Asynchronous: the hubs answering the JWKS run in this process.
    const cli = (token: string) =>
      new Promise<{ status: number; stdout: string }>((done) => {
        const script = join(__dirname, '../../../scripts/share-verify.ts');
        execFile(
          process.execPath,
          [require.resolve('tsx/cli'), script, token],
          { env: { ...process.env, HUB_URL: other.url } },
          (err, stdout) => done({ status: err ? Number(err.code) : 0, stdout }),
        );
      });
    const ok = await cli(sdJwt);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, claims: { jti: share.id }, papers: v.papers });
    const [jwt, first, ...rest] = sdJwt.split('~');
    const d = JSON.parse(Buffer.from(first, 'base64url').toString()) as unknown[];
    d[2] = 'someone else';
    const bad = await cli([jwt, Buffer.from(JSON.stringify(d)).toString('base64url'), ...rest].join('~'));
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, problem: 'BAD_DISCLOSURE' });
  }, 60_000);

  it('refuses the code a second time (SHARE_USED), on either instance', async () => {
    for (const url of [hub.url, other.url]) {
      const again = await redeem(share.code, officer(), url);
      expect(again.body.data?.shareRedeem ?? null).toBeNull();
      expect(errorOf(again)).toMatchObject({ extensions: { code: 'SHARE_USED' } });
    }
  });

  it('records the making and the redemption in the audit and in the citizen access log', async () => {
    const made = await auditOf(share.requestId);
    expect(made.actor).toMatchObject({ kind: 'CITIZEN', id: people.l2 });
    expect(made.shareEvents).toEqual([
      expect.objectContaining({ event: 'CREATED', shareId: share.id, citizenId: people.l2, fields: FIELDS }),
    ]);
    const used = await auditOf(redeemed.requestId);
    expect(used.actor).toMatchObject({ kind: 'OFFICER', id: 'CA-TEST-7', officerUnit: 'Công an (test)' });
    expect(used.shareEvents).toEqual([
      expect.objectContaining({ event: 'REDEEMED', shareId: share.id, papers: ['IDENTITY', 'DRIVING_LICENCE'] }),
    ]);
    const kinds = used.citizens.find((c) => c.citizenId === people.l2)!.disclosed.map((d) => d.scope);
    expect([...new Set(kinds)].sort()).toEqual(['DRIVING_LICENCE', 'IDENTITY']);
    const log = await call(hub.url, LOG, {}, keys.citizen(people.l2));
    const entries = log.body.data!.myAccessLog!.entries;
    const mine = entries.filter((e) => e.share?.id === share.id);
    expect(mine).toEqual([
      expect.objectContaining({
        readerKind: 'OFFICER',
        officerUnit: 'Công an (test)',
        documents: ['IDENTITY', 'DRIVING_LICENCE'],
        share: { id: share.id, event: 'REDEEMED', fields: FIELDS },
      }),
      expect.objectContaining({ readerKind: 'CITIZEN', share: { id: share.id, event: 'CREATED', fields: FIELDS } }),
    ]);
  });
});

describe('refusals', () => {
  it('refuses an expired code (SHARE_EXPIRED) without using it up', async () => {
    const share = await create(people.l2, { fields: ['FULL_NAME'] });
    const expiresAt = Date.parse(share.expiresAt);
    clockAt = expiresAt + 1_000;
    const late = await redeem(share.code, officer());
    expect(errorOf(late)).toMatchObject({ extensions: { code: 'SHARE_EXPIRED' } });
    expect((await auditOf(late.requestId)).shareEvents).toEqual([
      expect.objectContaining({ event: 'REFUSED', shareId: share.id, reason: 'SHARE_EXPIRED' }),
    ]);
    clockAt = expiresAt - 1_000; // still within its 60 seconds
    const inTime = await redeem(share.code, officer(), other.url);
    expect(inTime.body.errors).toBeUndefined();
  });

  it('refuses a verifier outside the audience (SHARE_AUDIENCE) without using the code up', async () => {
    const forOfficers = await create(people.l2, { fields: ['FULL_NAME'], audience: 'OFFICER' });
    expect(errorOf(await redeem(forOfficers.code, clientToken))).toMatchObject({
      extensions: { code: 'SHARE_AUDIENCE', audience: 'OFFICER' },
    });
    expect((await redeem(forOfficers.code, officer())).body.errors).toBeUndefined();

    const forDesk = await create(people.l2, {
      fields: ['FULL_NAME', 'DRIVING_LICENCE_NUMBER'],
      audience: 'CLIENT',
      clientId,
    });
    expect(errorOf(await redeem(forDesk.code, officer()))).toMatchObject({ extensions: { code: 'SHARE_AUDIENCE' } });
    const ok = await redeem(forDesk.code, clientToken, other.url);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data!.shareRedeem!.audience).toBe(`${TEST_ISSUER}:client:${clientId}`);
    // The desk's line in the citizen's log names it, and no purpose or dossier of another citizen's consent.
    await Promise.all([hub.auditWriter.flush(), other.auditWriter.flush()]);
    const log = await call(hub.url, LOG, {}, keys.citizen(people.l2));
    const line = log.body.data!.myAccessLog!.entries.find(
      (e) => e.share?.id === forDesk.id && e.share.event === 'REDEEMED',
    );
    expect(line).toMatchObject({
      readerKind: 'CLIENT',
      clientName: 'Bộ phận một cửa (test)',
      purpose: null,
      dossierRef: null,
    });
  });

  it('refuses a client not registered for a shared paper', async () => {
    const share = await create(people.l2, { fields: ['RESIDENCE_REGISTERED_ON'] });
    expect(errorOf(await redeem(share.code, clientToken))).toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'CLIENT_NOT_REGISTERED', required: { scope: 'RESIDENCE' } },
    });
  });

  it('lets no citizen and no anonymous caller redeem', async () => {
    const share = await create(people.l2, { fields: ['FULL_NAME'] });
    for (const citizen of [people.other, people.l2]) {
      expect(errorOf(await redeem(share.code, keys.citizen(citizen)))).toMatchObject({
        extensions: { code: 'FORBIDDEN', reason: 'NOT_SUBJECT', required: { principal: ['OFFICER', 'CLIENT'] } },
      });
    }
    const anonymous = await call(hub.url, REDEEM, { code: share.code });
    expect(errorOf(anonymous)).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect((await redeem(share.code, officer())).body.errors).toBeUndefined(); // still unused
  });

  it('answers a malformed code BAD_USER_INPUT, an unknown one or a wrong key SHARE_NOT_FOUND', async () => {
    const share = await create(people.l2, { fields: ['FULL_NAME'] });
    expect(errorOf(await redeem('not-a-code', officer()))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const wrongKey = share.id + 'A'.repeat(21) + 'w';
    const unknown = 'B'.repeat(16) + share.code.slice(16);
    for (const code of [wrongKey, unknown]) {
      expect(errorOf(await redeem(code, officer()))).toMatchObject({ extensions: { code: 'SHARE_NOT_FOUND' } });
    }
  });
});

describe('what a citizen may share', () => {
  it('lets a Level 1 citizen share identity fields only', async () => {
    for (const input of [{ papers: ['DRIVING_LICENCE'] }, { fields: ['FULL_NAME', 'RESIDENCE_PERMANENT_ADDRESS'] }]) {
      const r = await call(hub.url, CREATE, { input }, keys.citizen(people.l1));
      expect(r.body.data?.shareCreate ?? null).toBeNull();
      expect(errorOf(r)).toMatchObject({
        extensions: { code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW', required: { level: 2 } },
      });
    }
    const ok = await create(people.l1, { papers: ['IDENTITY'] });
    const r = await redeem(ok.code, officer());
    expect(r.body.data!.shareRedeem!.papers.map((p) => p.paper)).toEqual(['IDENTITY']);
  });

  it('refuses a withheld paper (account not active), family papers and an empty choice', async () => {
    const locked = await call(hub.url, CREATE, { input: { fields: ['FULL_NAME'] } }, keys.citizen(people.inactive));
    expect(errorOf(locked)).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' } });
    for (const input of [{ papers: ['FAMILY'] }, {}, { fields: [] }]) {
      const r = await call(hub.url, CREATE, { input }, keys.citizen(people.l2));
      expect(errorOf(r)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('lets only the citizen make a share', async () => {
    const r = await call(hub.url, CREATE, { input: { fields: ['FULL_NAME'] } }, officer());
    expect(errorOf(r)).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'NOT_SUBJECT' } });
  });
});

describe('concurrent redemptions', () => {
  it('lets exactly one of many parallel redemptions on two instances win', async () => {
    for (let round = 0; round < 3; round++) {
      const share = await create(people.l2, { fields: ['FULL_NAME', 'DRIVING_LICENCE_NUMBER'] });
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          redeem(share.code, i % 3 ? officer() : clientToken, i % 2 ? other.url : hub.url),
        ),
      );
      const won = results.filter((r) => r.body.data?.shareRedeem);
      expect(won).toHaveLength(1);
      for (const r of results)
        if (r !== won[0]) expect(errorOf(r)).toMatchObject({ extensions: { code: 'SHARE_USED' } });
    }
  });
});
