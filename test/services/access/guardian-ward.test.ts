/**
 * A parent or legal guardian acting for a child under 14 (docs/accounts.md, "Guardians"; Decree
 * 69/2024 Art. 10 as summarised) over real HTTP with real tokens on the real store (prefix
 * `gwd_`): the child's papers as the child's own account level permits, each read in the child's
 * access log naming the guardian; consents on the child's behalf and a client's token under one;
 * the child's access log; the end of the guardianship at 14 (the day before / the day of) and
 * when the population record no longer shows the relation; a non-guardian and an officer refused.
 * The hub's clock stands still (the children's ages are set in their population records).
 */
import { randomUUID } from 'node:crypto';
import { seed } from '../../../mockdata/seed';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { registerClient } from '../../../services/access/clients';
import { issueDevToken } from '../../../services/access/auth/dev-idp';
import { RecordingNotifier } from '../../../services/accounts/notifier';
import { families, registerWard, vnDate } from '../../support/guardians';
import { gql, startTestHub, type GqlError, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { clientToken } from '../../support/oauth';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';

const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const PURPOSE = '1.000777';
/** The hub's clock: the instant the suite started, standing still. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const TODAY = vnDate(NOW);

let hub: TestHub;
const notifier = new RecordingNotifier();
let fams: Array<{ parent: string; child: string }>;
let client: { id: string; secret: string };

const WARD = `query($id: PersonalId!) { ward(personalId: $id) { personalId fullName dateOfBirth residence { registeredOn } } }`;
const WARD_LOG = `query($id: PersonalId!) { wardAccessLog(personalId: $id, first: 50) { entries { readerKind readerPersonalId readerCapacity clientName documents data } } }`;
const MY_LOG = `{ myAccessLog(first: 50) { entries { readerKind readerPersonalId readerCapacity clientName documents data } } }`;
const WARD_CONSENTS = `query($id: PersonalId!) { wardConsents(personalId: $id) { id status scopes grantedBy { personalId capacity } revokedBy { personalId capacity } } }`;
const MY_CONSENTS = `{ myConsents { id status scopes grantedBy { personalId capacity } revokedBy { personalId capacity } guardianshipEnded } }`;
const WARD_GRANT = `mutation($id: PersonalId!, $i: ConsentGrantInput!) { wardConsentGrant(personalId: $id, input: $i) {
  consent { id status scopes grantedBy { personalId capacity } } userErrors { code field } } }`;
const WARD_REVOKE = `mutation($id: PersonalId!, $c: ID!) { wardConsentRevoke(personalId: $id, id: $c) {
  consent { id status revokedBy { personalId capacity } } userErrors { code } } }`;
const CLIENT_READ = `query($id: PersonalId!) { citizen(personalId: $id) { fullName residence { registeredOn } } }`;

interface LogEntry {
  readerKind: string;
  readerPersonalId: string | null;
  readerCapacity: string | null;
  clientName: string | null;
  documents: string[];
  data: string[];
}

const as = (personalId: string) => bearer(keys.citizen(personalId));

async function q<T = Record<string, unknown>>(
  query: string,
  vars: Record<string, unknown>,
  headers: Record<string, string>,
) {
  const r = await gql<T>(hub.url, query, vars, headers);
  expect({ status: r.status, errors: r.status === 200 ? undefined : r.body.errors }).toEqual({
    status: 200,
    errors: undefined,
  });
  return r.body;
}

/** The FORBIDDEN errors of a response, as reason and what is required. */
const refusals = (errors: GqlError[] | undefined) =>
  (errors ?? []).map((e) => ({ code: e.extensions?.code, reason: e.extensions?.reason, path: e.path?.join('.') }));

/** Nothing answered: no data, or the one (nullable) root field null. */
const nothing = (data: Record<string, unknown> | null | undefined) =>
  !data || Object.values(data).every((v) => v === null);

const pop = () => hub.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);

/** Sets the child's date of birth so that they turn 14 `inDays` days after today (0: today). */
async function turns14In(child: string, inDays: number): Promise<void> {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + inDays);
  d.setUTCFullYear(d.getUTCFullYear() - 14);
  await pop().updateOne({ _id: child }, { $set: { ngaySinh: d.toISOString().slice(0, 10) } });
}

async function grant(parent: string, child: string, scopes: string[]) {
  const body = await q<{
    wardConsentGrant: { consent: { id: string; grantedBy: unknown } | null; userErrors: unknown[] };
  }>(
    WARD_GRANT,
    {
      id: child,
      i: {
        clientId: client.id,
        scopes,
        purpose: PURPOSE,
        dossierRef: `HS-${randomUUID().slice(0, 8)}`,
        validUntil: new Date(NOW.getTime() + 30 * 86_400_000).toISOString(),
      },
    },
    as(parent),
  );
  expect(body.errors).toBeUndefined();
  return body.data!.wardConsentGrant;
}

beforeAll(async () => {
  hub = await startTestHub({}, 'gwd_', { notifier, now: () => NOW });
  await seed(hub.store, { citizens: 600, seed: 43 });
  fams = await families(hub.store, TODAY);
  expect(fams.length).toBeGreaterThanOrEqual(4);
  for (const f of fams.slice(0, 4)) await registerWard(hub.url, notifier, f.parent, f.child);
  const id = `gwd-${randomUUID().slice(0, 8)}`;
  const r = await registerClient(hub.store, {
    id,
    name: 'Trường học (test)',
    scopes: ['IDENTITY', 'RESIDENCE'],
    purposes: [PURPOSE],
  });
  client = { id, secret: r.secret! };
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

describe("the guardian sees the child's papers as the child's own account permits", () => {
  it('Level 1 child: identity disclosed, residence LEVEL_TOO_LOW; the read is in the child’s access log naming the guardian', async () => {
    const { parent, child } = fams[0];
    const body = await q<{ ward: { personalId: string; fullName: string | null; residence: unknown } }>(
      WARD,
      { id: child },
      as(parent),
    );
    expect(body.data!.ward.personalId).toBe(child);
    expect(body.data!.ward.fullName).toEqual(expect.any(String));
    expect(body.data!.ward.residence).toBeNull();
    expect(refusals(body.errors)).toEqual([{ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW', path: 'ward.residence' }]);
    expect(body.errors![0].extensions!.required).toEqual({ scope: 'RESIDENCE', level: 2 });

    // The child's own access log: the guardian, in their capacity, read IDENTITY.
    const mine = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(child));
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myAccessLog.entries).toContainEqual(
      expect.objectContaining({
        readerKind: 'CITIZEN',
        readerPersonalId: parent,
        readerCapacity: 'PARENT',
        documents: ['IDENTITY'],
      }),
    );
    // The guardian sees the same log (and reading it is itself recorded for the child).
    const theirs = await q<{ wardAccessLog: { entries: LogEntry[] } }>(WARD_LOG, { id: child }, as(parent));
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!.wardAccessLog.entries).toContainEqual(
      expect.objectContaining({ readerPersonalId: parent, documents: ['IDENTITY'] }),
    );
    const again = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(child));
    expect(again.data!.myAccessLog.entries).toContainEqual(
      expect.objectContaining({ readerPersonalId: parent, data: ['ACCESS_LOG'] }),
    );
  });

  it('myWards lists the children under 14 of the parent’s record, with their accounts and the day the guardianship ends', async () => {
    const { parent, child } = fams[0];
    const body = await q<{
      myWards: Array<{
        personalId: string;
        capacity: string;
        guardianshipEndsOn: string;
        accountStatus: string | null;
      }>;
    }>(`{ myWards { personalId capacity guardianshipEndsOn accountStatus accountLevel } }`, {}, as(parent));
    expect(body.errors).toBeUndefined();
    const dob = (await pop().findOne({ _id: child }))!.ngaySinh;
    expect(body.data!.myWards).toContainEqual({
      personalId: child,
      capacity: 'PARENT',
      guardianshipEndsOn: `${Number(dob.slice(0, 4)) + 14}${dob.slice(4)}`,
      accountStatus: 'ACTIVE',
      accountLevel: 1,
    });
    // A Level 1 holder (the child) has no wards to list.
    const refused = await q(`{ myWards { personalId } }`, {}, as(child));
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'GUARDIAN_LEVEL_2_REQUIRED' });
  });

  it('a non-guardian citizen and an officer are refused, before anything of the child is read', async () => {
    const { child } = fams[0];
    const stranger = fams[1].parent;
    for (const query of [WARD, WARD_LOG, WARD_CONSENTS]) {
      const body = await q(query, { id: child }, as(stranger));
      expect(nothing(body.data)).toBe(true);
      expect(refusals(body.errors)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'NOT_GUARDIAN' })]);
      expect(body.errors![0].extensions!.required).toMatchObject({
        principal: ['CITIZEN'],
        guardianship: { relation: 'PARENT_OR_LEGAL_GUARDIAN', level: 2, accountStatus: 'ACTIVE', ageUnder: 14 },
      });
    }
    const officer = issueDevToken(
      'officer',
      { role: 'ACCOUNT_APPROVER', area: { province: '01' }, officerId: 'o-gwd', unit: 'Công an (test)' },
      { key: keys.idp },
    );
    const byOfficer = await q(WARD, { id: child }, bearer(officer));
    expect(refusals(byOfficer.errors)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' })]);
    const anonymous = await gql(hub.url, WARD, { id: child });
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // The child themself is no guardian of theirs.
    const self = await q(WARD, { id: child }, as(child));
    expect(refusals(self.errors)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'GUARDIAN_LEVEL_2_REQUIRED' }),
    ]);
  });
});

describe('consents on the child’s behalf', () => {
  it('recorded with the guardian and capacity; the child sees it; a client token reads as the scopes and the child’s level say', async () => {
    const { parent, child } = fams[1];
    const g = await grant(parent, child, ['IDENTITY', 'RESIDENCE']);
    expect(g.userErrors).toEqual([]);
    expect(g.consent!.grantedBy).toEqual({ personalId: parent, capacity: 'PARENT' });
    const consentId = g.consent!.id;

    const mine = await q<{ myConsents: Array<{ id: string; grantedBy: unknown }> }>(MY_CONSENTS, {}, as(child));
    expect(mine.data!.myConsents).toContainEqual(
      expect.objectContaining({
        id: consentId,
        status: 'ACTIVE',
        grantedBy: { personalId: parent, capacity: 'PARENT' },
        guardianshipEnded: false,
      }),
    );
    const theirs = await q<{ wardConsents: Array<{ id: string }> }>(WARD_CONSENTS, { id: child }, as(parent));
    expect(theirs.data!.wardConsents.map((c) => c.id)).toContain(consentId);

    const t = await clientToken(hub.url, client, consentId);
    expect(t.status).toBe(200);
    const read = await q<{ citizen: { fullName: string | null; residence: unknown } }>(
      CLIENT_READ,
      { id: child },
      bearer(t.body.access_token!),
    );
    expect(read.data!.citizen.fullName).toEqual(expect.any(String));
    // RESIDENCE is in the consent, but the child's account is Level 1.
    expect(refusals(read.errors)).toEqual([{ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW', path: 'citizen.residence' }]);
    const log = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(child));
    expect(log.data!.myAccessLog.entries).toContainEqual(
      expect.objectContaining({ readerKind: 'CLIENT', clientName: 'Trường học (test)', documents: ['IDENTITY'] }),
    );

    // The guardian withdraws it for the child: recorded as theirs; the token stops.
    const rv = await q<{ wardConsentRevoke: { consent: { status: string; revokedBy: unknown } } }>(
      WARD_REVOKE,
      { id: child, c: consentId },
      as(parent),
    );
    expect(rv.data!.wardConsentRevoke.consent).toMatchObject({
      status: 'REVOKED',
      revokedBy: { personalId: parent, capacity: 'PARENT' },
    });
    const after = await q(CLIENT_READ, { id: child }, bearer(t.body.access_token!));
    expect(refusals(after.errors).map((e) => e.reason)).toContain('CONSENT_REVOKED');
    const seen = await q<{ myConsents: Array<{ id: string; status: string; revokedBy: unknown }> }>(
      MY_CONSENTS,
      {},
      as(child),
    );
    expect(seen.data!.myConsents.find((c) => c.id === consentId)).toMatchObject({
      status: 'REVOKED',
      revokedBy: { personalId: parent, capacity: 'PARENT' },
    });
  });

  it('a non-guardian cannot grant for the child', async () => {
    const { child } = fams[1];
    const body = await q(
      WARD_GRANT,
      {
        id: child,
        i: {
          clientId: client.id,
          scopes: ['IDENTITY'],
          purpose: PURPOSE,
          dossierRef: 'HS-X',
          validUntil: new Date(NOW.getTime() + 86_400_000).toISOString(),
        },
      },
      as(fams[2].parent),
    );
    expect(refusals(body.errors)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'NOT_GUARDIAN' })]);
  });
});

describe('the guardianship ends', () => {
  it('at 14: the day before everything works; the day of, each is GUARDIANSHIP_ENDED, the guardian’s consent stops, the child goes on', async () => {
    const { parent, child } = fams[2];
    const g = await grant(parent, child, ['IDENTITY']);
    const consentId = g.consent!.id;
    const t = await clientToken(hub.url, client, consentId);
    expect(t.status).toBe(200);
    const token = t.body.access_token!;

    await turns14In(child, 1); // 13 today, 14 tomorrow
    const before = await q<{ ward: { fullName: string | null } }>(WARD, { id: child }, as(parent));
    expect(before.data!.ward.fullName).toEqual(expect.any(String));
    expect((await q(WARD_LOG, { id: child }, as(parent))).errors).toBeUndefined();
    const read = await q<{ citizen: { fullName: string | null } }>(CLIENT_READ, { id: child }, bearer(token));
    expect(read.data!.citizen.fullName).toEqual(expect.any(String));

    await turns14In(child, 0); // 14 today
    for (const query of [WARD, WARD_LOG, WARD_CONSENTS]) {
      const body = await q(query, { id: child }, as(parent));
      expect(nothing(body.data)).toBe(true);
      expect(refusals(body.errors)).toEqual([
        expect.objectContaining({ code: 'FORBIDDEN', reason: 'GUARDIANSHIP_ENDED' }),
      ]);
    }
    const revoke = await q(WARD_REVOKE, { id: child, c: consentId }, as(parent));
    expect(refusals(revoke.errors)).toEqual([expect.objectContaining({ reason: 'GUARDIANSHIP_ENDED' })]);
    // The consent the guardian gave stops with the guardianship (docs/accounts.md).
    const stopped = await q(CLIENT_READ, { id: child }, bearer(token));
    expect(refusals(stopped.errors)).toContainEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_CONSENTED',
      path: 'citizen.fullName',
    });
    // ...and gives no new token.
    expect(await clientToken(hub.url, client, consentId)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The account continues in the child's hands: their papers, their log, their consents.
    const own = await q<{ me: { fullName: string | null } }>('{ me { fullName } }', {}, as(child));
    expect(own.data!.me.fullName).toEqual(expect.any(String));
    const mine = await q<{ myConsents: Array<{ id: string; guardianshipEnded: boolean | null }> }>(
      MY_CONSENTS,
      {},
      as(child),
    );
    // Still listed, and it says why it no longer serves.
    expect(mine.data!.myConsents.find((c) => c.id === consentId)).toMatchObject({ guardianshipEnded: true });
    // The refusals are in the audit for the child (not in their access log: nothing was read).
    const log = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(child));
    expect(log.errors).toBeUndefined();
  });

  it('when the population record no longer shows the relation: NOT_GUARDIAN, and their consent stops', async () => {
    const { parent, child } = fams[3];
    const g = await grant(parent, child, ['IDENTITY']);
    const t = await clientToken(hub.url, client, g.consent!.id);
    const token = t.body.access_token!;
    const seen = await q<{ ward: { fullName: string | null } }>(WARD, { id: child }, as(parent));
    expect(seen.data!.ward.fullName).toEqual(expect.any(String));

    const doc = (await pop().findOne({ _id: parent }))!;
    await pop().updateOne(
      { _id: parent },
      { $set: { nguoiPhuThuoc: doc.nguoiPhuThuoc.filter((d) => d.soDinhDanh !== child) } },
    );
    const kid = (await pop().findOne({ _id: child }))!;
    const clear: Partial<CongDanDoc> = {};
    if (kid.cha?.soDinhDanh === parent) clear.cha = { hoTen: kid.cha.hoTen };
    if (kid.me?.soDinhDanh === parent) clear.me = { hoTen: kid.me.hoTen };
    if (Object.keys(clear).length > 0) await pop().updateOne({ _id: child }, { $set: clear });

    const body = await q(WARD, { id: child }, as(parent));
    expect(refusals(body.errors)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'NOT_GUARDIAN' })]);
    const stopped = await q(CLIENT_READ, { id: child }, bearer(token));
    expect(refusals(stopped.errors)).toContainEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_CONSENTED',
      path: 'citizen.fullName',
    });
    expect((await clientToken(hub.url, client, g.consent!.id)).status).toBe(400);
  });
});

describe('the access log names a guardian only for the child they act for', () => {
  it('myWards and the child’s registration: the child’s log names the parent, in their capacity', async () => {
    const { parent, child } = fams[0];
    const body = await q(`{ myWards { personalId accountStatus } }`, {}, as(parent));
    expect(body.errors).toBeUndefined();
    const log = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(child));
    const listed = log.data!.myAccessLog.entries.filter((e) => e.data.includes('ACCOUNT'));
    // myWards, and the registration before it (accountRegisterChild shows the child's account).
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const e of listed)
      expect(e).toMatchObject({ readerKind: 'CITIZEN', readerPersonalId: parent, readerCapacity: 'PARENT' });
  });

  it('others read in the same request (the guardian’s own family) are not told the guardian read them as a parent', async () => {
    const ME_FAMILY = `query($id: PersonalId!) {
      me { family { spouse { personalId } father { personalId } mother { personalId } } household { members { personalId } } }
      ward(personalId: $id) { fullName } }`;
    let checked = 0;
    // Families 2 and 3 end their guardianship in the tests above.
    for (const { parent, child } of fams.slice(0, 2)) {
      const body = await q<{
        me: {
          family: Record<string, { personalId: string | null } | null> | null;
          household: { members: Array<{ personalId: string | null }> | null } | null;
        };
        ward: { fullName: string | null };
      }>(ME_FAMILY, { id: child }, as(parent));
      expect(body.errors).toBeUndefined();
      // The parent's other wards (a younger sibling in the household) may name them: not others.
      const listed = await q<{ myWards: Array<{ personalId: string }> }>(`{ myWards { personalId } }`, {}, as(parent));
      const wardsOf = new Set(listed.data!.myWards.map((w) => w.personalId));
      expect(wardsOf.has(child)).toBe(true);
      const others = new Set(
        [
          ...Object.values(body.data!.me.family ?? {}).map((r) => r?.personalId),
          ...(body.data!.me.household?.members ?? []).map((m) => m.personalId),
        ].filter((id): id is string => !!id && id !== parent && !wardsOf.has(id)),
      );
      // The child's log names the guardian, in their capacity.
      const childLog = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(child));
      expect(childLog.data!.myAccessLog.entries).toContainEqual(
        expect.objectContaining({ readerPersonalId: parent, readerCapacity: 'PARENT' }),
      );
      for (const other of others) {
        const log = await q<{ myAccessLog: { entries: LogEntry[] } }>(MY_LOG, {}, as(other));
        expect(log.errors).toBeUndefined();
        // The read is there (a citizen read their identity) but the reader is not named, and not
        // as this person's parent or guardian: the parent acts for the child only.
        expect(log.data!.myAccessLog.entries.some((e) => e.readerKind === 'CITIZEN')).toBe(true);
        expect(log.data!.myAccessLog.entries.filter((e) => e.readerPersonalId !== null)).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('every guardian refusal is audited for the child', () => {
  /** The DENIED reasons the request's audit record lists for `citizenId`. */
  async function deniedFor(res: { headers: Headers }, citizenId: string): Promise<string[]> {
    const records = await hub.store.hubDb
      .collection<AuditRecordDoc>(AUDIT_COLLECTION)
      .find({ requestId: res.headers.get('x-request-id')! })
      .toArray();
    return records.flatMap((r) =>
      r.citizens.filter((c) => c.citizenId === citizenId).flatMap((c) => c.denied.map((d) => d.reason)),
    );
  }

  it('a stranger’s ward, childAccount and accountRegisterChild: DENIED NOT_GUARDIAN for the child', async () => {
    const { child } = fams[0];
    const stranger = fams[1].parent;
    const ward = await gql(hub.url, WARD, { id: child }, as(stranger));
    expect(await deniedFor(ward, child)).toEqual(['NOT_GUARDIAN']);

    const account = await gql<{ childAccount: { account: unknown; userErrors: Array<{ code: string }> } }>(
      hub.url,
      `query($id: PersonalId!) { childAccount(personalId: $id) { account { status } userErrors { code } } }`,
      { id: child },
      as(stranger),
    );
    expect(account.body.data!.childAccount).toEqual({ account: null, userErrors: [{ code: 'NOT_GUARDIAN' }] });
    expect(await deniedFor(account, child)).toEqual(['NOT_GUARDIAN']);

    const register = await gql<{ accountRegisterChild: { account: unknown; userErrors: Array<{ code: string }> } }>(
      hub.url,
      `mutation($i: AccountRegisterChildInput!) { accountRegisterChild(input: $i) { account { status } userErrors { code } } }`,
      { i: { personalId: child, phone: '0912345678', portraitRef: 'p/x' } },
      as(stranger),
    );
    expect(register.body.data!.accountRegisterChild).toEqual({ account: null, userErrors: [{ code: 'NOT_GUARDIAN' }] });
    expect(await deniedFor(register, child)).toEqual(['NOT_GUARDIAN']);
  });
});

/** The consent's claims in the hub's signed statement, as the client asks for it. */
async function statementOf(consentId: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${hub.url}/oauth/consent-statement`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ consent_id: consentId }).toString(),
  });
  expect(res.status).toBe(200);
  const { statement } = (await res.json()) as { statement: string };
  return (
    JSON.parse(Buffer.from(statement.split('.')[1], 'base64url').toString()) as { consent: Record<string, unknown> }
  ).consent;
}

describe('the guardianship ends with the child’s death', () => {
  it('a deceased child: no new consent in their name, the guardian’s consents stop, the papers are not read for them', async () => {
    const { parent, child } = fams[1];
    const g = await grant(parent, child, ['IDENTITY']);
    expect(g.userErrors).toEqual([]);
    const t = await clientToken(hub.url, client, g.consent!.id);
    expect(t.status).toBe(200);

    expect(await statementOf(g.consent!.id)).toMatchObject({
      status: 'ACTIVE',
      grantedBy: { personalId: parent, capacity: 'PARENT' },
      guardianshipEnded: false,
    });

    await pop().updateOne({ _id: child }, { $set: { trangThai: 'DA_CHET', ngayMat: TODAY } });
    // The hub's signed statement says what the token endpoint does: it no longer holds.
    expect(await statementOf(g.consent!.id)).toMatchObject({
      grantedBy: { personalId: parent, capacity: 'PARENT' },
      guardianshipEnded: true,
    });
    const body = await q(
      WARD_GRANT,
      {
        id: child,
        i: {
          clientId: client.id,
          scopes: ['IDENTITY'],
          purpose: PURPOSE,
          dossierRef: 'HS-DEAD',
          validUntil: new Date(NOW.getTime() + 86_400_000).toISOString(),
        },
      },
      as(parent),
    );
    expect(refusals(body.errors)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'GUARDIANSHIP_ENDED' }),
    ]);
    const ward = await q(WARD, { id: child }, as(parent));
    expect(refusals(ward.errors)).toEqual([expect.objectContaining({ reason: 'GUARDIANSHIP_ENDED' })]);
    const read = await q(CLIENT_READ, { id: child }, bearer(t.body.access_token!));
    expect(refusals(read.errors)).toContainEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_CONSENTED',
      path: 'citizen.fullName',
    });
    expect((await clientToken(hub.url, client, g.consent!.id)).status).toBe(400);
    const listed = await q<{ myWards: Array<{ personalId: string }> }>(`{ myWards { personalId } }`, {}, as(parent));
    expect(listed.data!.myWards.map((w) => w.personalId)).not.toContain(child);
  });
});
