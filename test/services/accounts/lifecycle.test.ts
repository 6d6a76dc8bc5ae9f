import { activationDeadline } from '../../../services/accounts/calendar';
import { checkEligibility } from '../../../services/accounts/lifecycle/eligibility';
import { apply } from '../../../services/accounts/lifecycle/machine';
import {
  ACCOUNT_STATES,
  EVENT_TYPES,
  TRANSITIONS,
  mermaidDiagram,
  transitionFor,
} from '../../../services/accounts/lifecycle/table';
import type {
  AccountEvent,
  AccountState,
  EventOf,
  EventType,
  LifecycleAccount,
  LifecycleContext,
  LifecycleHistoryEntry,
  RegistrationPerson,
} from '../../../services/accounts/model';

const DAY = 86_400_000;
/** Monday 3 March 2025, 10:00 in Vietnam (UTC+7). */
const T0 = new Date('2025-03-03T03:00:00Z');
const at = (days: number, hours = 0): Date => new Date(T0.getTime() + days * DAY + hours * 3_600_000);

const PERSON: RegistrationPerson = {
  exists: true,
  dateOfBirth: '1990-05-01',
  vitalStatus: 'ALIVE',
  nationality: 'Việt Nam',
  area: { province: '01', commune: '00004' },
  hasChipCard: true,
};
const CITIZEN = { kind: 'citizen' } as const;
const OFFICER = { kind: 'officer', id: 'o-1', area: { province: '01' } } as const;
const OTHER_OFFICER = { kind: 'officer', id: 'o-2', area: { province: '79' } } as const;
const SYSTEM = { kind: 'system' } as const;
const DUE = at(1);
const CTX: LifecycleContext = { person: PERSON, approvalDueAt: DUE, idCardValid: true };

/** A valid event of each type by its usual actor, at `when`. */
function ev<T extends EventType>(type: T, when: Date = at(0), extra: Partial<EventOf<T>> = {}): EventOf<T> {
  const defaults: { [K in EventType]: EventOf<K> } = {
    REGISTER_L1: {
      type: 'REGISTER_L1',
      at: when,
      by: CITIZEN,
      personalId: '001090000001',
      phone: '+84912345678',
      portraitRef: 'portrait/1',
    },
    REGISTER_L2: {
      type: 'REGISTER_L2',
      at: when,
      by: OFFICER,
      personalId: '001090000001',
      phone: '+84912345678',
      fingerprintsCaptured: true,
    },
    UPGRADE_TO_L2: { type: 'UPGRADE_TO_L2', at: when, by: OFFICER, fingerprintsCaptured: true },
    APPROVE: { type: 'APPROVE', at: when, by: OFFICER },
    REJECT: { type: 'REJECT', at: when, by: OFFICER, reason: 'portrait unclear' },
    NOTIFY: { type: 'NOTIFY', at: when, by: SYSTEM, channel: 'SMS' },
    ACTIVATE: { type: 'ACTIVATE', at: when, by: CITIZEN },
    EXPIRE_ACTIVATION: { type: 'EXPIRE_ACTIVATION', at: when, by: SYSTEM },
    REOPEN: { type: 'REOPEN', at: when, by: OFFICER },
    LOCK: { type: 'LOCK', at: when, by: CITIZEN },
    UNLOCK: { type: 'UNLOCK', at: when, by: OFFICER, ownershipVerified: true },
    UNLOCK_REQUEST: {
      type: 'UNLOCK_REQUEST',
      at: when,
      by: OFFICER,
      authority: 'Cơ quan điều tra (test)',
      forwardDueAt: at(1),
      dueAt: at(3),
    },
    UNLOCK_REQUEST_REFUSE: { type: 'UNLOCK_REQUEST_REFUSE', at: when, by: OFFICER, reason: 'không đủ căn cứ' },
    PHONE_CHANGE: { type: 'PHONE_CHANGE', at: when, by: OFFICER, phone: '+84987654321' },
  };
  return { ...defaults[type], ...extra };
}

function ok(account: LifecycleAccount | null, event: AccountEvent, ctx: LifecycleContext = CTX): LifecycleAccount {
  const r = apply(account, event, ctx);
  if (!r.ok) throw new Error(`expected ${event.type} to succeed: ${r.userError.code} ${r.userError.message}`);
  return r.account;
}

function code(account: LifecycleAccount | null, event: AccountEvent, ctx: LifecycleContext = CTX): string {
  const r = apply(account, event, ctx);
  if (r.ok) throw new Error(`expected ${event.type} to fail, got ${r.account.status}`);
  return r.userError.code;
}

const pending = (): LifecycleAccount => ok(null, ev('REGISTER_L1'));
const approved = (): LifecycleAccount => ok(ok(pending(), ev('APPROVE', at(0, 1))), ev('NOTIFY', at(0, 2)));
const active = (): LifecycleAccount => ok(approved(), ev('ACTIVATE', at(1)));
const locked = (): LifecycleAccount => ok(active(), ev('LOCK', at(2)));
const rejected = (): LifecycleAccount => ok(pending(), ev('REJECT', at(0, 1)));
const expired = (): LifecycleAccount => ok(approved(), ev('EXPIRE_ACTIVATION', at(9)));
const withUpgrade = (a: LifecycleAccount): LifecycleAccount => ok(a, ev('UPGRADE_TO_L2', at(3)));

const IN_STATE: Record<AccountState, () => LifecycleAccount | null> = {
  NONE: () => null,
  PENDING: pending,
  APPROVED: approved,
  ACTIVE: active,
  LOCKED: locked,
  REJECTED: rejected,
  ACTIVATION_EXPIRED: expired,
};

/** One working scenario for each row of TRANSITIONS. */
const LEGAL: Record<string, () => { account: LifecycleAccount | null; event: AccountEvent; ctx?: LifecycleContext }> = {
  'NONE|REGISTER_L1': () => ({ account: null, event: ev('REGISTER_L1') }),
  'NONE|REGISTER_L2': () => ({ account: null, event: ev('REGISTER_L2') }),
  'REJECTED|REGISTER_L1': () => ({ account: rejected(), event: ev('REGISTER_L1', at(1)) }),
  'REJECTED|REGISTER_L2': () => ({ account: rejected(), event: ev('REGISTER_L2', at(1)) }),
  'PENDING|APPROVE': () => ({ account: pending(), event: ev('APPROVE', at(0, 1)) }),
  'PENDING|REJECT': () => ({ account: pending(), event: ev('REJECT', at(0, 1)) }),
  'PENDING|PHONE_CHANGE': () => ({ account: pending(), event: ev('PHONE_CHANGE', at(0, 1)) }),
  'APPROVED|NOTIFY': () => ({ account: ok(pending(), ev('APPROVE', at(0, 1))), event: ev('NOTIFY', at(0, 2)) }),
  'APPROVED|ACTIVATE': () => ({ account: approved(), event: ev('ACTIVATE', at(1)) }),
  'APPROVED|EXPIRE_ACTIVATION': () => ({ account: approved(), event: ev('EXPIRE_ACTIVATION', at(8)) }),
  'APPROVED|PHONE_CHANGE': () => ({ account: approved(), event: ev('PHONE_CHANGE', at(1)) }),
  'ACTIVATION_EXPIRED|REOPEN': () => ({ account: expired(), event: ev('REOPEN', at(10)) }),
  // The window closed (day 8) before the sweep marked it ACTIVATION_EXPIRED.
  'APPROVED|REOPEN': () => ({ account: approved(), event: ev('REOPEN', at(8)) }),
  'ACTIVE|UPGRADE_TO_L2': () => ({ account: active(), event: ev('UPGRADE_TO_L2', at(3)) }),
  'ACTIVE|APPROVE': () => ({ account: withUpgrade(active()), event: ev('APPROVE', at(4)) }),
  'ACTIVE|REJECT': () => ({ account: withUpgrade(active()), event: ev('REJECT', at(4)) }),
  'ACTIVE|LOCK': () => ({ account: active(), event: ev('LOCK', at(2)) }),
  'ACTIVE|PHONE_CHANGE': () => ({ account: active(), event: ev('PHONE_CHANGE', at(2)) }),
  'LOCKED|APPROVE': () => ({ account: ok(withUpgrade(active()), ev('LOCK', at(3, 1))), event: ev('APPROVE', at(4)) }),
  'LOCKED|REJECT': () => ({ account: ok(withUpgrade(active()), ev('LOCK', at(3, 1))), event: ev('REJECT', at(4)) }),
  'LOCKED|LOCK': () => ({
    account: locked(),
    event: ev('LOCK', at(5), { by: SYSTEM }),
    ctx: { ...CTX, idCardValid: false },
  }),
  'LOCKED|UNLOCK': () => ({ account: locked(), event: ev('UNLOCK', at(5)) }),
  'LOCKED|UNLOCK_REQUEST': () => ({ account: locked(), event: ev('UNLOCK_REQUEST', at(5)) }),
  'LOCKED|UNLOCK_REQUEST_REFUSE': () => ({
    account: ok(locked(), ev('UNLOCK_REQUEST', at(4))),
    event: ev('UNLOCK_REQUEST_REFUSE', at(5)),
  }),
  'LOCKED|PHONE_CHANGE': () => ({ account: locked(), event: ev('PHONE_CHANGE', at(5)) }),
};

describe('the transition table', () => {
  it('names only known states and events, with one target per (state, event)', () => {
    const keys = new Set<string>();
    for (const t of TRANSITIONS) {
      expect(ACCOUNT_STATES).toContain(t.from);
      expect(ACCOUNT_STATES).toContain(t.to);
      expect(EVENT_TYPES).toContain(t.event);
      const key = `${t.from}|${t.event}`;
      expect(keys.has(key)).toBe(false);
      keys.add(key);
    }
  });

  it('has a scenario for every row', () => {
    expect(Object.keys(LEGAL).sort()).toEqual(TRANSITIONS.map((t) => `${t.from}|${t.event}`).sort());
  });

  it.each(TRANSITIONS.map((t) => [t.from, t.event, t.to] as const))('%s --%s--> %s', (from, event, to) => {
    const { account, event: e, ctx } = LEGAL[`${from}|${event}`]();
    expect(account?.status ?? 'NONE').toBe(from);
    const r = apply(account, e, ctx ?? CTX);
    if (!r.ok) throw new Error(`${r.userError.code}: ${r.userError.message}`);
    expect(r.account.status).toBe(to);
    expect(r.entry).toMatchObject({ at: e.at, from: account?.status ?? null, to, event, level: r.account.level });
    expect(r.account.history.at(-1)).toBe(r.entry);
    expect(r.account.history).toHaveLength((account?.history.length ?? 0) + 1);
    expect(r.account.updatedAt).toBe(e.at);
  });

  const illegal: [AccountState, EventType][] = [];
  for (const s of ACCOUNT_STATES) for (const e of EVENT_TYPES) if (!transitionFor(s, e)) illegal.push([s, e]);

  it('leaves most pairs illegal', () => {
    expect(illegal.length + TRANSITIONS.length).toBe(ACCOUNT_STATES.length * EVENT_TYPES.length);
  });

  const SPECIFIC: Partial<Record<EventType, string[]>> = {
    REGISTER_L1: ['ALREADY_REGISTERED'],
    REGISTER_L2: ['ALREADY_REGISTERED'],
    ACTIVATE: ['ACTIVATION_WINDOW_CLOSED'],
  };

  it.each(illegal)('%s × %s is refused without throwing', (state, event) => {
    const account = IN_STATE[state]();
    const before = JSON.stringify(account);
    const r = apply(account, ev(event, at(20)), CTX);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const allowed = state === 'NONE' ? ['NO_ACCOUNT'] : ['ILLEGAL_TRANSITION', ...(SPECIFIC[event] ?? [])];
    expect(allowed).toContain(r.userError.code);
    if (r.userError.code === 'ILLEGAL_TRANSITION') {
      expect(r.userError.message).toContain(state);
      expect(r.userError.message).toContain(event);
    }
    expect(JSON.stringify(account)).toBe(before);
  });

  it("an authority's unlock request: recorded once by an officer, completed without the holder's proof, then cleared", () => {
    const req = ok(locked(), ev('UNLOCK_REQUEST', at(5)));
    expect(req.unlockRequest).toEqual({
      status: 'PENDING',
      authority: 'Cơ quan điều tra (test)',
      receivedAt: at(5),
      forwardDueAt: at(1),
      dueAt: at(3),
      by: 'officer:o-1',
    });
    expect(code(req, ev('UNLOCK_REQUEST', at(6)))).toBe('UNLOCK_REQUEST_PENDING');
    expect(code(locked(), ev('UNLOCK_REQUEST', at(6), { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(locked(), ev('UNLOCK', at(6), { ownershipVerified: false, authorityRequest: true }))).toBe(
      'NO_UNLOCK_REQUEST',
    );
    const done = ok(req, ev('UNLOCK', at(6), { ownershipVerified: false, authorityRequest: true }));
    expect(done.status).toBe('ACTIVE');
    expect(done.unlockRequest).toMatchObject({ status: 'COMPLETED', decidedAt: at(6), decidedBy: 'officer:o-1' });
    // Refused: stays LOCKED, the request REFUSED (a reason is required); a new one may then be recorded.
    expect(code(req, ev('UNLOCK_REQUEST_REFUSE', at(6), { reason: ' ' }))).toBe('REASON_REQUIRED');
    const refused = ok(req, ev('UNLOCK_REQUEST_REFUSE', at(6)));
    expect(refused).toMatchObject({ status: 'LOCKED', unlockRequest: { status: 'REFUSED' } });
    expect(code(refused, ev('UNLOCK', at(7), { ownershipVerified: false, authorityRequest: true }))).toBe(
      'NO_UNLOCK_REQUEST',
    );
    expect(ok(refused, ev('UNLOCK_REQUEST', at(7))).unlockRequest).toMatchObject({ status: 'PENDING' });
    expect(done.history.at(-1)!.reason).toBe('unlocked at the request of Cơ quan điều tra (test)');
  });

  it('gives the specific codes', () => {
    expect(code(active(), ev('REGISTER_L1'))).toBe('ALREADY_REGISTERED');
    expect(code(expired(), ev('ACTIVATE', at(10)))).toBe('ACTIVATION_WINDOW_CLOSED');
    expect(code(null, ev('APPROVE'))).toBe('NO_ACCOUNT');
    const l2 = ok(withUpgrade(active()), ev('APPROVE', at(4)));
    expect(code(ok(l2, ev('LOCK', at(5))), ev('UPGRADE_TO_L2', at(6)))).toBe('LEVEL_ALREADY_2');
  });

  it('renders a Mermaid stateDiagram-v2', () => {
    const text = mermaidDiagram();
    expect(text.split('\n')[0]).toBe('stateDiagram-v2');
    expect(text).toContain('[*] --> PENDING : REGISTER_L1, REGISTER_L2');
    expect(text).toContain('APPROVED --> ACTIVE : ACTIVATE');
    expect(text).toContain('ACTIVATION_EXPIRED --> APPROVED : REOPEN');
    expect(text).toContain('APPROVED --> APPROVED : NOTIFY, PHONE_CHANGE, REOPEN');
    expect(text).toContain('LOCKED --> ACTIVE : UNLOCK');
  });
});

describe('eligibility', () => {
  const person = (dateOfBirth: string, extra: Partial<RegistrationPerson> = {}) => ({
    ...PERSON,
    dateOfBirth,
    ...extra,
  });

  it('14th birthday today → eligible; the day before → TOO_YOUNG', () => {
    expect(checkEligibility(person('2011-03-03'), '2025-03-03')).toBeNull();
    expect(checkEligibility(person('2011-03-04'), '2025-03-03')).toBe('TOO_YOUNG');
    expect(checkEligibility(person('2011-03-03'), '2025-03-02')).toBe('TOO_YOUNG');
  });

  it('reads a Date as the calendar day in Vietnam', () => {
    // 2025-03-02T17:30Z is already 3 March 00:30 in Vietnam.
    expect(checkEligibility(person('2011-03-03'), new Date('2025-03-02T17:30:00Z'))).toBeNull();
    expect(checkEligibility(person('2011-03-03'), new Date('2025-03-02T16:30:00Z'))).toBe('TOO_YOUNG');
  });

  it('a 29 February birthday turns 14 on 1 March', () => {
    expect(checkEligibility(person('2012-02-29'), '2026-02-28')).toBe('TOO_YOUNG');
    expect(checkEligibility(person('2012-02-29'), '2026-03-01')).toBeNull();
  });

  it('a partial date of birth takes the latest possible day', () => {
    expect(checkEligibility(person('2011'), '2025-12-30')).toBe('TOO_YOUNG');
    expect(checkEligibility(person('2011'), '2025-12-31')).toBeNull();
    expect(checkEligibility(person('2011-02'), '2025-02-28')).toBeNull();
  });

  it('deceased and unknown persons', () => {
    expect(checkEligibility(person('1950-01-01', { vitalStatus: 'DECEASED' }), '2025-03-03')).toBe('DECEASED');
    expect(checkEligibility({ exists: false }, '2025-03-03')).toBe('UNKNOWN_PERSON');
    expect(checkEligibility(null, '2025-03-03')).toBe('UNKNOWN_PERSON');
    expect(checkEligibility(person('not a date'), '2025-03-03')).toBe('UNKNOWN_PERSON');
    // An unreadable vital status fails closed: the person may be deceased.
    expect(checkEligibility(person('1950-01-01', { vitalStatus: null }), '2025-03-03')).toBe('UNKNOWN_PERSON');
  });

  it('registration refuses with NOT_ELIGIBLE_* codes on the registration date', () => {
    const young = { ...CTX, person: person('2011-03-04') };
    expect(code(null, ev('REGISTER_L1', T0), young)).toBe('NOT_ELIGIBLE_TOO_YOUNG');
    expect(ok(null, ev('REGISTER_L1', at(1)), young).status).toBe('PENDING');
    expect(code(null, ev('REGISTER_L1'), { ...CTX, person: person('1950-01-01', { vitalStatus: 'DECEASED' }) })).toBe(
      'NOT_ELIGIBLE_DECEASED',
    );
    expect(code(null, ev('REGISTER_L2'), { ...CTX, person: { exists: false } })).toBe('NOT_ELIGIBLE_UNKNOWN_PERSON');
    expect(code(null, ev('REGISTER_L1'), { ...CTX, person: undefined })).toBe('NOT_ELIGIBLE_UNKNOWN_PERSON');
    expect(code(null, ev('REGISTER_L1'), { ...CTX, today: '2025-03-02', person: person('2011-03-03') })).toBe(
      'NOT_ELIGIBLE_TOO_YOUNG',
    );
    expect(code(null, ev('REGISTER_L1'), { ...CTX, person: { ...PERSON, area: null } })).toBe('AREA_UNKNOWN');
  });
});

describe('registration', () => {
  it('Level 1 by the citizen: fields, approval deadline, timestamps', () => {
    const a = ok(null, ev('REGISTER_L1', T0, { email: 'a@example.vn' }));
    expect(a).toMatchObject({
      _id: '001090000001',
      level: 1,
      status: 'PENDING',
      phone: '+84912345678',
      email: 'a@example.vn',
      area: { province: '01', commune: '00004' },
      hasChipCard: true,
      registeredAt: T0,
      approvalDueAt: DUE,
      portraitRef: 'portrait/1',
      updatedAt: T0,
    });
    expect(a.history).toEqual([
      expect.objectContaining({ from: null, to: 'PENDING', level: 1, by: 'citizen', at: T0, event: 'REGISTER_L1' }),
    ]);
  });

  it('Level 1 only by the citizen; Level 2 only by an officer, with fingerprints', () => {
    expect(code(null, ev('REGISTER_L1', T0, { by: OFFICER }))).toBe('NOT_PERMITTED');
    expect(code(null, ev('REGISTER_L2', T0, { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(null, ev('REGISTER_L2', T0, { fingerprintsCaptured: false }))).toBe('FINGERPRINTS_REQUIRED');
    const a = ok(null, ev('REGISTER_L2'));
    expect(a).toMatchObject({ level: 2, fingerprintsCapturedAt: T0 });
    expect(a.history[0].by).toBe('officer:o-1');
  });

  it('normalises and checks the phone number', () => {
    expect(ok(null, ev('REGISTER_L1', T0, { phone: '0912 345 678' })).phone).toBe('+84912345678');
    expect(code(null, ev('REGISTER_L1', T0, { phone: '12345' }))).toBe('INVALID_PHONE');
  });

  it('a rejected person may register again; the history is kept and old dates cleared', () => {
    const again = ok(rejected(), ev('REGISTER_L2', at(1)));
    expect(again).toMatchObject({ status: 'PENDING', level: 2, registeredAt: at(1), portraitRef: 'portrait/1' });
    expect(again.history.map((h) => h.to)).toEqual(['PENDING', 'REJECTED', 'PENDING']);
    expect(again).not.toHaveProperty('rejectedAt');
  });
});

describe('approval', () => {
  it('by an officer of the area or the system; reject needs a reason', () => {
    expect(ok(pending(), ev('APPROVE', at(0, 1))).approvedAt).toEqual(at(0, 1));
    expect(ok(pending(), ev('APPROVE', at(0, 1), { by: SYSTEM })).history[1].by).toBe('system');
    expect(code(pending(), ev('APPROVE', at(0, 1), { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(pending(), ev('APPROVE', at(0, 1), { by: OTHER_OFFICER }))).toBe('OUT_OF_JURISDICTION');
    const communeOfficer = { kind: 'officer', id: 'o-3', area: { province: '01', commune: '00007' } } as const;
    expect(code(pending(), ev('REJECT', at(0, 1), { by: communeOfficer }))).toBe('OUT_OF_JURISDICTION');
    expect(code(pending(), ev('REJECT', at(0, 1), { reason: '  ' }))).toBe('REASON_REQUIRED');
    const r = ok(pending(), ev('REJECT', at(0, 1)));
    expect(r).toMatchObject({ status: 'REJECTED', rejectedAt: at(0, 1) });
    expect(r.history[1].reason).toBe('portrait unclear');
  });
});

describe('notice and activation', () => {
  const approvedOnly = (): LifecycleAccount => ok(pending(), ev('APPROVE', at(0, 1)));

  it('only the system notifies, once; the window starts at the notice', () => {
    expect(code(approvedOnly(), ev('NOTIFY', at(0, 2), { by: OFFICER }))).toBe('NOT_PERMITTED');
    const a = approved();
    expect(a).toMatchObject({ notifiedAt: at(0, 2), notifyChannel: 'SMS' });
    expect(code(a, ev('NOTIFY', at(1)))).toBe('ALREADY_NOTIFIED');
    expect(code(approvedOnly(), ev('ACTIVATE', at(1)))).toBe('NOT_NOTIFIED');
  });

  it('activation on day 7 is allowed (until 23:59 Vietnam time), on day 8 it is closed', () => {
    const a = approved(); // notified Monday 3 March 2025 at 12:00 in Vietnam
    expect(activationDeadline(a.notifiedAt!).toISOString()).toBe('2025-03-10T16:59:59.999Z');
    expect(ok(a, ev('ACTIVATE', at(7))).status).toBe('ACTIVE');
    expect(ok(a, ev('ACTIVATE', new Date('2025-03-10T16:59:59.999Z'))).activatedAt).toEqual(
      new Date('2025-03-10T16:59:59.999Z'),
    );
    expect(code(a, ev('ACTIVATE', new Date('2025-03-10T17:00:00Z')))).toBe('ACTIVATION_WINDOW_CLOSED');
    expect(code(a, ev('ACTIVATE', at(8)))).toBe('ACTIVATION_WINDOW_CLOSED');
  });

  it('only the citizen activates', () => {
    expect(code(approved(), ev('ACTIVATE', at(1), { by: OFFICER }))).toBe('NOT_PERMITTED');
    expect(code(approved(), ev('ACTIVATE', at(1), { by: SYSTEM }))).toBe('NOT_PERMITTED');
  });

  it('the sweep expires only after the window, then an officer of the area reopens and a new notice follows', () => {
    expect(code(approved(), ev('EXPIRE_ACTIVATION', at(7)))).toBe('ACTIVATION_WINDOW_OPEN');
    expect(code(approvedOnly(), ev('EXPIRE_ACTIVATION', at(9)))).toBe('NOT_NOTIFIED');
    expect(code(approved(), ev('EXPIRE_ACTIVATION', at(8), { by: OFFICER }))).toBe('NOT_PERMITTED');
    const x = expired();
    expect(code(x, ev('REOPEN', at(10), { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(x, ev('REOPEN', at(10), { by: SYSTEM }))).toBe('NOT_PERMITTED');
    expect(code(x, ev('REOPEN', at(10), { by: OTHER_OFFICER }))).toBe('OUT_OF_JURISDICTION');
    const reopened = ok(x, ev('REOPEN', at(10)));
    expect(reopened).toMatchObject({ status: 'APPROVED', reopenedAt: at(10) });
    expect(reopened).not.toHaveProperty('notifiedAt');
    expect(code(reopened, ev('ACTIVATE', at(10, 1)))).toBe('NOT_NOTIFIED');
    const notified = ok(reopened, ev('NOTIFY', at(10, 1), { channel: 'EMAIL' }));
    expect(ok(notified, ev('ACTIVATE', at(17))).status).toBe('ACTIVE');
    expect(code(notified, ev('ACTIVATE', at(18)))).toBe('ACTIVATION_WINDOW_CLOSED');
  });
});

describe('reopening an APPROVED account', () => {
  // approved(): notified Monday 3 March 2025, 12:00; the window closes at the end of Monday 10 March.
  const deadline = new Date('2025-03-10T16:59:59.999Z');

  it('is refused while the window is open and the codes are not used up: ACTIVATION_WINDOW_OPEN', () => {
    for (const when of [at(1), at(7), deadline]) {
      expect(code(approved(), ev('REOPEN', when))).toBe('ACTIVATION_WINDOW_OPEN');
      expect(code(approved(), ev('REOPEN', when), { ...CTX, activationCodesExhausted: false })).toBe(
        'ACTIVATION_WINDOW_OPEN',
      );
    }
  });

  it('is allowed once the window has closed (before the sweep), by an officer of the area only', () => {
    const a = approved();
    const closed = new Date(deadline.getTime() + 1);
    expect(code(a, ev('REOPEN', closed, { by: OTHER_OFFICER }))).toBe('OUT_OF_JURISDICTION');
    expect(code(a, ev('REOPEN', closed, { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(a, ev('REOPEN', closed, { by: SYSTEM }))).toBe('NOT_PERMITTED');
    const r = ok(a, ev('REOPEN', closed));
    expect(r).toMatchObject({ status: 'APPROVED', reopenedAt: closed });
    expect(r).not.toHaveProperty('notifiedAt');
    expect(r).not.toHaveProperty('notifyChannel');
    expect(r.history.at(-1)).toMatchObject({ event: 'REOPEN', from: 'APPROVED', to: 'APPROVED', by: 'officer:o-1' });
    // A new notice (and window) follows.
    expect(code(r, ev('ACTIVATE', at(8, 1)))).toBe('NOT_NOTIFIED');
    const notified = ok(r, ev('NOTIFY', at(8, 1)));
    expect(ok(notified, ev('ACTIVATE', at(15))).status).toBe('ACTIVE');
  });

  it('is allowed within the window once the activation codes are used up', () => {
    const r = ok(approved(), ev('REOPEN', at(2)), { ...CTX, activationCodesExhausted: true });
    expect(r).toMatchObject({ status: 'APPROVED', reopenedAt: at(2) });
    expect(r).not.toHaveProperty('notifiedAt');
    expect(
      code(approved(), ev('REOPEN', at(2), { by: OTHER_OFFICER }), { ...CTX, activationCodesExhausted: true }),
    ).toBe('OUT_OF_JURISDICTION');
  });
});

describe('lock and unlock', () => {
  it('the holder, an officer, or the system (ID card expired) locks', () => {
    expect(ok(active(), ev('LOCK', at(2)))).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER', lockedAt: at(2) });
    const byOfficer = ok(active(), ev('LOCK', at(2), { by: OFFICER, via: 'IN_PERSON' }));
    expect(byOfficer).toMatchObject({ lockReason: 'OFFICER' });
    expect(byOfficer.history.at(-1)!.reason).toBe('locked (OFFICER, via IN_PERSON)');
    const sys = ok(active(), ev('LOCK', at(2), { by: SYSTEM }), { ...CTX, idCardValid: false });
    expect(sys).toMatchObject({ lockReason: 'ID_CARD_EXPIRED' });
    expect(sys.history.at(-1)!.by).toBe('system');
    expect(code(active(), ev('LOCK', at(2), { by: SYSTEM }))).toBe('ID_CARD_NOT_EXPIRED');
  });

  it('a second lock is refused, except the expiry of the ID card, which supersedes', () => {
    expect(code(locked(), ev('LOCK', at(3)))).toBe('ALREADY_LOCKED');
    expect(code(locked(), ev('LOCK', at(3), { by: OFFICER }))).toBe('ALREADY_LOCKED');
    const sys = ok(locked(), ev('LOCK', at(3), { by: SYSTEM }), { ...CTX, idCardValid: false });
    expect(sys).toMatchObject({ lockReason: 'ID_CARD_EXPIRED', lockedAt: at(2) });
    expect(code(sys, ev('LOCK', at(4), { by: SYSTEM }), { ...CTX, idCardValid: false })).toBe('ALREADY_LOCKED');
  });

  it('unlock: an officer, after the holder proved ownership; the holder, of their own lock', () => {
    expect(ok(locked(), ev('UNLOCK', at(3), { by: CITIZEN })).status).toBe('ACTIVE');
    const byOfficer = ok(active(), ev('LOCK', at(2), { by: OFFICER, ground: 'TERMS_BREACH' }));
    expect(byOfficer).toMatchObject({ lockReason: 'OFFICER', lockGround: 'TERMS_BREACH' });
    expect(code(byOfficer, ev('UNLOCK', at(3), { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(locked(), ev('UNLOCK', at(3), { by: SYSTEM }))).toBe('NOT_PERMITTED');
    expect(code(locked(), ev('UNLOCK', at(3), { ownershipVerified: false }))).toBe('OWNERSHIP_NOT_VERIFIED');
    const u = ok(locked(), ev('UNLOCK', at(3)), { person: PERSON });
    expect(u.status).toBe('ACTIVE');
    expect(u).not.toHaveProperty('lockedAt');
    expect(u).not.toHaveProperty('lockReason');
    // Any officer may unlock (hotline is national), not only one of the area.
    expect(ok(locked(), ev('UNLOCK', at(3), { by: OTHER_OFFICER })).status).toBe('ACTIVE');
  });

  it('an ID_CARD_EXPIRED lock stays while the card is still expired', () => {
    const sys = ok(active(), ev('LOCK', at(2), { by: SYSTEM }), { ...CTX, idCardValid: false });
    expect(code(sys, ev('UNLOCK', at(3)), { ...CTX, idCardValid: false })).toBe('ID_CARD_STILL_EXPIRED');
    expect(code(sys, ev('UNLOCK', at(3)), {})).toBe('ID_CARD_STILL_EXPIRED');
    expect(ok(sys, ev('UNLOCK', at(3)), { ...CTX, idCardValid: true }).status).toBe('ACTIVE');
    // A holder's lock is not unlocked while the card is known to be expired either.
    expect(code(locked(), ev('UNLOCK', at(3)), { ...CTX, idCardValid: false })).toBe('ID_CARD_STILL_EXPIRED');
  });
});

describe('the holder recorded as deceased', () => {
  const DECEASED: LifecycleContext = { ...CTX, idCardValid: true, holderDeceased: true };

  it('the system locks an ACTIVE account with HOLDER_DECEASED, even with a valid card', () => {
    const a = ok(active(), ev('LOCK', at(2), { by: SYSTEM }), DECEASED);
    expect(a).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER_DECEASED', lockedAt: at(2) });
    expect(a.history.at(-1)).toMatchObject({ event: 'LOCK', from: 'ACTIVE', to: 'LOCKED', by: 'system' });
    // Only the system: a holder's or an officer's lock keeps its own reason.
    expect(ok(active(), ev('LOCK', at(2)), DECEASED).lockReason).toBe('HOLDER');
    expect(ok(active(), ev('LOCK', at(2), { by: OFFICER }), DECEASED).lockReason).toBe('OFFICER');
  });

  it('supersedes the other locks, and nothing supersedes it', () => {
    const holder = ok(locked(), ev('LOCK', at(3), { by: SYSTEM }), DECEASED);
    expect(holder).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER_DECEASED', lockedAt: at(2) });
    const card = ok(active(), ev('LOCK', at(2), { by: SYSTEM }), { ...CTX, idCardValid: false });
    expect(ok(card, ev('LOCK', at(3), { by: SYSTEM }), { ...DECEASED, idCardValid: false }).lockReason).toBe(
      'HOLDER_DECEASED',
    );
    expect(code(holder, ev('LOCK', at(4), { by: SYSTEM }), DECEASED)).toBe('ALREADY_LOCKED');
    expect(code(holder, ev('LOCK', at(4), { by: SYSTEM }), { ...CTX, idCardValid: false })).toBe('ALREADY_LOCKED');
    expect(code(holder, ev('LOCK', at(4)))).toBe('ALREADY_LOCKED');
  });

  it('is never unlocked: HOLDER_DECEASED', () => {
    const a = ok(active(), ev('LOCK', at(2), { by: SYSTEM }), DECEASED);
    expect(code(a, ev('UNLOCK', at(3)), { ...CTX, idCardValid: true })).toBe('HOLDER_DECEASED');
    expect(code(a, ev('UNLOCK', at(3)), {})).toBe('HOLDER_DECEASED');
    expect(code(a, ev('UNLOCK', at(3), { by: OTHER_OFFICER }), { ...CTX, idCardValid: true })).toBe('HOLDER_DECEASED');
  });
});

describe('upgrade to Level 2', () => {
  it('needs an officer, fingerprints and an ACTIVE Level 1', () => {
    expect(code(active(), ev('UPGRADE_TO_L2', at(3), { by: CITIZEN }))).toBe('NOT_PERMITTED');
    expect(code(active(), ev('UPGRADE_TO_L2', at(3), { fingerprintsCaptured: false }))).toBe('FINGERPRINTS_REQUIRED');
    expect(code(approved(), ev('UPGRADE_TO_L2', at(3)))).toBe('ILLEGAL_TRANSITION');
    expect(code(locked(), ev('UPGRADE_TO_L2', at(3)))).toBe('ILLEGAL_TRANSITION');
    const l2 = ok(ok(null, ev('REGISTER_L2')), ev('APPROVE', at(0, 1)));
    expect(code(ok(ok(l2, ev('NOTIFY', at(0, 2))), ev('ACTIVATE', at(1))), ev('UPGRADE_TO_L2', at(3)))).toBe(
      'LEVEL_ALREADY_2',
    );
  });

  it('stays Level 1 and ACTIVE until the Level 2 request is approved, with its own deadline', () => {
    const due = at(6);
    const u = ok(active(), ev('UPGRADE_TO_L2', at(3)), { ...CTX, approvalDueAt: due });
    expect(u).toMatchObject({
      status: 'ACTIVE',
      level: 1,
      pendingLevel: 2,
      upgradeRequestedAt: at(3),
      approvalDueAt: due,
    });
    expect(code(u, ev('UPGRADE_TO_L2', at(3, 1)))).toBe('UPGRADE_ALREADY_PENDING');
    const approvedUp = ok(u, ev('APPROVE', at(4)));
    expect(approvedUp).toMatchObject({ status: 'ACTIVE', level: 2 });
    expect(approvedUp).not.toHaveProperty('pendingLevel');
    expect(approvedUp.history.at(-1)).toMatchObject({
      from: 'ACTIVE',
      to: 'ACTIVE',
      level: 2,
      reason: 'Level 2 upgrade approved',
    });
    const rejectedUp = ok(u, ev('REJECT', at(4), { reason: 'fingerprints unreadable' }));
    expect(rejectedUp).toMatchObject({ status: 'ACTIVE', level: 1 });
    expect(rejectedUp).not.toHaveProperty('pendingLevel');
  });

  it('approve/reject on an ACTIVE account needs a pending upgrade', () => {
    expect(code(active(), ev('APPROVE', at(4)))).toBe('NO_PENDING_UPGRADE');
    expect(code(locked(), ev('REJECT', at(4)))).toBe('NO_PENDING_UPGRADE');
  });
});

describe('phone change', () => {
  it('an officer in person, in PENDING, APPROVED, ACTIVE and LOCKED', () => {
    for (const a of [pending(), approved(), active(), locked()]) {
      const r = ok(a, ev('PHONE_CHANGE', at(5)));
      expect(r).toMatchObject({ status: a.status, phone: '+84987654321', phoneChangedAt: at(5) });
      expect(r.history.at(-1)!.reason).toBe('phone number changed in person');
    }
  });

  it('the holder online only on an ACTIVE account, with the code to the new number confirmed', () => {
    const holder = { by: CITIZEN, verificationCodeConfirmed: true } as const;
    expect(ok(active(), ev('PHONE_CHANGE', at(5), holder)).phone).toBe('+84987654321');
    expect(code(active(), ev('PHONE_CHANGE', at(5), { by: CITIZEN }))).toBe('PHONE_NOT_VERIFIED');
    expect(code(locked(), ev('PHONE_CHANGE', at(5), holder))).toBe('NOT_PERMITTED');
    expect(code(approved(), ev('PHONE_CHANGE', at(5), holder))).toBe('NOT_PERMITTED');
    expect(code(active(), ev('PHONE_CHANGE', at(5), { by: SYSTEM }))).toBe('NOT_PERMITTED');
  });

  it('checks the number', () => {
    expect(code(active(), ev('PHONE_CHANGE', at(5), { phone: '+84912345678' }))).toBe('PHONE_UNCHANGED');
    expect(code(active(), ev('PHONE_CHANGE', at(5), { phone: '+1 555 0100' }))).toBe('INVALID_PHONE');
  });
});

describe('history', () => {
  it('accumulates who, when, from, to, level and why, without changing the input', () => {
    const a0 = active();
    const snapshot = JSON.stringify(a0);
    const a1 = ok(a0, ev('LOCK', at(2), { reason: 'lost my phone' }));
    const a2 = ok(a1, ev('PHONE_CHANGE', at(3)));
    const a3 = ok(a2, ev('UNLOCK', at(3, 1), { reason: 'identity checked at the commune police' }));
    expect(JSON.stringify(a0)).toBe(snapshot);
    expect((a3.history as LifecycleHistoryEntry[]).map((h) => [h.event, h.by, h.from, h.to, h.level])).toEqual([
      ['REGISTER_L1', 'citizen', null, 'PENDING', 1],
      ['APPROVE', 'officer:o-1', 'PENDING', 'APPROVED', 1],
      ['NOTIFY', 'system', 'APPROVED', 'APPROVED', 1],
      ['ACTIVATE', 'citizen', 'APPROVED', 'ACTIVE', 1],
      ['LOCK', 'citizen', 'ACTIVE', 'LOCKED', 1],
      ['PHONE_CHANGE', 'officer:o-1', 'LOCKED', 'LOCKED', 1],
      ['UNLOCK', 'officer:o-1', 'LOCKED', 'ACTIVE', 1],
    ]);
    expect(a3.history.map((h) => h.at)).toEqual([at(0), at(0, 1), at(0, 2), at(1), at(2), at(3), at(3, 1)]);
    expect(a3.history[4].reason).toBe('lost my phone');
    expect(a3.history[6].reason).toBe('identity checked at the commune police');
    expect(a3.history[2].reason).toBe('notified by SMS');
    expect(a3).toMatchObject({ registeredAt: at(0), approvedAt: at(0, 1), notifiedAt: at(0, 2), activatedAt: at(1) });
    expect(a3.updatedAt).toEqual(at(3, 1));
  });
});
