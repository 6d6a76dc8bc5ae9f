/**
 * The account service end to end over the real store (its own data set, prefix `acs_`),
 * through GraphQL in-process with an injectable clock: eligibility, registration and
 * automatic approval, approval deadlines on the real calendar, activation codes and the
 * 7-day window, phone changes, history and concurrent commits.
 */
import { scryptSync } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Query } from '../../../generated/graphql';
import { MAX_CODE_ATTEMPTS, MAX_CODE_SENDS, MIN_CODE_INTERVAL_MS } from '../../../services/accounts/codes';
import type { AccountEventDoc, StoredAccount } from '../../../services/accounts/model';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { REPORT_COUNTERS_COLLECTION, REPORT_LISTS_COLLECTION } from '../../../services/accounts/reports/model';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION } from '../../../services/accounts/store';
import { createExecutor } from '../../support/exec';
import {
  DAY,
  HOUR,
  T0,
  activeAccount,
  call,
  citizen,
  e164,
  endOfVnDay,
  newPhone,
  officer,
  ok,
  registerApproved,
  setupFixture,
  vn,
  withChip,
  withoutChip,
  ageOn,
  type Fixture,
} from './support';

let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture('acs_', { citizens: 600, seed: 11 });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0);
  fx.notifier.failNext = 0;
});

const store = () => fx.store.hubDb;
const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const MINUTE = 60_000;
const after = (ms: number): Date => new Date(T0.getTime() + ms);

/** A personal ID that is not in the data set. */
function unknownId(): string {
  let id = '001199000001';
  while (fx.byId.has(id)) id = String(Number(id) + 1).padStart(12, '0');
  return id;
}

/** A province other than `province` that has people in the data set. */
const otherProvince = (province: string): string =>
  fx.people.find((x) => x.area && x.area.province !== province)!.area!.province;

/** The notices sent to a person (optionally with one template). */
const noticesOf = (id: string, template?: string) =>
  fx.notifier.sent.filter((n) => n.personalId === id && (!template || n.template === template));

describe('eligibility', () => {
  it('refuses children (Decree 69 Art. 7), the deceased, unknown IDs and second registrations, writing nothing', async () => {
    const today = '2026-11-20';
    const childAged = (lo: number, hi: number) =>
      fx.people.find(
        (p) =>
          p.vitalStatus === 'ALIVE' &&
          !!p.dateOfBirth &&
          ageOn(p.dateOfBirth, today) >= lo &&
          ageOn(p.dateOfBirth, today) < hi &&
          !p.identityCard &&
          !!p.area,
      )!;
    const child = childAged(0, 6);
    const pupil = childAged(6, 14);
    const dead = fx.people.find((p) => p.vitalStatus === 'DECEASED' && !!p.area)!;
    const unknown = unknownId();
    const holder = fx.takeAccount('a registered holder', (a) => a.status === 'ACTIVE');
    expect(child && pupil && dead).toBeTruthy();

    const l1 = (id: string) => [citizen(id), { input: { level: 1, phone: newPhone(), portraitRef: 'p/1' } }] as const;
    const l2 = (id: string, province = fx.byId.get(id)?.area?.province ?? '01') =>
      [
        officer({ province }, 'ACCOUNT_APPROVER'),
        { input: { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true } },
      ] as const;
    const cases: Array<[string, readonly [ReturnType<typeof citizen>, Record<string, unknown>], string]> = [
      ['child, app', l1(child.personalId), 'NOT_ELIGIBLE_TOO_YOUNG'],
      ['child under 6, in person', l2(child.personalId), 'NOT_ELIGIBLE_TOO_YOUNG'],
      ['child of 6 to 13 without an identity card, app', l1(pupil.personalId), 'NOT_ELIGIBLE_TOO_YOUNG'],
      ['child of 6 to 13 without an identity card, in person', l2(pupil.personalId), 'NOT_ELIGIBLE_NO_IDENTITY_CARD'],
      ['deceased, app', l1(dead.personalId), 'NOT_ELIGIBLE_DECEASED'],
      ['deceased, in person', l2(dead.personalId), 'NOT_ELIGIBLE_DECEASED'],
      ['unknown, app', l1(unknown), 'NOT_ELIGIBLE_UNKNOWN_PERSON'],
      // Officers cannot probe: an unknown ID is answered as a person outside their jurisdiction.
      ['unknown, in person', l2(unknown), 'OUT_OF_JURISDICTION'],
      ['registered, app', l1(holder._id), 'ALREADY_REGISTERED'],
      ['registered, in person', l2(holder._id), 'ALREADY_REGISTERED'],
    ];
    const sent = fx.notifier.sent.length;
    for (const [what, [principal, vars], code] of cases) {
      const r = await call(fx.ex, principal, 'register', vars);
      expect({ what, errors: r.errors, codes: r.userErrors.map((e) => e.code) }).toEqual({
        what,
        errors: undefined,
        codes: [code],
      });
      expect(r.ctx.audit.accountChanges ?? []).toEqual([]);
    }
    for (const id of [child.personalId, pupil.personalId, dead.personalId, unknown]) {
      expect(await fx.account(id)).toBeNull();
      expect(await fx.events(id)).toEqual([]);
    }
    // The holder's account is untouched and no event was committed for it.
    const after = await fx.account(holder._id);
    expect(after).toEqual(holder);
    expect(await fx.events(holder._id)).toEqual([]);
    expect(fx.notifier.sent.length).toBe(sent);
  });
});

describe('in person: only people of the officer’s jurisdiction', () => {
  const l2 = (id: string) => ({
    input: { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true },
  });
  const disclosed = (id: string, scope = 'IDENTITY'): unknown =>
    expect.objectContaining({ citizenId: id, scope, decision: 'DISCLOSED' });

  it('registers Level 2 only a person living in the jurisdiction; elsewhere is answered as an unknown ID', async () => {
    const p = fx.take('in person, elsewhere', withChip);
    const id = p.personalId;
    const far = officer({ province: otherProvince(p.area!.province) }, 'ACCOUNT_APPROVER');
    const otherCommune = fx.people.find(
      (x) => x.area && x.area.province === p.area!.province && x.area.commune !== p.area!.commune,
    )!.area!;
    const unknown = await call(fx.ex, far, 'register', l2(unknownId()));
    expect(unknown.errors).toBeUndefined();
    expect(unknown.code).toBe('OUT_OF_JURISDICTION');
    for (const o of [far, officer(otherCommune, 'ACCOUNT_APPROVER')]) {
      const r = await call(fx.ex, o, 'register', l2(id));
      expect(r.errors).toBeUndefined();
      expect(r.userErrors).toEqual(unknown.userErrors);
      expect(r.account).toBeNull();
      expect(r.ctx.audit.accountChanges ?? []).toEqual([]);
      expect(r.ctx.audit.events.filter((e) => e.citizenId === id)).toEqual([]);
    }
    expect(await fx.account(id)).toBeNull();
    expect(await fx.events(id)).toEqual([]);

    // An officer of the person's commune (or province) registers, is shown the account, and that is audited.
    const here = await call(fx.ex, officer(p.area!, 'ACCOUNT_APPROVER', 'CA-here'), 'register', l2(id));
    expect(here.userErrors).toEqual([]);
    expect(here.account).toMatchObject({ personalId: id, status: 'PENDING', level: 2 });
    expect(here.ctx.audit.events).toContainEqual(disclosed(id));
  });

  it('upgrades only an account of the jurisdiction; elsewhere is answered as an unknown ID', async () => {
    const { person } = await activeAccount(fx, 'upgrade, elsewhere');
    const id = person.personalId;
    const far = officer({ province: otherProvince(person.area!.province) }, 'ACCOUNT_APPROVER');
    const before = await fx.account(id);
    const unknown = await call(fx.ex, far, 'upgrade', { id: unknownId(), fp: true });
    const elsewhere = await call(fx.ex, far, 'upgrade', { id, fp: true });
    expect(unknown.code).toBe('OUT_OF_JURISDICTION');
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.userErrors).toEqual(unknown.userErrors);
    expect(elsewhere.account).toBeNull();
    expect(elsewhere.ctx.audit.events.filter((e) => e.citizenId === id)).toEqual([]);
    expect(await fx.account(id)).toEqual(before);

    const here = await call(fx.ex, officer({ province: person.area!.province }), 'upgrade', { id, fp: true });
    expect(here.userErrors).toEqual([]);
    expect(here.account).toMatchObject({ level: 1, pendingLevel: 2 });
    expect(here.ctx.audit.events).toContainEqual(disclosed(id, 'ACCOUNT'));
  });
});

describe('registration', () => {
  it('approves a Level 1 registration with a chip card automatically and notifies a hashed code', async () => {
    const p = fx.take('chip L1', withChip);
    const r = await call(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 1, phone: '0912 345 678', portraitRef: 'portrait/abc' },
    });
    expect(r.errors).toBeUndefined();
    expect(r.userErrors).toEqual([]);
    const a = r.account!;
    expect(a).toMatchObject({
      personalId: p.personalId,
      level: 1,
      status: 'APPROVED',
      phone: '+84912345678',
      hasChipCard: true,
      approvedAt: T0.toISOString(),
      notifiedAt: T0.toISOString(),
      // Notified on Friday 20 November: day 7 is Friday 27 November.
      activationDeadline: endOfVnDay('2026-11-27'),
      area: { code: p.area!.commune, kind: 'COMMUNE' },
    });
    expect(a.history.map((h) => [h.event, h.from, h.to, h.by])).toEqual([
      ['REGISTER_L1', null, 'PENDING', 'citizen'],
      ['APPROVE', 'PENDING', 'APPROVED', 'system'],
      ['NOTIFY', 'APPROVED', 'APPROVED', 'system'],
    ]);
    expect(r.ctx.audit.accountChanges?.map((c) => [c.citizenId, c.event, c.by])).toEqual([
      [p.personalId, 'REGISTER_L1', 'citizen'],
      [p.personalId, 'APPROVE', 'system'],
      [p.personalId, 'NOTIFY', 'system'],
    ]);

    const notices = fx.notifier.sent.filter((n) => n.personalId === p.personalId);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      template: 'ACCOUNT_APPROVED',
      channel: 'SMS',
      to: '+84912345678',
      params: { activateBy: '2026-11-27' },
    });
    const code = notices[0].params.code;
    expect(code).toMatch(/^\d{6}$/);

    // Stored as a salted scrypt hash only.
    const doc = (await fx.account(p.personalId))!;
    expect(Object.keys(doc.activationCode!).sort()).toEqual([
      'attempts',
      'expiresAt',
      'firstSentAt',
      'hash',
      'resends',
      'salt',
      'sentAt',
    ]);
    expect(doc.activationCode).toMatchObject({ resends: 0, firstSentAt: T0, sentAt: T0 });
    expect(JSON.stringify(doc)).not.toContain(`"${code}"`);
    expect(doc.activationCode!.hash).toBe(
      scryptSync(code, Buffer.from(doc.activationCode!.salt, 'hex'), 32).toString('hex'),
    );
    expect(doc.activationCode!.attempts).toBe(0);
    expect(doc.seq).toBe(3);
  });

  it('keeps a Level 1 registration without a chip card PENDING for 7 working days, then an officer of the area approves', async () => {
    const p = fx.take('no chip L1', withoutChip);
    const phone = newPhone();
    const r = await call(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 1, phone, portraitRef: 'portrait/x', email: 'someone@example.vn' },
    });
    expect(r.userErrors).toEqual([]);
    expect(r.account!.email).toBe('someone@example.vn');
    // Friday 20 Nov → 23, 24, 25, 26, 27, 30 Nov, 1 Dec.
    expect(r.account).toMatchObject({
      status: 'PENDING',
      level: 1,
      hasChipCard: false,
      approvalDueAt: endOfVnDay('2026-12-01'),
      approvalOverdue: false,
      notifiedAt: null,
    });
    expect(fx.notifier.sent.filter((n) => n.personalId === p.personalId)).toEqual([]);

    // An officer of another province, or of another commune of the same province, may not decide.
    const elsewhere = fx.people.find((x) => x.area && x.area.province !== p.area!.province)!.area!;
    const otherCommune = fx.people.find(
      (x) => x.area && x.area.province === p.area!.province && x.area.commune !== p.area!.commune,
    )?.area;
    for (const o of [officer({ province: elsewhere.province }), ...(otherCommune ? [officer(otherCommune)] : [])]) {
      const denied = await call(fx.ex, o, 'approve', { id: p.personalId });
      expect(denied.code).toBe('OUT_OF_JURISDICTION');
      expect(denied.account).toBeNull();
    }
    expect((await fx.account(p.personalId))!.status).toBe('PENDING');

    fx.clock.set(vn('2026-11-23', '09:00'));
    const o = officer(p.area!, 'ACCOUNT_APPROVER', 'CA-approver-1');
    const approved = await ok(fx.ex, o, 'approve', { id: p.personalId });
    expect(approved.status).toBe('APPROVED');
    expect(approved.approvalDueAt).toBeNull();
    expect(approved.history.slice(1).map((h) => [h.event, h.by])).toEqual([
      ['APPROVE', 'officer:CA-approver-1'],
      ['NOTIFY', 'system'],
    ]);
    // Even with an e-mail address, the notice (the activation code) goes by SMS to the account's phone.
    const notice = fx.notifier.sent.filter((n) => n.personalId === p.personalId);
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ channel: 'SMS', to: e164(phone), template: 'ACCOUNT_APPROVED' });
    expect(JSON.stringify(notice)).not.toContain('someone@example.vn');
    expect(approved.history.at(-1)!.reason).toBe('notified by SMS');
  });

  it('does not approve automatically a Level 1 whose chip card has expired: PENDING for 7 working days', async () => {
    const expired = fx.take('chip card expired yesterday', withChip);
    const lastDay = fx.take('chip card expiring today', withChip);
    await fx.setCardExpiry(expired.personalId, '2026-11-19');
    await fx.setCardExpiry(lastDay.personalId, '2026-11-20');

    const r = await call(fx.ex, citizen(expired.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p' },
    });
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({
      status: 'PENDING',
      hasChipCard: false,
      // 7 working days, as without a chip card: Friday 20 Nov → Tuesday 1 Dec.
      approvalDueAt: endOfVnDay('2026-12-01'),
      approvedAt: null,
      notifiedAt: null,
    });
    expect(r.account!.history.map((h) => h.event)).toEqual(['REGISTER_L1']);
    expect(noticesOf(expired.personalId)).toEqual([]);

    // A card is valid through its expiry day.
    const valid = await ok(fx.ex, citizen(lastDay.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p' },
    });
    expect(valid).toMatchObject({ status: 'APPROVED', hasChipCard: true });
  });

  it('refuses an invalid e-mail address: INVALID_EMAIL, nothing written or sent', async () => {
    const p = fx.take('invalid e-mail', withChip);
    const id = p.personalId;
    const here = officer(p.area!, 'ACCOUNT_APPROVER');
    const sent = fx.notifier.sent.length;
    for (const email of ['not-an-address', 'a@b', 'two words@example.vn', 'x@example.c', '@example.vn']) {
      for (const [principal, input] of [
        [citizen(id), { level: 1, phone: newPhone(), portraitRef: 'p', email }],
        [here, { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true, email }],
      ] as const) {
        const r = await call(fx.ex, principal, 'register', { input });
        expect({ email, errors: r.errors, codes: r.userErrors.map((e) => e.code) }).toEqual({
          email,
          errors: undefined,
          codes: ['INVALID_EMAIL'],
        });
        expect(r.account).toBeNull();
        expect(r.ctx.audit.accountChanges ?? []).toEqual([]);
      }
    }
    expect(await fx.account(id)).toBeNull();
    expect(await fx.events(id)).toEqual([]);
    expect(fx.notifier.sent.length).toBe(sent);

    // A valid one is kept; the approval notice still goes by SMS.
    const phone = newPhone();
    const a = await ok(fx.ex, here, 'register', {
      input: { level: 2, personalId: id, phone, fingerprintsCaptured: true, email: 'ten.ho@example.vn' },
    });
    expect(a.email).toBe('ten.ho@example.vn');
    await ok(fx.ex, here, 'approve', { id });
    expect(noticesOf(id)).toEqual([
      expect.objectContaining({ template: 'ACCOUNT_APPROVED', channel: 'SMS', to: e164(phone) }),
    ]);
  });

  it('registers Level 2 in person only with fingerprints, due in 3 working days with a chip card', async () => {
    const p = fx.take('chip L2', withChip);
    const o = officer({ province: p.area!.province }, 'ACCOUNT_APPROVER', 'CA-desk-2');
    for (const fingerprintsCaptured of [false, undefined]) {
      const r = await call(fx.ex, o, 'register', {
        input: { level: 2, personalId: p.personalId, phone: newPhone(), fingerprintsCaptured },
      });
      expect(r.errors).toBeUndefined();
      expect(r.code).toBe('FINGERPRINTS_REQUIRED');
    }
    expect(await fx.account(p.personalId)).toBeNull();
    expect(await fx.events(p.personalId)).toEqual([]);

    // A citizen cannot register Level 2 in the app.
    const self = await call(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 2, phone: newPhone(), portraitRef: 'p', fingerprintsCaptured: true },
    });
    expect(self.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await fx.account(p.personalId)).toBeNull();

    const a = await ok(fx.ex, o, 'register', {
      input: { level: 2, personalId: p.personalId, phone: newPhone(), fingerprintsCaptured: true },
    });
    // Friday 20 Nov → 23, 24, 25 Nov.
    expect(a).toMatchObject({
      status: 'PENDING',
      level: 2,
      hasChipCard: true,
      approvalDueAt: endOfVnDay('2026-11-25'),
    });
    expect(a.history.map((h) => [h.event, h.by, h.level])).toEqual([['REGISTER_L2', 'officer:CA-desk-2', 2]]);
    // No automatic approval for Level 2: nothing is sent until an officer approves.
    expect(fx.notifier.sent.filter((n) => n.personalId === p.personalId)).toEqual([]);
  });
});

describe('rejection', () => {
  it('rejects with a reason; the person may register again and the history continues', async () => {
    const p = fx.take('rejected then again', withChip);
    const id = p.personalId;
    const o = officer(p.area!, 'ACCOUNT_APPROVER', 'CA-rej');
    await ok(fx.ex, o, 'register', {
      input: { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true },
    });
    const rejected = await ok(fx.ex, o, 'reject', { id, reason: 'portrait does not match the card' });
    expect(rejected).toMatchObject({ status: 'REJECTED', approvalDueAt: null, approvalOverdue: false });
    expect(rejected.history.at(-1)).toMatchObject({
      event: 'REJECT',
      from: 'PENDING',
      to: 'REJECTED',
      by: 'officer:CA-rej',
      reason: 'portrait does not match the card',
    });
    // The rejection is notified by SMS with its reason.
    expect(fx.notifier.sent.filter((n) => n.personalId === id)).toEqual([
      {
        personalId: id,
        channel: 'SMS',
        to: rejected.phone,
        template: 'ACCOUNT_REJECTED',
        params: { reason: 'portrait does not match the card' },
      },
    ]);

    fx.clock.set(new Date(T0.getTime() + DAY));
    const again = await ok(fx.ex, citizen(id), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p2' },
    });
    expect(again).toMatchObject({ status: 'APPROVED', level: 1 });
    expect(again.history.map((h) => h.event)).toEqual(['REGISTER_L2', 'REJECT', 'REGISTER_L1', 'APPROVE', 'NOTIFY']);
    const doc = (await fx.account(id))!;
    expect(doc.seq).toBe(5);
    expect((await fx.events(id)).map((e) => e._id)).toEqual([1, 2, 3, 4, 5].map((n) => `${id}#${n}`));
  });
});

describe('approval deadlines on the real calendar', () => {
  const OVERDUE_LIST = `query($area: String!, $overdue: Boolean) {
    accountWorkList(list: PENDING_APPROVAL, area: $area, overdueOnly: $overdue, first: 100) {
      totalCount nodes { personalId overdue since accountStatus }
    }
  }`;

  async function workList(commune: string, overdueOnly: boolean) {
    const { result } = await fx.ex.exec<Pick<Query, 'accountWorkList'>>(
      officer({ province: commune.slice(0, 2) }, 'WORKING_GROUP'),
      OVERDUE_LIST,
      { area: commune, overdue: overdueOnly },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.accountWorkList.nodes;
  }

  async function overdueAt(id: string, province: string, t: Date): Promise<boolean> {
    fx.clock.set(t);
    const r = await call(fx.ex, officer({ province }, 'ACCOUNT_APPROVER'), 'account', { id });
    expect(r.errors).toBeUndefined();
    return r.account!.approvalOverdue;
  }

  // Friday 24 April 2026, the day before Sunday 26 April (Hùng Kings, compensated Monday 27),
  // then 30 April and 1 May (Thursday, Friday).
  const FRIDAY = vn('2026-04-24', '16:30');

  it.each([
    {
      what: 'Level 1 without a chip card (7 working days)',
      pred: withoutChip,
      register: (id: string) =>
        call(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } }),
      // 28, 29 Apr, 4, 5, 6, 7, 8 May.
      due: '2026-05-08',
    },
    {
      what: 'Level 2 with a chip card (3 working days)',
      pred: withChip,
      register: (id: string, province: string) =>
        call(fx.ex, officer({ province }), 'register', {
          input: { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true },
        }),
      // 28, 29 Apr, 4 May.
      due: '2026-05-04',
    },
  ])('$what received on a Friday before the holidays is due on $due', async ({ pred, register, due }) => {
    const p = fx.take('deadline edge', pred);
    fx.clock.set(FRIDAY);
    const r = await register(p.personalId, p.area!.province);
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({ status: 'PENDING', approvalDueAt: endOfVnDay(due), approvalOverdue: false });

    const dueDay = vn(due, '23:59');
    const nextDay = new Date(Date.parse(endOfVnDay(due)) + 1);
    expect(await overdueAt(p.personalId, p.area!.province, dueDay)).toBe(false);
    expect(await overdueAt(p.personalId, p.area!.province, new Date(Date.parse(endOfVnDay(due))))).toBe(false);
    expect(await overdueAt(p.personalId, p.area!.province, nextDay)).toBe(true);

    // The work list: listed all along, in the overdue-only list only once overdue.
    fx.clock.set(dueDay);
    const all = await workList(p.area!.commune, false);
    expect(all.find((n) => n.personalId === p.personalId)).toMatchObject({ overdue: false, since: endOfVnDay(due) });
    expect((await workList(p.area!.commune, true)).map((n) => n.personalId)).not.toContain(p.personalId);
    fx.clock.set(nextDay);
    const overdue = await workList(p.area!.commune, true);
    expect(overdue.find((n) => n.personalId === p.personalId)).toMatchObject({
      overdue: true,
      accountStatus: 'PENDING',
    });
    expect(overdue.every((n) => n.overdue)).toBe(true);
  });
});

describe('activation', () => {
  it('accepts the code on day 7 after the notice', async () => {
    const { person, code } = await registerApproved(fx, 'day 7');
    fx.clock.set(vn('2026-11-27', '23:59'));
    const a = await ok(fx.ex, citizen(person.personalId), 'activate', { code });
    expect(a).toMatchObject({ status: 'ACTIVE', activatedAt: fx.clock.t.toISOString(), activationDeadline: null });
    expect(a.history.at(-1)).toMatchObject({ event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', by: 'citizen' });
    expect((await fx.account(person.personalId))!.activationCode).toBeUndefined();
  });

  it('refuses the right code on day 8: ACTIVATION_WINDOW_CLOSED', async () => {
    const { person, code } = await registerApproved(fx, 'day 8');
    fx.clock.set(vn('2026-11-28', '00:00'));
    const r = await call(fx.ex, citizen(person.personalId), 'activate', { code });
    expect(r.errors).toBeUndefined();
    expect(r.code).toBe('ACTIVATION_WINDOW_CLOSED');
    expect(r.account).toMatchObject({ status: 'APPROVED', activationDeadline: endOfVnDay('2026-11-27') });
    expect((await fx.account(person.personalId))!.status).toBe('APPROVED');
  });

  it('counts wrong codes across resent codes: 5 in all → TOO_MANY_ATTEMPTS, resend refused; an officer reopens', async () => {
    const { person, code } = await registerApproved(fx, 'wrong codes');
    const id = person.personalId;
    const me = citizen(id);
    const attempts = async () => (await fx.account(id))!.activationCode!.attempts;
    const wrong = wrongCode(code);
    for (let i = 1; i <= 2; i++) {
      const r = await call(fx.ex, me, 'activate', { code: i === 2 ? 'abc' : wrong });
      expect(r.code).toBe('INVALID_CODE');
      expect(r.userErrors[0].message).toContain(`${5 - i} attempt`);
      expect(await attempts()).toBe(i);
    }

    // A new code does not buy more guesses.
    fx.clock.set(after(2 * MINUTE));
    const resent = await call(fx.ex, me, 'resend');
    expect(resent.userErrors).toEqual([]);
    const fresh = fx.notifier.lastCode(id)!;
    expect(fresh).toMatch(/^\d{6}$/);
    expect(await attempts()).toBe(2);
    for (let i = 3; i <= MAX_CODE_ATTEMPTS; i++) {
      const r = await call(fx.ex, me, 'activate', { code: wrongCode(fresh) });
      expect(r.code).toBe('INVALID_CODE');
      expect(r.userErrors[0].message).toContain(`${5 - i} attempt`);
      expect(await attempts()).toBe(i);
    }
    for (const c of [fresh, code]) {
      const blocked = await call(fx.ex, me, 'activate', { code: c });
      expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
      expect(blocked.account!.status).toBe('APPROVED');
    }
    expect(await attempts()).toBe(5);

    // Nor may the citizen ask for yet another code.
    fx.clock.set(after(10 * MINUTE));
    const sent = noticesOf(id).length;
    const used = (await fx.account(id))!.activationCode;
    const noMore = await call(fx.ex, me, 'resend');
    expect(noMore.code).toBe('TOO_MANY_ATTEMPTS');
    expect(noticesOf(id)).toHaveLength(sent);
    expect((await fx.account(id))!.activationCode).toEqual(used);

    // The codes are used up: an officer of the area may reopen at once, within the window.
    fx.clock.set(after(HOUR));
    const far = await call(fx.ex, officer({ province: otherProvince(person.area!.province) }), 'reopen', { id });
    expect(far.code).toBe('OUT_OF_JURISDICTION');
    const reopened = await ok(fx.ex, officer(person.area!, 'ACCOUNT_APPROVER', 'CA-codes'), 'reopen', { id });
    expect(reopened).toMatchObject({
      status: 'APPROVED',
      notifiedAt: fx.clock.t.toISOString(),
      activationDeadline: endOfVnDay('2026-11-27'),
    });
    expect(reopened.history.slice(-2).map((h) => [h.event, h.from, h.to, h.by])).toEqual([
      ['REOPEN', 'APPROVED', 'APPROVED', 'officer:CA-codes'],
      ['NOTIFY', 'APPROVED', 'APPROVED', 'system'],
    ]);
    expect((await fx.account(id))!.activationCode).toMatchObject({ attempts: 0, resends: 0 });
    const third = fx.notifier.lastCode(id)!;
    expect(noticesOf(id, 'ACCOUNT_APPROVED')).toHaveLength(3);
    expect((await ok(fx.ex, me, 'activate', { code: third })).status).toBe('ACTIVE');
  });

  it('refuses to reopen an APPROVED account while its window is open and codes remain: ACTIVATION_WINDOW_OPEN', async () => {
    const { person, code } = await registerApproved(fx, 'reopen too early');
    const id = person.personalId;
    await call(fx.ex, citizen(id), 'activate', { code: wrongCode(code) });
    const before = await fx.account(id);
    fx.clock.set(vn('2026-11-27', '23:59'));
    const r = await call(fx.ex, officer(person.area!, 'ACCOUNT_APPROVER'), 'reopen', { id });
    expect(r.errors).toBeUndefined();
    expect(r.code).toBe('ACTIVATION_WINDOW_OPEN');
    expect(r.ctx.audit.accountChanges ?? []).toEqual([]);
    expect(await fx.account(id)).toEqual(before);
    expect(noticesOf(id)).toHaveLength(1);
  });

  it(`sends at most ${MAX_CODE_SENDS} new codes per window, a minute apart (TOO_MANY_CODES); a failed send is NOTICE_NOT_SENT`, async () => {
    const { person, code } = await registerApproved(fx, 'resend limits');
    const id = person.personalId;
    const me = citizen(id);
    const sends = () => noticesOf(id, 'ACCOUNT_APPROVED').length;

    fx.clock.set(after(MIN_CODE_INTERVAL_MS - 1));
    const tooSoon = await call(fx.ex, me, 'resend');
    expect(tooSoon.code).toBe('TOO_MANY_CODES');
    expect(sends()).toBe(1);

    // The gateway refuses: a user error (not an internal error), and nothing changes.
    fx.clock.set(after(MIN_CODE_INTERVAL_MS));
    const stored = (await fx.account(id))!.activationCode;
    fx.notifier.failNext = 1;
    const failed = await call(fx.ex, me, 'resend');
    expect(failed.errors).toBeUndefined();
    expect(failed.code).toBe('NOTICE_NOT_SENT');
    expect(failed.account).toMatchObject({ status: 'APPROVED' });
    expect((await fx.account(id))!.activationCode).toEqual(stored);
    expect(sends()).toBe(1);

    for (let i = 1; i <= MAX_CODE_SENDS; i++) {
      fx.clock.set(after((2 * i + 1) * MINUTE));
      expect((await call(fx.ex, me, 'resend')).userErrors).toEqual([]);
      expect((await fx.account(id))!.activationCode).toMatchObject({ resends: i, firstSentAt: T0, attempts: 0 });
      expect(sends()).toBe(1 + i);
      // …and not again within the minute.
      fx.clock.set(after((2 * i + 1) * MINUTE + 30_000));
      expect((await call(fx.ex, me, 'resend')).code).toBe('TOO_MANY_CODES');
    }
    fx.clock.set(after(2 * DAY));
    expect((await call(fx.ex, me, 'resend')).code).toBe('TOO_MANY_CODES');
    expect(sends()).toBe(1 + MAX_CODE_SENDS);

    // Only the last code works.
    const last = fx.notifier.lastCode(id)!;
    if (last !== code) expect((await call(fx.ex, me, 'activate', { code })).code).toBe('INVALID_CODE');
    expect((await ok(fx.ex, me, 'activate', { code: last })).status).toBe('ACTIVE');
  });

  it('resends a new code that works without restarting the 7-day window', async () => {
    const a = await registerApproved(fx, 'resend, in time');
    const b = await registerApproved(fx, 'resend, too late');

    fx.clock.set(new Date(T0.getTime() + 3 * DAY));
    const r = await call(fx.ex, citizen(a.person.personalId), 'resend');
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({
      status: 'APPROVED',
      notifiedAt: T0.toISOString(),
      activationDeadline: endOfVnDay('2026-11-27'),
    });
    const notices = fx.notifier.sent.filter((n) => n.personalId === a.person.personalId);
    expect(notices).toHaveLength(2);
    expect(notices[1].params.activateBy).toBe('2026-11-27');
    const fresh = notices[1].params.code;
    if (fresh !== a.code) {
      // The first code is void.
      expect((await call(fx.ex, citizen(a.person.personalId), 'activate', { code: a.code })).code).toBe('INVALID_CODE');
    }
    // No history entry for a resend.
    expect((await fx.account(a.person.personalId))!.history).toHaveLength(3);
    fx.clock.set(vn('2026-11-27', '22:00'));
    expect((await ok(fx.ex, citizen(a.person.personalId), 'activate', { code: fresh })).status).toBe('ACTIVE');

    // Resent on day 5, the new code is still refused on day 8; no resend after the window.
    fx.clock.set(new Date(T0.getTime() + 5 * DAY));
    await ok(fx.ex, citizen(b.person.personalId), 'resend');
    const late = fx.notifier.lastCode(b.person.personalId)!;
    fx.clock.set(vn('2026-11-28', '08:00'));
    expect((await call(fx.ex, citizen(b.person.personalId), 'activate', { code: late })).code).toBe(
      'ACTIVATION_WINDOW_CLOSED',
    );
    expect((await call(fx.ex, citizen(b.person.personalId), 'resend')).code).toBe('ACTIVATION_WINDOW_CLOSED');
  });
});

describe('notices of rejections and locks', () => {
  it('notifies a rejection and a lock by SMS to the account’s phone; a refused one sends nothing', async () => {
    const { person, account } = await activeAccount(fx, 'lock notices');
    const id = person.personalId;
    const me = citizen(id);
    const before = noticesOf(id).length;
    await ok(fx.ex, me, 'lock');
    expect(noticesOf(id).slice(before)).toEqual([
      { personalId: id, channel: 'SMS', to: account.phone, template: 'ACCOUNT_LOCKED', params: { reason: 'HOLDER' } },
    ]);
    expect((await call(fx.ex, me, 'lock')).code).toBe('ALREADY_LOCKED');
    expect(noticesOf(id)).toHaveLength(before + 1);

    const o = officer(person.area!, 'ACCOUNT_APPROVER');
    await ok(fx.ex, o, 'unlock', { id, ok: true });
    expect(noticesOf(id)).toHaveLength(before + 1);
    await ok(fx.ex, o, 'lock', { id, via: 'HOTLINE' });
    expect(noticesOf(id).at(-1)).toEqual({
      personalId: id,
      channel: 'SMS',
      to: account.phone,
      template: 'ACCOUNT_LOCKED',
      params: { reason: 'OFFICER' },
    });
  });

  it('a notice the gateway refuses does not undo the rejection or the lock (best effort)', async () => {
    const p = fx.take('rejection notice fails', withoutChip);
    const id = p.personalId;
    await ok(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } });
    fx.notifier.failNext = 1;
    const rejected = await call(fx.ex, officer(p.area!), 'reject', { id, reason: 'unreadable portrait' });
    expect(rejected.errors).toBeUndefined();
    expect(rejected.userErrors).toEqual([]);
    expect(rejected.account!.status).toBe('REJECTED');
    expect((await fx.account(id))!.status).toBe('REJECTED');
    expect(noticesOf(id)).toEqual([]);

    const { person } = await activeAccount(fx, 'lock notice fails');
    fx.notifier.failNext = 1;
    const locked = await call(fx.ex, citizen(person.personalId), 'lock');
    expect(locked.userErrors).toEqual([]);
    expect((await fx.account(person.personalId))!.status).toBe('LOCKED');
    expect(noticesOf(person.personalId, 'ACCOUNT_LOCKED')).toEqual([]);
  });
});

describe('phone change', () => {
  it('changes the number online with a code sent to the NEW number', async () => {
    const { person, account } = await activeAccount(fx, 'phone online');
    const me = citizen(person.personalId);
    const next = newPhone();

    // Without a code asked for first.
    const early = await call(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: '123456' } });
    expect(early.code).toBe('NO_CODE_PENDING');

    expect((await call(fx.ex, me, 'phoneStart', { phone: '12345' })).code).toBe('INVALID_PHONE');
    expect((await call(fx.ex, me, 'phoneStart', { phone: '+84112345678' })).code).toBe('INVALID_PHONE');
    expect((await call(fx.ex, me, 'phoneStart', { phone: account.phone })).code).toBe('PHONE_UNCHANGED');

    const started = await call(fx.ex, me, 'phoneStart', { phone: next });
    expect(started.userErrors).toEqual([]);
    expect(started.account!.phone).toBe(account.phone);
    const notice = fx.notifier.sent.at(-1)!;
    expect(notice).toMatchObject({
      personalId: person.personalId,
      template: 'PHONE_VERIFICATION',
      channel: 'SMS',
      to: e164(next),
    });
    const code = fx.notifier.lastCode(person.personalId, 'PHONE_VERIFICATION')!;
    expect(code).toMatch(/^\d{6}$/);
    const stored = (await fx.account(person.personalId))!.phoneChange!;
    expect(stored.phone).toBe(e164(next));
    expect(JSON.stringify(stored)).not.toContain(`"${code}"`);

    expect(
      (await call(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: wrongCode(code) } })).code,
    ).toBe('INVALID_CODE');
    expect((await call(fx.ex, me, 'phoneChange', { input: { phone: next } })).code).toBe('PHONE_NOT_VERIFIED');
    // The code is for the number it was sent to.
    expect((await call(fx.ex, me, 'phoneChange', { input: { phone: newPhone(), verificationCode: code } })).code).toBe(
      'NO_CODE_PENDING',
    );
    expect((await fx.account(person.personalId))!.phone).toBe(account.phone);

    fx.clock.set(new Date(T0.getTime() + 9 * 60_000 + 59_000));
    const changed = await ok(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: code } });
    expect(changed.phone).toBe(e164(next));
    expect(changed.status).toBe('ACTIVE');
    expect(changed.history.at(-1)).toMatchObject({
      event: 'PHONE_CHANGE',
      from: 'ACTIVE',
      to: 'ACTIVE',
      by: 'citizen',
      reason: 'phone number changed online',
    });
    expect((await fx.account(person.personalId))!.phoneChange).toBeUndefined();
    // The code is single-use.
    expect((await call(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: code } })).code).toBe(
      'NO_CODE_PENDING',
    );
  });

  it('refuses a code used after 10 minutes: CODE_EXPIRED', async () => {
    const { person, account } = await activeAccount(fx, 'phone expired');
    const me = citizen(person.personalId);
    const next = newPhone();
    await ok(fx.ex, me, 'phoneStart', { phone: next });
    const code = fx.notifier.lastCode(person.personalId, 'PHONE_VERIFICATION')!;
    fx.clock.set(new Date(T0.getTime() + 10 * 60_000 + 1_000));
    const r = await call(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: code } });
    expect(r.code).toBe('CODE_EXPIRED');
    expect((await fx.account(person.personalId))!.phone).toBe(account.phone);
  });

  it(`sends at most ${MAX_CODE_SENDS} codes an hour, a minute apart (TOO_MANY_CODES); a failed send is NOTICE_NOT_SENT`, async () => {
    const { person, account } = await activeAccount(fx, 'phone code limits');
    const id = person.personalId;
    const me = citizen(id);
    const codes = () => noticesOf(id, 'PHONE_VERIFICATION').length;
    const next = newPhone();
    const start = async (t: number) => {
      fx.clock.set(after(t));
      return call(fx.ex, me, 'phoneStart', { phone: next });
    };

    expect((await start(0)).userErrors).toEqual([]);
    expect((await start(MIN_CODE_INTERVAL_MS - 1)).code).toBe('TOO_MANY_CODES');
    expect(codes()).toBe(1);
    const pending = (await fx.account(id))!.phoneChange;

    fx.notifier.failNext = 1;
    const failed = await start(MIN_CODE_INTERVAL_MS);
    expect(failed.errors).toBeUndefined();
    expect(failed.code).toBe('NOTICE_NOT_SENT');
    expect((await fx.account(id))!.phoneChange).toEqual(pending);
    expect(codes()).toBe(1);

    expect((await start(2 * MINUTE)).userErrors).toEqual([]);
    expect((await start(4 * MINUTE)).userErrors).toEqual([]);
    expect(codes()).toBe(MAX_CODE_SENDS);
    expect((await start(30 * MINUTE)).code).toBe('TOO_MANY_CODES');
    expect((await start(HOUR - 1)).code).toBe('TOO_MANY_CODES');
    expect(codes()).toBe(MAX_CODE_SENDS);
    expect((await fx.account(id))!.phone).toBe(account.phone);

    // An hour after the first code, a new series starts; its code changes the number.
    expect((await start(HOUR)).userErrors).toEqual([]);
    expect(codes()).toBe(MAX_CODE_SENDS + 1);
    const code = fx.notifier.lastCode(id, 'PHONE_VERIFICATION')!;
    const changed = await ok(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: code } });
    expect(changed.phone).toBe(e164(next));
  });

  it('counts a wrong code with an increment, so that a count made meanwhile by another hub instance is kept', async () => {
    const { person } = await activeAccount(fx, 'phone attempts $inc');
    const id = person.personalId;
    const me = citizen(id);
    const next = newPhone();
    await ok(fx.ex, me, 'phoneStart', { phone: next });
    const code = fx.notifier.lastCode(id, 'PHONE_VERIFICATION')!;
    const raw = fx.store.hubDb.collection<StoredAccount>(ACCOUNTS_COLLECTION);
    const col = fx.ex.accounts.service.accounts;
    const original = col.updateOne.bind(col);
    // Another instance counts a wrong code between this one's read and its write.
    const spy = jest.spyOn(col, 'updateOne').mockImplementationOnce(async (...args: Parameters<typeof original>) => {
      await raw.updateOne({ _id: id }, { $inc: { 'phoneChange.attempts': 1 } });
      return original(...args);
    });
    try {
      const r = await call(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: wrongCode(code) } });
      expect(r.code).toBe('INVALID_CODE');
    } finally {
      spy.mockRestore();
    }
    expect((await fx.account(id))!.phoneChange!.attempts).toBe(2);
    const again = await call(fx.ex, me, 'phoneChange', { input: { phone: next, verificationCode: wrongCode(code) } });
    expect(again.userErrors[0].message).toContain('2 attempts left');
    expect((await fx.account(id))!.phoneChange!.attempts).toBe(3);
  });

  it('lets an officer of the area change it in person without a code', async () => {
    const { person, account } = await activeAccount(fx, 'phone in person');
    const o = officer(person.area!, 'ACCOUNT_APPROVER', 'CA-desk-9');
    const next = newPhone();
    expect(
      (await call(fx.ex, o, 'phoneChange', { input: { personalId: person.personalId, phone: '0123' } })).code,
    ).toBe('INVALID_PHONE');
    const elsewhere = fx.people.find((x) => x.area && x.area.province !== person.area!.province)!.area!;
    const far = await call(fx.ex, officer({ province: elsewhere.province }), 'phoneChange', {
      input: { personalId: person.personalId, phone: next },
    });
    expect(far.code).toBe('OUT_OF_JURISDICTION');
    expect((await fx.account(person.personalId))!.phone).toBe(account.phone);

    const changed = await ok(fx.ex, o, 'phoneChange', { input: { personalId: person.personalId, phone: next } });
    expect(changed.phone).toBe(e164(next));
    expect(changed.history.at(-1)).toMatchObject({
      event: 'PHONE_CHANGE',
      by: 'officer:CA-desk-9',
      reason: 'phone number changed in person',
    });
    expect(
      fx.notifier.sent.filter((n) => n.template === 'PHONE_VERIFICATION' && n.personalId === person.personalId),
    ).toEqual([]);
  });
});

describe('history and commits', () => {
  it('updates the report counters and work lists with each commit', async () => {
    const p = fx.take('reports', withChip);
    const commune = p.area!.commune;
    const wg = officer({ province: p.area!.province }, 'WORKING_GROUP');
    const REPORT = `query($a: String!, $d: Date!) { accountReport(area: $a, from: $d, to: $d) {
      period { collected { level1 total } approved activated { level1 total } }
      atEnd { approvedNotActivated active { level1 } }
    } }`;
    const LIST = `query($a: String!, $l: WorkList!) { accountWorkList(list: $l, area: $a, first: 100) { nodes { personalId since } } }`;
    const report = async () => {
      const { result } = await fx.ex.exec<Pick<Query, 'accountReport'>>(wg, REPORT, { a: commune, d: '2026-11-20' });
      expect(result.errors).toBeUndefined();
      return result.data!.accountReport;
    };
    const list = async (l: string) => {
      const { result } = await fx.ex.exec<Pick<Query, 'accountWorkList'>>(wg, LIST, { a: commune, l });
      expect(result.errors).toBeUndefined();
      return result.data!.accountWorkList.nodes;
    };

    const r0 = await report();
    expect((await list('NOT_REGISTERED')).map((n) => n.personalId)).toContain(p.personalId);
    await ok(fx.ex, citizen(p.personalId), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } });
    const r1 = await report();
    expect(r1.period.collected.level1 - r0.period.collected.level1).toBe(1);
    expect(r1.period.approved - r0.period.approved).toBe(1);
    expect(r1.atEnd.approvedNotActivated - r0.atEnd.approvedNotActivated).toBe(1);
    expect((await list('NOT_REGISTERED')).map((n) => n.personalId)).not.toContain(p.personalId);
    expect((await list('APPROVED_NOT_ACTIVATED')).find((n) => n.personalId === p.personalId)).toMatchObject({
      since: T0.toISOString(),
    });

    fx.clock.set(new Date(T0.getTime() + 2 * HOUR));
    await ok(fx.ex, citizen(p.personalId), 'activate', { code: fx.notifier.lastCode(p.personalId)! });
    const r2 = await report();
    expect(r2.period.activated.level1 - r1.period.activated.level1).toBe(1);
    expect(r2.atEnd.approvedNotActivated).toBe(r0.atEnd.approvedNotActivated);
    expect(r2.atEnd.active.level1 - r1.atEnd.active.level1).toBe(1);
    expect((await list('APPROVED_NOT_ACTIVATED')).map((n) => n.personalId)).not.toContain(p.personalId);
  });

  it('moves a person who registers again elsewhere after a rejection out of the old area’s counters and lists', async () => {
    const p = fx.take('registers again elsewhere', withoutChip);
    const id = p.personalId;
    const oldArea = p.area!;
    const newHome = fx.people.find((x) => x.area && x.area.province !== oldArea.province)!;
    const newArea = newHome.area!;
    const counters = store().collection<{ _id: string; stock?: Record<string, number> }>(REPORT_COUNTERS_COLLECTION);
    const lists = store().collection<{ _id: string; m?: Record<string, unknown> }>(REPORT_LISTS_COLLECTION);
    const stock = async (commune: string) => (await counters.findOne({ _id: `S|${commune}` }))?.stock ?? {};
    const member = async (list: string, commune: string) =>
      (await lists.findOne({ _id: `L|${list}|${commune}` }))?.m?.[id];

    await ok(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } });
    await ok(fx.ex, officer(oldArea), 'reject', { id, reason: 'portrait does not match' });
    await fx.ex.accounts.reports.idle();
    expect(await member('NOT_REGISTERED', oldArea.commune)).toBe(1);
    const [oldBefore, newBefore] = [await stock(oldArea.commune), await stock(newArea.commune)];

    // The person moves (the population record's permanent residence), then registers again.
    const pop = fx.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
    const home = (await pop.findOne({ _id: newHome.personalId }))!.noiThuongTru;
    await pop.updateOne({ _id: id }, { $set: { noiThuongTru: home } });
    fx.clock.set(new Date(T0.getTime() + HOUR));
    const again = await ok(fx.ex, citizen(id), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p' },
    });
    expect(again).toMatchObject({ status: 'PENDING', area: { code: newArea.commune } });
    await fx.ex.accounts.reports.idle();

    const [oldAfter, newAfter] = [await stock(oldArea.commune), await stock(newArea.commune)];
    expect((oldAfter.REJECTED_1 ?? 0) - (oldBefore.REJECTED_1 ?? 0)).toBe(-1);
    expect((oldAfter.PENDING_1 ?? 0) - (oldBefore.PENDING_1 ?? 0)).toBe(0);
    expect((newAfter.PENDING_1 ?? 0) - (newBefore.PENDING_1 ?? 0)).toBe(1);
    expect((newAfter.REJECTED_1 ?? 0) - (newBefore.REJECTED_1 ?? 0)).toBe(0);
    expect(await member('NOT_REGISTERED', oldArea.commune)).toBeUndefined();
    expect(await member('PENDING_APPROVAL', oldArea.commune)).toBeUndefined();
    expect(await member('PENDING_APPROVAL', newArea.commune)).toBe(again.approvalDueAt);
  });

  it('records every transition in the history and as an accountEvents document <id>#<seq>', async () => {
    const { person } = await activeAccount(fx, 'history');
    const id = person.personalId;
    fx.clock.set(new Date(T0.getTime() + HOUR));
    await ok(fx.ex, citizen(id), 'lock', { reason: 'phone stolen' });
    fx.clock.set(new Date(T0.getTime() + 2 * HOUR));
    await ok(fx.ex, officer(person.area!, 'ACCOUNT_APPROVER', 'CA-h-1'), 'unlock', {
      id,
      ok: true,
      reason: 'ownership proved at the office',
    });
    const me = (await call(fx.ex, citizen(id), 'myAccount')).account!;
    expect(me.history.map((h) => [h.event, h.from, h.to, h.by, h.reason])).toEqual([
      ['REGISTER_L1', null, 'PENDING', 'citizen', 'registered Level 1 in the app'],
      ['APPROVE', 'PENDING', 'APPROVED', 'system', 'automatic check against the population database'],
      ['NOTIFY', 'APPROVED', 'APPROVED', 'system', 'notified by SMS'],
      ['ACTIVATE', 'APPROVED', 'ACTIVE', 'citizen', 'activated with a one-time code'],
      ['LOCK', 'ACTIVE', 'LOCKED', 'citizen', 'phone stolen'],
      ['UNLOCK', 'LOCKED', 'ACTIVE', 'officer:CA-h-1', 'ownership proved at the office'],
    ]);
    const doc = (await fx.account(id))!;
    expect(doc.seq).toBe(6);
    const events = await fx.events(id);
    expect(events.map((e) => e._id)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${id}#${n}`));
    expect(events.map((e) => [e.seq, e.entry.event, e.entry.to, e.account.status, e.account.seq])).toEqual(
      doc.history.map((h, i) => [i + 1, h.event, h.to, h.to, i + 1]),
    );
    expect(events.at(-1)!.account).toEqual(doc);
  });

  it('rolls an account forward to its last committed step before a transition (read-repair)', async () => {
    const { person } = await activeAccount(fx, 'read-repair');
    const id = person.personalId;
    const doc = (await fx.account(id))!;
    expect(doc).toMatchObject({ status: 'ACTIVE', seq: 4 });
    // Step 5 (a lock by the holder) was committed, but the account document was not written.
    const lockedAt = new Date(T0.getTime() + HOUR);
    const entry = {
      at: lockedAt,
      event: 'LOCK',
      from: 'ACTIVE',
      to: 'LOCKED',
      level: doc.level,
      by: 'citizen',
      reason: 'lost phone',
    } as const;
    const snapshot: StoredAccount = {
      ...doc,
      status: 'LOCKED',
      lockReason: 'HOLDER',
      lockedAt,
      updatedAt: lockedAt,
      history: [...doc.history, entry],
      seq: 5,
    };
    await fx.store.hubDb
      .collection<AccountEventDoc>(ACCOUNT_EVENTS_COLLECTION)
      .insertOne({ _id: `${id}#5`, personalId: id, seq: 5, at: lockedAt, entry, account: snapshot });
    expect((await fx.account(id))!.status).toBe('ACTIVE');

    // The next transition starts from LOCKED (an unlock of an ACTIVE account would be illegal).
    fx.clock.set(new Date(T0.getTime() + 2 * HOUR));
    const unlocked = await ok(fx.ex, officer(person.area!, 'ACCOUNT_APPROVER', 'CA-rr'), 'unlock', { id, ok: true });
    expect(unlocked.history.slice(-2).map((h) => [h.event, h.from, h.to, h.by])).toEqual([
      ['LOCK', 'ACTIVE', 'LOCKED', 'citizen'],
      ['UNLOCK', 'LOCKED', 'ACTIVE', 'officer:CA-rr'],
    ]);
    const after6 = (await fx.account(id))!;
    expect(after6).toMatchObject({ status: 'ACTIVE', seq: 6 });
    expect(after6.seq).toBe(after6.history.length);
    const events = await fx.events(id);
    expect(events.map((e) => e._id)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${id}#${n}`));
    expect(events.at(-1)!.account).toEqual(after6);
  });

  async function concurrently<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
  }

  it('lets exactly one of 10 concurrent activations (two hub instances) win', async () => {
    const second = await createExecutor(fx.store, {}, { notifier: fx.notifier, now: fx.clock.now });
    try {
      const { person, code } = await registerApproved(fx, 'concurrent activate');
      const id = person.personalId;
      const results = await concurrently(10, (i) => call(i % 2 ? second : fx.ex, citizen(id), 'activate', { code }));
      expect(results.every((r) => r.errors === undefined)).toBe(true);
      const won = results.filter((r) => r.userErrors.length === 0);
      expect(won).toHaveLength(1);
      expect(won[0].account!.status).toBe('ACTIVE');
      for (const r of results.filter((x) => x.userErrors.length)) expect(r.code).toBe('ILLEGAL_TRANSITION');

      const doc = (await fx.account(id))!;
      expect(doc.status).toBe('ACTIVE');
      expect(doc.seq).toBe(doc.history.length);
      expect(doc.history.filter((h) => h.event === 'ACTIVATE')).toHaveLength(1);
      const events = await fx.events(id);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(new Set(events.map((e) => e._id)).size).toBe(events.length);
    } finally {
      await second.stop();
    }
  });

  it('lets exactly one of 10 concurrent locks, then one of 10 concurrent unlocks, win', async () => {
    const second = await createExecutor(fx.store, {}, { notifier: fx.notifier, now: fx.clock.now });
    try {
      const { person } = await activeAccount(fx, 'concurrent lock');
      const id = person.personalId;
      const locks = await concurrently(10, (i) => call(i % 2 ? second : fx.ex, citizen(id), 'lock'));
      expect(locks.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
      for (const r of locks.filter((x) => x.userErrors.length)) expect(r.code).toBe('ALREADY_LOCKED');

      const o = officer(person.area!, 'SUPERVISOR');
      const unlocks = await concurrently(10, (i) => call(i % 2 ? second : fx.ex, o, 'unlock', { id, ok: true }));
      expect(unlocks.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
      for (const r of unlocks.filter((x) => x.userErrors.length)) expect(r.code).toBe('ILLEGAL_TRANSITION');

      const doc = (await fx.account(id))!;
      expect(doc.status).toBe('ACTIVE');
      expect(doc.history.map((h) => h.event)).toEqual([
        'REGISTER_L1',
        'APPROVE',
        'NOTIFY',
        'ACTIVATE',
        'LOCK',
        'UNLOCK',
      ]);
      expect(doc.seq).toBe(doc.history.length);
      expect((await fx.events(id)).map((e) => e._id)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${id}#${n}`));
    } finally {
      await second.stop();
    }
  });
});
