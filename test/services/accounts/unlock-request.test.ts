/**
 * An authority's request to unlock an account (docs/accounts.md; Decree 69/2024 as summarised: 1
 * working day to forward plus 2 to decide) over real HTTP with real officer tokens on the real
 * store (prefix `aunl_`): the deadlines across the April 2026 holidays, the officer action that
 * completes it and the roles that may, overdue on the day after the deadline, the history.
 * The hub's clock is set by the test.
 */
import { seed } from '../../../mockdata/seed';
import { mapCitizen } from '../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { issueDevToken } from '../../../services/access/auth/dev-idp';
import type { OfficerRole } from '../../../services/access/auth/principal';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';

const keys = testKeys();
let now = new Date('2026-04-24T09:30:00Z'); // Friday 24 April 2026, 16:30 in Vietnam
let hub: TestHub;
let holders: string[];
let province: string;

const officer = (role: OfficerRole, prov = province) =>
  ({
    authorization: `Bearer ${issueDevToken(
      'officer',
      { role, area: { province: prov }, officerId: `o-${role}`, unit: 'Công an (test)' },
      { key: keys.idp },
    )}`,
  }) as Record<string, string>;

/** End of a Vietnam day as an ISO instant. */
const endOfVnDay = (day: string) => new Date(new Date(`${day}T23:59:59.999+07:00`).getTime()).toISOString();

const FIELDS = `account { status lockGround unlockRequest { status authority receivedAt forwardDueAt dueAt overdue recordedBy decidedAt decidedBy }
  history { event reason by } } userErrors { code message }`;
const LOCK = `mutation($id: PersonalId!) { accountLock(personalId: $id, ground: AUTHORITY_REQUEST, reason: "công văn 12/CSĐT") { ${FIELDS} } }`;
const REQUEST = `mutation($id: PersonalId!, $a: String!) { accountUnlockRequest(personalId: $id, authority: $a) { ${FIELDS} } }`;
const COMPLETE = `mutation($id: PersonalId!) { accountUnlockAtAuthorityRequest(personalId: $id, reason: "đã xác minh") { ${FIELDS} } }`;
const REFUSE = `mutation($id: PersonalId!) { accountUnlockRequestRefuse(personalId: $id, reason: "không đủ căn cứ") { ${FIELDS} } }`;
const READ = `query($id: PersonalId!) { account(personalId: $id) { status unlockRequest { dueAt overdue } } }`;

interface Payload {
  account: {
    status: string;
    unlockRequest: {
      authority: string;
      receivedAt: string;
      forwardDueAt: string;
      dueAt: string;
      overdue: boolean;
      recordedBy: string;
    } | null;
    history: Array<{ event: string; reason: string; by: string }>;
  } | null;
  userErrors: Array<{ code: string; message: string }>;
}

async function run(query: string, vars: Record<string, unknown>, headers: Record<string, string>) {
  const r = await gql<Record<string, Payload>>(hub.url, query, vars, headers);
  expect({ status: r.status, errors: r.body.errors }).toEqual({ status: 200, errors: undefined });
  return Object.values(r.body.data!)[0];
}

/** The account as an officer of the area reads it. */
async function read(id: string, role: OfficerRole) {
  const r = await gql<{ account: { status: string; unlockRequest: { dueAt: string; overdue: boolean } | null } }>(
    hub.url,
    READ,
    { id },
    officer(role),
  );
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.account;
}

beforeAll(async () => {
  hub = await startTestHub({}, 'aunl_', { now: () => now });
  await seed(hub.store, { citizens: 300, seed: 53 });
  const accounts = await hub.store.hubDb
    .collection<AccountDoc>(ACCOUNTS_COLLECTION)
    .find({ status: 'ACTIVE' })
    .toArray();
  const pop = hub.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const ok: AccountDoc[] = [];
  for (const a of accounts.sort((x, y) => x._id.localeCompare(y._id))) {
    const doc = await pop.findOne({ _id: a._id });
    const p = doc && mapCitizen(doc);
    // Alive, with a card valid through the test's dates.
    if (!p || p.vitalStatus !== 'ALIVE' || (p.identityCard?.expiresOn && p.identityCard.expiresOn < '2027-01-01'))
      continue;
    ok.push(a);
  }
  province = ok[0].area.province;
  holders = ok.filter((a) => a.area.province === province).map((a) => a._id);
  expect(holders.length).toBeGreaterThanOrEqual(4);
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe("an authority's unlock request", () => {
  it('received on a Friday before the April holidays: forwarded by Tuesday 28 April, decided by Monday 4 May; overdue from 5 May', async () => {
    const id = holders[0];
    now = new Date('2026-04-23T03:00:00Z');
    expect((await run(LOCK, { id }, officer('ACCOUNT_APPROVER'))).account!.status).toBe('LOCKED');

    now = new Date('2026-04-24T09:30:00Z');
    const r = await run(REQUEST, { id, a: 'Cơ quan CSĐT Công an tỉnh (công văn 34)' }, officer('ACCOUNT_APPROVER'));
    expect(r.userErrors).toEqual([]);
    // Hùng Kings' day is compensated on Monday 27 April; 30 April and 1 May are holidays.
    expect(r.account).toMatchObject({
      status: 'LOCKED',
      lockGround: 'AUTHORITY_REQUEST',
      unlockRequest: {
        status: 'PENDING',
        authority: 'Cơ quan CSĐT Công an tỉnh (công văn 34)',
        receivedAt: now.toISOString(),
        forwardDueAt: endOfVnDay('2026-04-28'),
        dueAt: endOfVnDay('2026-05-04'),
        overdue: false,
        recordedBy: 'officer:o-ACCOUNT_APPROVER',
      },
    });
    expect(r.account!.history.at(-1)).toMatchObject({ event: 'UNLOCK_REQUEST', by: 'officer:o-ACCOUNT_APPROVER' });
    // Recorded once: a second request is refused while this one stands.
    const again = await run(REQUEST, { id, a: 'another' }, officer('SUPERVISOR'));
    expect(again.userErrors.map((e) => e.code)).toEqual(['UNLOCK_REQUEST_PENDING']);

    now = new Date('2026-05-04T16:59:00Z'); // 23:59 on 4 May in Vietnam: still in time
    expect(await read(id, 'WORKING_GROUP')).toMatchObject({ unlockRequest: { overdue: false } });
    now = new Date('2026-05-04T17:00:00Z'); // 00:00 on 5 May
    expect(await read(id, 'WORKING_GROUP')).toMatchObject({ unlockRequest: { overdue: true } });

    const done = await run(COMPLETE, { id }, officer('ACCOUNT_APPROVER'));
    expect(done.userErrors).toEqual([]);
    expect(done.account).toMatchObject({
      status: 'ACTIVE',
      lockGround: null,
      unlockRequest: {
        status: 'COMPLETED',
        overdue: false,
        decidedAt: now.toISOString(),
        decidedBy: 'officer:o-ACCOUNT_APPROVER',
      },
    });
    expect(done.account!.history.slice(-2)).toEqual([
      expect.objectContaining({ event: 'UNLOCK_REQUEST' }),
      {
        event: 'UNLOCK',
        reason: 'đã xác minh',
        by: 'officer:o-ACCOUNT_APPROVER',
      },
    ]);
  });

  it('received on a working day with no holiday ahead: 1 + 2 working days', async () => {
    const id = holders[1];
    now = new Date('2026-06-01T02:00:00Z'); // Monday 1 June
    await run(LOCK, { id }, officer('SUPERVISOR'));
    const r = await run(REQUEST, { id, a: 'Tòa án nhân dân' }, officer('SUPERVISOR'));
    expect(r.account!.unlockRequest).toMatchObject({
      forwardDueAt: endOfVnDay('2026-06-02'),
      dueAt: endOfVnDay('2026-06-04'),
    });
  });

  it('refused by an officer with a reason: stays LOCKED, REFUSED in the history; a new request may follow', async () => {
    const id = holders[3];
    now = new Date('2026-06-01T02:00:00Z');
    await run(LOCK, { id }, officer('ACCOUNT_APPROVER'));
    await run(REQUEST, { id, a: 'Viện kiểm sát' }, officer('ACCOUNT_APPROVER'));
    now = new Date('2026-06-02T02:00:00Z');
    const r = await run(REFUSE, { id }, officer('SUPERVISOR'));
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({
      status: 'LOCKED',
      unlockRequest: { status: 'REFUSED', overdue: false, decidedBy: 'officer:o-SUPERVISOR' },
    });
    expect(r.account!.history.at(-1)).toMatchObject({ event: 'UNLOCK_REQUEST_REFUSE', reason: 'không đủ căn cứ' });
    expect((await run(COMPLETE, { id }, officer('ACCOUNT_APPROVER'))).userErrors.map((e) => e.code)).toEqual([
      'NO_UNLOCK_REQUEST',
    ]);
    const again = await run(REQUEST, { id, a: 'Viện kiểm sát (lần 2)' }, officer('ACCOUNT_APPROVER'));
    expect(again.account!.unlockRequest).toMatchObject({ status: 'PENDING', authority: 'Viện kiểm sát (lần 2)' });
  });

  it('only ACCOUNT_APPROVER and SUPERVISOR of the area; not without a recorded request; not on an ACTIVE account', async () => {
    const id = holders[2];
    now = new Date('2026-06-01T02:00:00Z');
    const notLocked = await run(REQUEST, { id, a: 'X' }, officer('ACCOUNT_APPROVER'));
    expect(notLocked.userErrors.map((e) => e.code)).toEqual(['ILLEGAL_TRANSITION']);
    await run(LOCK, { id }, officer('ACCOUNT_APPROVER'));
    const none = await run(COMPLETE, { id }, officer('ACCOUNT_APPROVER'));
    expect(none.userErrors.map((e) => e.code)).toEqual(['NO_UNLOCK_REQUEST']);

    const wg = await gql(hub.url, REQUEST, { id, a: 'X' }, officer('WORKING_GROUP'));
    expect(wg.body.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ROLE',
      required: { roles: ['ACCOUNT_APPROVER', 'SUPERVISOR'] },
    });
    const elsewhere = await gql(
      hub.url,
      REQUEST,
      { id, a: 'X' },
      officer('ACCOUNT_APPROVER', province === '01' ? '79' : '01'),
    );
    expect(JSON.stringify(elsewhere.body)).toContain('OUT_OF_JURISDICTION');
    const citizen = await gql(hub.url, COMPLETE, { id }, { authorization: `Bearer ${keys.citizen(id)}` });
    expect(citizen.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
    const blank = await run(REQUEST, { id, a: '   ' }, officer('ACCOUNT_APPROVER'));
    expect(blank.userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    expect(await read(id, 'ACCOUNT_APPROVER')).toMatchObject({ status: 'LOCKED' });
  });
});

describe("an authority's unlock request decided at once on two hub instances", () => {
  let other: TestHub;
  beforeAll(async () => {
    // A second instance on the same store: its per-account lock is not the first one's.
    other = await startTestHub({}, 'aunl_', { now: () => now });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
  });

  const at = (h: TestHub, query: string, vars: Record<string, unknown>, headers: Record<string, string>) =>
    gql<Record<string, Payload>>(h.url, query, vars, headers).then((r) => {
      expect(r.body.errors).toBeUndefined();
      return Object.values(r.body.data!)[0];
    });

  it('recorded twice at once: one PENDING request, the other UNLOCK_REQUEST_PENDING', async () => {
    expect(holders.length).toBeGreaterThanOrEqual(6);
    const id = holders[4];
    now = new Date('2026-06-01T02:00:00Z');
    await run(LOCK, { id }, officer('ACCOUNT_APPROVER'));
    const [a, b] = await Promise.all([
      at(hub, REQUEST, { id, a: 'Cơ quan A' }, officer('ACCOUNT_APPROVER')),
      at(other, REQUEST, { id, a: 'Cơ quan B' }, officer('SUPERVISOR')),
    ]);
    const codes = [a, b].map((p) => p.userErrors.map((e) => e.code).join(',')).sort();
    expect(codes).toEqual(['', 'UNLOCK_REQUEST_PENDING']);
    const history = (await run(REFUSE, { id }, officer('SUPERVISOR'))).account!.history;
    expect(history.filter((h) => h.event === 'UNLOCK_REQUEST')).toHaveLength(1);
  });

  it('completed and refused at once: exactly one decision stands, and a completed request is not undone', async () => {
    const id = holders[5];
    now = new Date('2026-06-01T02:00:00Z');
    await run(LOCK, { id }, officer('ACCOUNT_APPROVER'));
    await run(REQUEST, { id, a: 'Cơ quan điều tra' }, officer('ACCOUNT_APPROVER'));
    const [done, refused] = await Promise.all([
      at(hub, COMPLETE, { id }, officer('ACCOUNT_APPROVER')),
      at(other, REFUSE, { id }, officer('SUPERVISOR')),
    ]);
    const won = [done, refused].filter((p) => p.userErrors.length === 0);
    expect(won).toHaveLength(1);
    const lost = done.userErrors.length ? done : refused;
    expect(lost.userErrors.map((e) => e.code)).toEqual([
      expect.stringMatching(/^(NO_UNLOCK_REQUEST|ILLEGAL_TRANSITION)$/),
    ]);
    const final = (await read(id, 'ACCOUNT_APPROVER')) as { status: string };
    expect(final.status).toBe(won[0] === done ? 'ACTIVE' : 'LOCKED');
    // Once completed (ACTIVE), a refusal cannot turn it back.
    if (won[0] === done) {
      const late = await run(REFUSE, { id }, officer('SUPERVISOR'));
      expect(late.userErrors.map((e) => e.code)).toEqual(['ILLEGAL_TRANSITION']);
      expect(await read(id, 'ACCOUNT_APPROVER')).toMatchObject({ status: 'ACTIVE' });
    }
  });
});
