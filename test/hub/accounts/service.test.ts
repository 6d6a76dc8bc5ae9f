/**
 * The account service end to end over the real store (its own data set, prefix `acs_`),
 * through GraphQL in-process with an injectable clock: eligibility, registration and
 * automatic approval, approval deadlines on the real calendar, activation codes and the
 * 7-day window, phone changes, history and concurrent commits.
 */
import { scryptSync } from 'node:crypto';
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
});

const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('eligibility', () => {
  it('refuses children under 14, the deceased, unknown IDs and second registrations, writing nothing', async () => {
    const today = '2026-11-20';
    const child = fx.people.find((p) => p.vitalStatus === 'ALIVE' && ageOn(p.dateOfBirth, today) < 14 && !!p.area)!;
    const dead = fx.people.find((p) => p.vitalStatus === 'DECEASED' && !!p.area)!;
    let unknown = '001199000001';
    while (fx.byId.has(unknown)) unknown = String(Number(unknown) + 1).padStart(12, '0');
    const holder = fx.takeAccount('a registered holder', (a) => a.status === 'ACTIVE');
    expect(child && dead).toBeTruthy();

    const l1 = (id: string) => [citizen(id), { input: { level: 1, phone: newPhone(), portraitRef: 'p/1' } }] as const;
    const l2 = (id: string, province = fx.byId.get(id)?.area?.province ?? '01') =>
      [
        officer({ province }, 'ACCOUNT_APPROVER'),
        { input: { level: 2, personalId: id, phone: newPhone(), fingerprintsCaptured: true } },
      ] as const;
    const cases: Array<[string, readonly [ReturnType<typeof citizen>, Record<string, unknown>], string]> = [
      ['child, app', l1(child.personalId), 'NOT_ELIGIBLE_TOO_YOUNG'],
      ['child, in person', l2(child.personalId), 'NOT_ELIGIBLE_TOO_YOUNG'],
      ['deceased, app', l1(dead.personalId), 'NOT_ELIGIBLE_DECEASED'],
      ['deceased, in person', l2(dead.personalId), 'NOT_ELIGIBLE_DECEASED'],
      ['unknown, app', l1(unknown), 'NOT_ELIGIBLE_UNKNOWN_PERSON'],
      ['unknown, in person', l2(unknown), 'NOT_ELIGIBLE_UNKNOWN_PERSON'],
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
    for (const id of [child.personalId, dead.personalId, unknown]) {
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
    expect(Object.keys(doc.activationCode!).sort()).toEqual(['attempts', 'expiresAt', 'hash', 'salt', 'sentAt']);
    expect(JSON.stringify(doc)).not.toContain(`"${code}"`);
    expect(doc.activationCode!.hash).toBe(
      scryptSync(code, Buffer.from(doc.activationCode!.salt, 'hex'), 32).toString('hex'),
    );
    expect(doc.activationCode!.attempts).toBe(0);
    expect(doc.seq).toBe(3);
  });

  it('keeps a Level 1 registration without a chip card PENDING for 7 working days, then an officer of the area approves', async () => {
    const p = fx.take('no chip L1', withoutChip);
    const r = await call(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'portrait/x', email: 'someone@example.vn' },
    });
    expect(r.userErrors).toEqual([]);
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
    // With an e-mail address the notice goes by e-mail.
    const notice = fx.notifier.sent.filter((n) => n.personalId === p.personalId);
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ channel: 'EMAIL', to: 'someone@example.vn', template: 'ACCOUNT_APPROVED' });
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
    expect(fx.notifier.sent.filter((n) => n.personalId === id)).toEqual([]);

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
    accountWorkList(list: PENDING_APPROVAL, area: $area, overdueOnly: $overdue, first: 500) {
      totalCount nodes { personalId overdue since accountStatus }
    }
  }`;

  async function workList(commune: string, overdueOnly: boolean) {
    const { result } = await fx.ex.exec(officer({ province: commune.slice(0, 2) }, 'WORKING_GROUP'), OVERDUE_LIST, {
      area: commune,
      overdue: overdueOnly,
    });
    expect(result.errors).toBeUndefined();
    return (result.data as any).accountWorkList.nodes as Array<{ personalId: string; overdue: boolean; since: string }>;
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
      register: (id: string, _province: string) =>
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

  it('counts wrong codes: INVALID_CODE, then TOO_MANY_ATTEMPTS after 5 even with the right code; a new code works', async () => {
    const { person, code } = await registerApproved(fx, 'wrong codes');
    const me = citizen(person.personalId);
    const wrong = wrongCode(code);
    for (let i = 1; i <= 5; i++) {
      const r = await call(fx.ex, me, 'activate', { code: i === 3 ? 'abc' : wrong });
      expect(r.code).toBe('INVALID_CODE');
      expect(r.userErrors[0].message).toContain(`${5 - i} attempt`);
      expect((await fx.account(person.personalId))!.activationCode!.attempts).toBe(i);
    }
    const blocked = await call(fx.ex, me, 'activate', { code });
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.account!.status).toBe('APPROVED');

    const resent = await call(fx.ex, me, 'resend');
    expect(resent.userErrors).toEqual([]);
    const fresh = fx.notifier.lastCode(person.personalId)!;
    expect(fresh).toMatch(/^\d{6}$/);
    expect((await fx.account(person.personalId))!.activationCode!.attempts).toBe(0);
    expect((await ok(fx.ex, me, 'activate', { code: fresh })).status).toBe('ACTIVE');
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
    const LIST = `query($a: String!, $l: WorkList!) { accountWorkList(list: $l, area: $a, first: 500) { nodes { personalId since } } }`;
    const report = async () => {
      const { result } = await fx.ex.exec(wg, REPORT, { a: commune, d: '2026-11-20' });
      expect(result.errors).toBeUndefined();
      return (result.data as any).accountReport;
    };
    const list = async (l: string) => {
      const { result } = await fx.ex.exec(wg, LIST, { a: commune, l });
      expect(result.errors).toBeUndefined();
      return (result.data as any).accountWorkList.nodes as Array<{ personalId: string; since: string | null }>;
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
