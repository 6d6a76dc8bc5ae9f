/**
 * The account mutations and queries through GraphQL (its own data set, prefix `acg_`):
 * lock / unlock, illegal transitions answered as user errors, roles and principals, the
 * immediate effect of a status or level change on disclosure, and the audit of the
 * transitions over real HTTP with real tokens.
 */
import { ACCOUNT_CHANGES_COLLECTION } from '../../../services/access/account-feed';
import type { GraphQLFormattedError } from 'graphql';
import { ACCOUNT_STATES, TRANSITIONS } from '../../../services/accounts/lifecycle/table';
import type { AccountState, EventType } from '../../../services/accounts/model';
import { RecordingNotifier } from '../../../services/accounts/notifier';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';
import { verifyAuditChain } from '../../../services/audit/verify';
import type { AuditRecordDoc } from '../../../services/audit/model';
import type { Principal } from '../../../services/access/auth/principal';
import type { StoredAccount } from '../../../services/accounts/model';
import type { Mutation, Query } from '../../../generated/graphql';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import {
  ANON,
  T0,
  activeAccount,
  call,
  citizen,
  clientPrincipal,
  newPhone,
  officer,
  ok,
  registerApproved,
  setupFixture,
  withChip,
  type Fixture,
  type Op,
} from './support';

const PREFIX = 'acg_';
let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture(PREFIX, { citizens: 400, seed: 23 });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0);
});

/** A province other than `province` that has people in the data set. */
function otherProvince(province: string): string {
  return fx.people.find((p) => p.area && p.area.province !== province)!.area!.province;
}

function unknownId(): string {
  let id = '001199000001';
  while (fx.byId.has(id)) id = String(Number(id) + 1).padStart(12, '0');
  return id;
}

/** The stored account document, to compare before and after a refused operation. */
const snapshot = (id: string): Promise<StoredAccount | null> => fx.account(id);

describe('lock and unlock', () => {
  it('locks by the holder; an officer unlocks only in the area and with proof of ownership', async () => {
    const { person } = await activeAccount(fx, 'holder lock');
    const id = person.personalId;
    const me = citizen(id);

    const locked = await ok(fx.ex, me, 'lock');
    expect(locked).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER', lockedAt: T0.toISOString() });
    expect(locked.history.at(-1)).toMatchObject({
      event: 'LOCK',
      from: 'ACTIVE',
      to: 'LOCKED',
      by: 'citizen',
      reason: 'locked (HOLDER, via APP)',
    });
    expect((await call(fx.ex, me, 'lock')).code).toBe('ALREADY_LOCKED');

    // (The holder may lift this lock in the app too: lock-grounds.test.ts.)
    const o = officer({ province: person.area!.province }, 'ACCOUNT_APPROVER', 'CA-unlock-1');
    const unverified = await call(fx.ex, o, 'unlock', { id, ok: false });
    expect(unverified.code).toBe('OWNERSHIP_NOT_VERIFIED');
    expect(unverified.account!.status).toBe('LOCKED');

    // Outside the jurisdiction: the same answer as for an ID that does not exist.
    const far = officer({ province: otherProvince(person.area!.province) }, 'SUPERVISOR');
    const outside = await call(fx.ex, far, 'unlock', { id, ok: true });
    const unknown = await call(fx.ex, far, 'unlock', { id: unknownId(), ok: true });
    expect(outside.errors).toBeUndefined();
    expect(outside.code).toBe('OUT_OF_JURISDICTION');
    expect(outside.account).toBeNull();
    expect(unknown.errors).toBeUndefined();
    expect(unknown.userErrors).toEqual(outside.userErrors);
    expect(unknown.account).toBeNull();
    expect((await fx.account(id))!.status).toBe('LOCKED');

    const unlocked = await ok(fx.ex, o, 'unlock', { id, ok: true });
    expect(unlocked).toMatchObject({ status: 'ACTIVE', lockReason: null, lockedAt: null });
    expect(unlocked.history.at(-1)).toMatchObject({ event: 'UNLOCK', by: 'officer:CA-unlock-1' });

    // An officer locks on a hotline call.
    const byOfficer = await ok(fx.ex, o, 'lock', { id });
    expect(byOfficer).toMatchObject({ status: 'LOCKED', lockReason: 'OFFICER' });
    expect(byOfficer.history.at(-1)!.reason).toBe('locked (OFFICER, via HOTLINE)');
  });

  it('unlocks the account of a holder who has no ID card on record (nothing is expired)', async () => {
    const p = fx.take('an adult with no ID card', (c) => !c.identityCard);
    const id = p.personalId;
    const o = officer(p.area!, 'ACCOUNT_APPROVER');
    const pending = await ok(fx.ex, citizen(id), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p' },
    });
    expect(pending.status).toBe('PENDING');
    await ok(fx.ex, o, 'approve', { id });
    await ok(fx.ex, citizen(id), 'activate', { code: fx.notifier.lastCode(id)! });
    await ok(fx.ex, citizen(id), 'lock');
    expect((await ok(fx.ex, o, 'unlock', { id, ok: true })).status).toBe('ACTIVE');
  });
});

describe('illegal transitions', () => {
  type Move = (a: StoredAccount | null, id: string, province: string) => [Principal, Op, Record<string, unknown>];
  const sup = (province: string) => officer({ province }, 'SUPERVISOR', 'CA-illegal');
  /** One mutation per event a caller can ask for (NOTIFY and EXPIRE_ACTIVATION are the system's). */
  const MOVES: Partial<Record<EventType, Move>> = {
    REGISTER_L1: (_a, id) => [citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } }],
    REGISTER_L2: (_a, id, pr) => [
      sup(pr),
      'register',
      { input: { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true } },
    ],
    UPGRADE_TO_L2: (_a, id, pr) => [sup(pr), 'upgrade', { id, fp: true }],
    APPROVE: (_a, id, pr) => [sup(pr), 'approve', { id }],
    REJECT: (_a, id, pr) => [sup(pr), 'reject', { id, reason: 'documents do not match' }],
    ACTIVATE: (_a, id) => [citizen(id), 'activate', { code: '123456' }],
    REOPEN: (_a, id, pr) => [sup(pr), 'reopen', { id }],
    LOCK: (_a, id) => [citizen(id), 'lock', {}],
    UNLOCK: (_a, id, pr) => [sup(pr), 'unlock', { id, ok: true }],
    PHONE_CHANGE: (_a, id, pr) => [sup(pr), 'phoneChange', { input: { personalId: id, phone: newPhone() } }],
  };
  const legal = new Set(TRANSITIONS.map((t) => `${t.from}|${t.event}`));

  function expectedCode(
    state: AccountState,
    event: EventType,
    a: StoredAccount | null,
    principal: Principal,
  ): string[] {
    if (event === 'REGISTER_L1' || event === 'REGISTER_L2') return ['ALREADY_REGISTERED'];
    // Officers get the same answer for a person without an account as for one outside their area.
    if (!a) return principal.kind === 'OFFICER' ? ['NO_ACCOUNT', 'OUT_OF_JURISDICTION'] : ['NO_ACCOUNT'];
    if (event === 'UPGRADE_TO_L2' && a.level === 2) return ['LEVEL_ALREADY_2'];
    if (event === 'ACTIVATE' && state === 'ACTIVATION_EXPIRED') return ['ACTIVATION_WINDOW_CLOSED'];
    return ['ILLEGAL_TRANSITION'];
  }

  it('answers every move outside the TRANSITIONS table with a user error and changes nothing', async () => {
    const tried: string[] = [];
    for (const state of ACCOUNT_STATES) {
      let a: StoredAccount | null = null;
      let id: string;
      let province: string;
      if (state === 'NONE') {
        const p = fx.take('no account', () => true);
        id = p.personalId;
        province = p.area!.province;
      } else {
        a = fx.takeAccount(`state ${state}`, (x) => x.status === state && !x.pendingLevel);
        id = a._id;
        province = a.area.province;
      }
      for (const [event, move] of Object.entries(MOVES) as Array<[EventType, Move]>) {
        if (legal.has(`${state}|${event}`)) continue;
        const [principal, op, vars] = move(a, id, province);
        const before = await snapshot(id);
        const r = await call(fx.ex, principal, op, vars);
        const what = `${state} × ${event}`;
        tried.push(what);
        expect({ what, errors: r.errors }).toEqual({ what, errors: undefined });
        expect(r.userErrors).toHaveLength(1);
        const allowed = expectedCode(state, event, a, principal);
        expect({ what, code: allowed.includes(r.code!) ? allowed : r.code }).toEqual({ what, code: allowed });
        expect(r.ctx.audit.accountChanges ?? []).toEqual([]);
        expect(await snapshot(id)).toEqual(before);
      }
    }
    // Every state was exercised (PENDING … ACTIVATION_EXPIRED and NONE), 40+ moves in all.
    expect(new Set(tried.map((t) => t.split(' × ')[0]))).toEqual(new Set(ACCOUNT_STATES));
    expect(tried.length).toBeGreaterThan(40);
  });

  it('refuses moves in the table whose guard fails, with their specific codes', async () => {
    const active = fx.takeAccount(
      'ACTIVE L1 with chip',
      (a, p) => a.status === 'ACTIVE' && a.level === 1 && withChip(p),
    );
    const locked = fx.takeAccount('LOCKED by the holder', (a) => a.status === 'LOCKED' && a.lockReason === 'HOLDER');
    const l2 = fx.takeAccount('ACTIVE L2', (a) => a.status === 'ACTIVE' && a.level === 2);
    // Notified now: its activation window is open and its codes are not used up.
    const { person: approved } = await registerApproved(fx, 'APPROVED, window open');
    const pending = fx.takeAccount('PENDING', (a) => a.status === 'PENDING');
    const sup = (a: StoredAccount) => officer({ province: a.area.province }, 'SUPERVISOR');

    const cases: Array<[string, Principal, Op, Record<string, unknown>, string]> = [
      ['approve ACTIVE, nothing pending', sup(active), 'approve', { id: active._id }, 'NO_PENDING_UPGRADE'],
      ['reject ACTIVE, nothing pending', sup(active), 'reject', { id: active._id, reason: 'x' }, 'NO_PENDING_UPGRADE'],
      ['activate ACTIVE', citizen(active._id), 'activate', { code: '000000' }, 'ILLEGAL_TRANSITION'],
      ['unlock ACTIVE', sup(active), 'unlock', { id: active._id, ok: true }, 'ILLEGAL_TRANSITION'],
      ['resend ACTIVE', citizen(active._id), 'resend', {}, 'ILLEGAL_TRANSITION'],
      ['upgrade without fingerprints', sup(active), 'upgrade', { id: active._id, fp: false }, 'FINGERPRINTS_REQUIRED'],
      ['upgrade Level 2', sup(l2), 'upgrade', { id: l2._id, fp: true }, 'LEVEL_ALREADY_2'],
      ['lock LOCKED (holder)', citizen(locked._id), 'lock', {}, 'ALREADY_LOCKED'],
      ['lock LOCKED (officer)', sup(locked), 'lock', { id: locked._id }, 'ALREADY_LOCKED'],
      ['phone start LOCKED', citizen(locked._id), 'phoneStart', { phone: newPhone() }, 'NOT_PERMITTED'],
      [
        'reopen APPROVED, window open',
        officer({ province: approved.area!.province }, 'SUPERVISOR'),
        'reopen',
        { id: approved.personalId },
        'ACTIVATION_WINDOW_OPEN',
      ],
      ['reject without reason', sup(pending), 'reject', { id: pending._id, reason: '   ' }, 'REASON_REQUIRED'],
      [
        'register twice',
        citizen(l2._id),
        'register',
        { input: { level: 1, phone: newPhone(), portraitRef: 'p' } },
        'ALREADY_REGISTERED',
      ],
    ];
    for (const [what, principal, op, vars, code] of cases) {
      const id = (vars.id as string) ?? (principal.kind === 'CITIZEN' ? principal.personalId : '');
      const before = await snapshot(id);
      const r = await call(fx.ex, principal, op, vars);
      expect({ what, errors: r.errors, codes: r.userErrors.map((e) => e.code) }).toEqual({
        what,
        errors: undefined,
        codes: [code],
      });
      expect(await snapshot(id)).toEqual(before);
    }

    // An upgrade awaits approval once; a second request is refused.
    const upgraded = await ok(fx.ex, sup(active), 'upgrade', { id: active._id, fp: true });
    expect(upgraded).toMatchObject({ level: 1, pendingLevel: 2, status: 'ACTIVE' });
    expect((await call(fx.ex, sup(active), 'upgrade', { id: active._id, fp: true })).code).toBe(
      'UPGRADE_ALREADY_PENDING',
    );
  });
});

describe('roles and principals', () => {
  it('refuses anonymous callers, clients, citizens and officers without the role before anything is done', async () => {
    const a = fx.takeAccount('PENDING for roles', (x) => x.status === 'PENDING');
    const holder = fx.takeAccount('ACTIVE for roles', (x) => x.status === 'ACTIVE');
    const fresh = fx.take('fresh for roles', withChip);
    const province = a.area.province;
    const cases: Array<[string, Principal, Op, Record<string, unknown>, string, string | undefined]> = [
      ['anonymous approve', ANON, 'approve', { id: a._id }, 'UNAUTHENTICATED', undefined],
      [
        'anonymous register',
        ANON,
        'register',
        { input: { level: 1, phone: newPhone(), portraitRef: 'p' } },
        'UNAUTHENTICATED',
        undefined,
      ],
      ['anonymous activate', ANON, 'activate', { code: '123456' }, 'UNAUTHENTICATED', undefined],
      ['anonymous myAccount', ANON, 'myAccount', {}, 'UNAUTHENTICATED', undefined],
      ['client approve', clientPrincipal(a._id), 'approve', { id: a._id }, 'FORBIDDEN', 'NOT_SUBJECT'],
      ['client lock', clientPrincipal(holder._id), 'lock', {}, 'FORBIDDEN', 'NOT_SUBJECT'],
      ['citizen approves own', citizen(a._id), 'approve', { id: a._id }, 'FORBIDDEN', 'NOT_SUBJECT'],
      ['citizen reopens', citizen(holder._id), 'reopen', { id: holder._id }, 'FORBIDDEN', 'NOT_SUBJECT'],
      ['citizen sweeps', citizen(holder._id), 'sweep', {}, 'FORBIDDEN', 'NOT_SUBJECT'],
      ['data cleaning approves', officer({ province }, 'DATA_CLEANING'), 'approve', { id: a._id }, 'FORBIDDEN', 'ROLE'],
      [
        'data cleaning registers',
        officer({ province }, 'DATA_CLEANING'),
        'register',
        { input: { level: 2, personalId: fresh.personalId, phone: newPhone(), fingerprintsCaptured: true } },
        'FORBIDDEN',
        'ROLE',
      ],
      ['data cleaning reads', officer({ province }, 'DATA_CLEANING'), 'account', { id: a._id }, 'FORBIDDEN', 'ROLE'],
      ['working group approves', officer({ province }, 'WORKING_GROUP'), 'approve', { id: a._id }, 'FORBIDDEN', 'ROLE'],
      ['approver sweeps', officer({ province }, 'ACCOUNT_APPROVER'), 'sweep', {}, 'FORBIDDEN', 'ROLE'],
      ['officer myAccount', officer({ province }, 'SUPERVISOR'), 'myAccount', {}, 'FORBIDDEN', 'NOT_SUBJECT'],
      [
        'officer activates',
        officer({ province }, 'SUPERVISOR'),
        'activate',
        { code: '123456' },
        'FORBIDDEN',
        'NOT_SUBJECT',
      ],
      ['citizen locks someone else', citizen(fresh.personalId), 'lock', { id: holder._id }, 'FORBIDDEN', 'NOT_SUBJECT'],
      [
        'citizen changes someone else’s phone',
        citizen(fresh.personalId),
        'phoneChange',
        { input: { personalId: holder._id, phone: newPhone() } },
        'FORBIDDEN',
        'NOT_SUBJECT',
      ],
      [
        'citizen registers someone else',
        citizen(holder._id),
        'register',
        { input: { level: 1, personalId: fresh.personalId, phone: newPhone(), portraitRef: 'p' } },
        'FORBIDDEN',
        'NOT_SUBJECT',
      ],
    ];
    for (const [what, principal, op, vars, code, reason] of cases) {
      const r = await call(fx.ex, principal, op, vars);
      expect({ what, code: r.errors?.[0]?.extensions?.code, reason: r.errors?.[0]?.extensions?.reason }).toEqual({
        what,
        code,
        reason,
      });
      expect(r.account).toBeNull();
      expect(r.ctx.audit.accountChanges ?? []).toEqual([]);
    }
    expect(await fx.account(a._id)).toEqual(a);
    expect(await fx.account(holder._id)).toEqual(holder);
    expect(await fx.account(fresh.personalId)).toBeNull();
    expect(await fx.events(a._id)).toEqual([]);
    expect(await fx.events(holder._id)).toEqual([]);
  });

  it('shows an account only to its holder and to officers of its area', async () => {
    const a = fx.takeAccount('ACTIVE for reads', (x) => x.status === 'ACTIVE');
    const mine = await call(fx.ex, citizen(a._id), 'myAccount');
    expect(mine.account!.personalId).toBe(a._id);
    const read = await call(fx.ex, officer({ province: a.area.province }, 'WORKING_GROUP'), 'account', { id: a._id });
    expect(read.account!.status).toBe('ACTIVE');
    const far = await call(fx.ex, officer({ province: otherProvince(a.area.province) }, 'SUPERVISOR'), 'account', {
      id: a._id,
    });
    const unknown = await call(fx.ex, officer({ province: otherProvince(a.area.province) }, 'SUPERVISOR'), 'account', {
      id: unknownId(),
    });
    for (const r of [far, unknown]) {
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
      expect(r.account).toBeNull();
    }
  });
});

describe('audit of the accounts shown to officers', () => {
  const shown = (id: string) => ({ citizenId: id, scope: 'ACCOUNT', decision: 'DISCLOSED' });
  // The account's place in the response: `account` (the query) or `<mutation>.account` (a payload).
  const accountEvents = (r: { ctx: { audit: { events: Array<{ path: string }> } } }) =>
    r.ctx.audit.events
      .filter((e) => e.path === 'account' || e.path.endsWith('.account'))
      .map(({ path, ...e }) => (void path, e));

  it('records an ACCOUNT disclosure whenever an account is shown, in a payload or by the account query', async () => {
    const { person } = await activeAccount(fx, 'audited disclosure');
    const id = person.personalId;
    const o = officer({ province: person.area!.province }, 'ACCOUNT_APPROVER');
    const far = officer({ province: otherProvince(person.area!.province) }, 'SUPERVISOR');

    // The holder's own mutation: audited as a read of their own account (not in their access log).
    const own = await call(fx.ex, citizen(id), 'lock');
    expect(own.account).not.toBeNull();
    expect(accountEvents(own)).toEqual([shown(id)]);

    // An officer of the area: shown, audited, also with a user error beside the account.
    const refused = await call(fx.ex, o, 'lock', { id });
    expect(refused.code).toBe('ALREADY_LOCKED');
    expect(refused.account).not.toBeNull();
    expect(accountEvents(refused)).toEqual([shown(id)]);
    const unlocked = await call(fx.ex, o, 'unlock', { id, ok: true });
    expect(unlocked.account!.status).toBe('ACTIVE');
    expect(accountEvents(unlocked)).toEqual([shown(id)]);
    const read = await call(fx.ex, o, 'account', { id });
    expect(read.account!.personalId).toBe(id);
    expect(accountEvents(read)).toEqual([shown(id)]);

    // Outside the jurisdiction: nothing shown, nothing recorded.
    const outside = await call(fx.ex, far, 'lock', { id });
    expect(outside.code).toBe('OUT_OF_JURISDICTION');
    expect(outside.account).toBeNull();
    expect(outside.ctx.audit.events.filter((e) => e.citizenId === id)).toEqual([]);
  });
});

describe('disclosure follows the account at once', () => {
  const IDENTITY = `query($id: PersonalId!) { citizen(personalId: $id) { fullName drivingLicence { number } } }`;
  const RESIDENCE = `query($id: PersonalId!) { citizen(personalId: $id) { fullName residence { registeredOn } } }`;
  type CitizenData = Pick<Query, 'citizen'>;
  const reasons = (errors: readonly GraphQLFormattedError[] | undefined) =>
    Object.fromEntries(
      (errors ?? []).map((e): [string, unknown[]] => [
        e.path?.join('.') ?? '',
        [e.extensions?.code, e.extensions?.reason],
      ]),
    );

  it('withholds the documents as soon as the holder locks the account, and discloses them again once unlocked', async () => {
    const licences = new Set(
      (
        await fx.store
          .db('gplx')
          .collection('licences')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => String(d._id)),
    );
    const a = fx.takeAccount(
      'ACTIVE L2 with a licence',
      (x) => x.status === 'ACTIVE' && x.level === 2 && licences.has(x._id),
    );
    const me = citizen(a._id);

    const before = await fx.ex.exec<CitizenData>(me, IDENTITY, { id: a._id });
    expect(before.result.errors).toBeUndefined();
    expect(before.result.data!.citizen!.drivingLicence!.number).toEqual(expect.any(String));
    // The decision is now cached (2 s)…
    expect(fx.ex.caches.accounts.get(a._id)).toEqual({ level: 2, status: 'ACTIVE' });

    await ok(fx.ex, me, 'lock');
    // …and the commit dropped it: the very next request sees the lock.
    expect(fx.ex.caches.accounts.get(a._id)).toBeUndefined();
    // Other instances forget it when they read the announcement (services/access/account-feed.ts).
    expect(
      await fx.store.hubDb.collection(ACCOUNT_CHANGES_COLLECTION).countDocuments({ personalId: a._id }),
    ).toBeGreaterThanOrEqual(1);
    const after = await fx.ex.exec<CitizenData>(me, IDENTITY, { id: a._id });
    expect(after.result.data!.citizen).toEqual({ fullName: null, drivingLicence: null });
    expect(reasons(after.result.errors)).toEqual({
      'citizen.fullName': ['FORBIDDEN', 'ACCOUNT_INACTIVE'],
      'citizen.drivingLicence': ['FORBIDDEN', 'ACCOUNT_INACTIVE'],
    });

    await ok(fx.ex, officer({ province: a.area.province }), 'unlock', { id: a._id, ok: true });
    const again = await fx.ex.exec<CitizenData>(me, IDENTITY, { id: a._id });
    expect(again.result.errors).toBeUndefined();
    expect(again.result.data!.citizen!.drivingLicence!.number).toEqual(expect.any(String));
  });

  it('discloses Level 2 documents as soon as an upgrade is approved', async () => {
    const a = fx.takeAccount(
      'ACTIVE L1 with chip for upgrade',
      (x, p) => x.status === 'ACTIVE' && x.level === 1 && withChip(p),
    );
    const me = citizen(a._id);
    const o = officer({ province: a.area.province }, 'ACCOUNT_APPROVER');

    const l1 = await fx.ex.exec<CitizenData>(me, RESIDENCE, { id: a._id });
    expect(l1.result.data!.citizen!.fullName).toEqual(expect.any(String));
    expect(reasons(l1.result.errors)).toEqual({ 'citizen.residence': ['FORBIDDEN', 'LEVEL_TOO_LOW'] });

    await ok(fx.ex, o, 'upgrade', { id: a._id, fp: true });
    const pending = await fx.ex.exec<CitizenData>(me, RESIDENCE, { id: a._id });
    expect(reasons(pending.result.errors)).toEqual({ 'citizen.residence': ['FORBIDDEN', 'LEVEL_TOO_LOW'] });

    const approved = await ok(fx.ex, o, 'approve', { id: a._id });
    expect(approved).toMatchObject({ level: 2, pendingLevel: null, status: 'ACTIVE' });
    expect(approved.history.at(-1)).toMatchObject({ event: 'APPROVE', from: 'ACTIVE', to: 'ACTIVE', level: 2 });
    const l2 = await fx.ex.exec<CitizenData>(me, RESIDENCE, { id: a._id });
    expect(l2.result.errors).toBeUndefined();
    expect(l2.result.data!.citizen!.residence).not.toBeNull();
  });
});

describe('audit over HTTP', () => {
  let hub: TestHub;
  const notifier = new RecordingNotifier();
  const keys = testKeys();
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const PAYLOAD = `account { status history { event } } userErrors { code }`;

  beforeAll(async () => {
    hub = await startTestHub({}, PREFIX, { notifier });
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function recordsFor(id: string): Promise<AuditRecordDoc[]> {
    const all = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({}).toArray();
    return all.filter((r) => r.accountChanges?.some((c) => c.citizenId === id)).sort((x, y) => x.seq - y.seq);
  }

  it('records the transitions a mutation made (event, from, to, by) in the hash-chained audit', async () => {
    const p = fx.take('audited', withChip);
    const id = p.personalId;
    const token = keys.citizen(id);

    const reg = await gql<Pick<Mutation, 'accountRegister'>>(
      hub.url,
      `mutation Register($input: AccountRegisterInput!) { accountRegister(input: $input) { ${PAYLOAD} } }`,
      { input: { level: 1, phone: newPhone(), portraitRef: 'portrait/http' } },
      bearer(token),
    );
    expect(reg.status).toBe(200);
    expect(reg.body.errors).toBeUndefined();
    expect(reg.body.data!.accountRegister.account!.status).toBe('APPROVED');

    let records = await recordsFor(id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ operation: 'Register', actor: { kind: 'CITIZEN', id } });
    expect(records[0].accountChanges!.map((c) => [c.citizenId, c.event, c.from, c.to, c.by])).toEqual([
      [id, 'REGISTER_L1', null, 'PENDING', 'citizen'],
      [id, 'APPROVE', 'PENDING', 'APPROVED', 'system'],
      [id, 'NOTIFY', 'APPROVED', 'APPROVED', 'system'],
    ]);

    const code = notifier.lastCode(id)!;
    const act = await gql<Pick<Mutation, 'accountActivate'>>(
      hub.url,
      `mutation Activate($code: String!) { accountActivate(code: $code) { ${PAYLOAD} } }`,
      { code },
      bearer(token),
    );
    expect(act.body.data!.accountActivate.account!.status).toBe('ACTIVE');

    // A refused mutation is audited too, with no account changes.
    const again = await gql<Pick<Mutation, 'accountActivate'>>(
      hub.url,
      `mutation ActivateAgain($code: String!) { accountActivate(code: $code) { ${PAYLOAD} } }`,
      { code },
      bearer(token),
    );
    expect(again.body.data!.accountActivate.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION' }]);
    const all = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({}).toArray();
    const refused = all.find((r) => r.operation === 'ActivateAgain' && r.actor.id === id);
    expect(refused).toBeDefined();
    expect(refused!.accountChanges).toBeUndefined();

    const officerToken = keys.officer('ACCOUNT_APPROVER', { province: p.area!.province });
    const lock = await gql<Pick<Mutation, 'accountLock'>>(
      hub.url,
      `mutation Lock($id: PersonalId!) { accountLock(personalId: $id, via: HOTLINE, reason: "lost phone") { ${PAYLOAD} } }`,
      { id },
      bearer(officerToken),
    );
    expect(lock.body.data!.accountLock.account!.status).toBe('LOCKED');

    records = await recordsFor(id);
    expect(records.map((r) => r.operation)).toEqual(['Register', 'Activate', 'Lock']);
    expect(records[1].accountChanges).toEqual([
      expect.objectContaining({ citizenId: id, event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', by: 'citizen' }),
    ]);
    expect(records[2].actor).toMatchObject({ kind: 'OFFICER', id: 'CA-TEST-7' });
    expect(records[2].accountChanges).toEqual([
      expect.objectContaining({
        citizenId: id,
        event: 'LOCK',
        from: 'ACTIVE',
        to: 'LOCKED',
        by: 'officer:CA-TEST-7',
        reason: 'lost phone',
      }),
    ]);

    const verified = await verifyAuditChain(hub.store);
    expect(verified.ok).toBe(true);

    // The account changes are covered by the hash: editing one breaks the chain.
    const audit = hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION);
    const original = records[1];
    await audit.updateOne({ _id: original._id }, { $set: { 'accountChanges.0.by': 'system' } });
    try {
      const broken = await verifyAuditChain(hub.store);
      expect(broken.ok).toBe(false);
      expect(broken.chains.find((c) => c.chain === original.chain)?.firstBrokenSeq).toBe(original.seq);
    } finally {
      await audit.replaceOne({ _id: original._id }, original);
    }
    expect((await verifyAuditChain(hub.store)).ok).toBe(true);
  });
});
