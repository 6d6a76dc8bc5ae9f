/**
 * Shared set-up of the account service / GraphQL / sweep tests: each test file seeds its OWN
 * small data set under its own prefix (never the shared `t_` one), runs GraphQL in-process
 * with an injectable clock and a recording notifier, and takes fresh people from a pool so
 * that the tests of one file never share a person.
 */
import { seed } from '../../../mockdata/seed/index';
import { mapCitizen, type CitizenRecord } from '../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { RecordingNotifier } from '../../../services/accounts/notifier';
import type { AccountEventDoc, StoredAccount } from '../../../services/accounts/model';
import type { OfficerRole, Principal } from '../../../services/access/auth/principal';
import type { HubContext } from '../../../services/context';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION } from '../../../services/accounts/store';
import type { Store } from '../../../store/connection';
import { createExecutor } from '../../support/exec';
import { connectTestStore } from '../../support/hub';

export type Executor = Awaited<ReturnType<typeof createExecutor>>;

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Friday 20 November 2026, 10:00 in Vietnam (UTC+7). No holiday within three weeks of it. */
export const T0 = new Date('2026-11-20T03:00:00Z');

/** An instant from a Vietnam wall-clock time: vn('2026-04-24', '10:00'). */
export function vn(day: string, time = '10:00'): Date {
  return new Date(Date.parse(`${day}T${time}:00Z`) - 7 * HOUR);
}

/** The end of a Vietnam day (23:59:59.999 UTC+7) as an ISO instant. */
export function endOfVnDay(day: string): string {
  return new Date(Date.parse(`${day}T23:59:59.999Z`) - 7 * HOUR).toISOString();
}

/** A settable clock, passed as `now` to the executor (and through it to the accounts module). */
export class Clock {
  constructor(public t: Date = T0) {}
  readonly now = (): Date => this.t;
  set(t: Date): void {
    this.t = t;
  }
}

// ---------------------------------------------------------------------------------------------
// Principals
// ---------------------------------------------------------------------------------------------

export const citizen = (personalId: string): Principal => ({ kind: 'CITIZEN', personalId, issuer: 'test' });

export function officer(
  area: { province: string; commune?: string },
  role: OfficerRole = 'ACCOUNT_APPROVER',
  officerId = `off-${area.commune ?? area.province}-${role.toLowerCase()}`,
): Principal {
  return { kind: 'OFFICER', officerId, role, jurisdiction: area, unit: 'Công an (test)', issuer: 'test' };
}

export const ANON: Principal = { kind: 'ANONYMOUS' };

export const clientPrincipal = (citizenId: string): Principal => ({
  kind: 'CLIENT',
  clientId: 'some-client',
  citizenId,
  consentId: 'c-1',
  scopes: ['IDENTITY'],
  purpose: '1.000001',
  issuer: 'test',
});

// ---------------------------------------------------------------------------------------------
// GraphQL operations
// ---------------------------------------------------------------------------------------------

export const ACCOUNT_FIELDS = `personalId level status pendingLevel phone email hasChipCard registeredAt
  approvalDueAt approvalOverdue approvedAt notifiedAt activationDeadline activatedAt lockedAt lockReason lockGround
  area { code kind } history { at event from to level by reason }`;
const PAYLOAD = `account { ${ACCOUNT_FIELDS} } userErrors { code message }`;

export const OPS = {
  register: `mutation($input: AccountRegisterInput!) { accountRegister(input: $input) { ${PAYLOAD} } }`,
  upgrade: `mutation($id: PersonalId!, $fp: Boolean!) { accountUpgrade(personalId: $id, fingerprintsCaptured: $fp) { ${PAYLOAD} } }`,
  approve: `mutation($id: PersonalId!) { accountApprove(personalId: $id) { ${PAYLOAD} } }`,
  reject: `mutation($id: PersonalId!, $reason: String!) { accountReject(personalId: $id, reason: $reason) { ${PAYLOAD} } }`,
  activate: `mutation($code: String!) { accountActivate(code: $code) { ${PAYLOAD} } }`,
  resend: `mutation { accountActivationCodeResend { ${PAYLOAD} } }`,
  reopen: `mutation($id: PersonalId!) { accountReopen(personalId: $id) { ${PAYLOAD} } }`,
  lock: `mutation($id: PersonalId, $via: LockChannel, $ground: AccountLockGround, $reason: String) { accountLock(personalId: $id, via: $via, ground: $ground, reason: $reason) { ${PAYLOAD} } }`,
  unlock: `mutation($id: PersonalId, $ok: Boolean, $reason: String) { accountUnlock(personalId: $id, ownershipVerified: $ok, reason: $reason) { ${PAYLOAD} } }`,
  phoneStart: `mutation($phone: String!) { accountPhoneChangeStart(phone: $phone) { ${PAYLOAD} } }`,
  phoneChange: `mutation($input: AccountPhoneChangeInput!) { accountPhoneChange(input: $input) { ${PAYLOAD} } }`,
  sweep: `mutation { accountSweepRun { lockedExpiredCards activationExpired noticesSent areasRefreshed } }`,
  myAccount: `query { myAccount { ${ACCOUNT_FIELDS} } }`,
  account: `query($id: PersonalId!) { account(personalId: $id) { ${ACCOUNT_FIELDS} } }`,
} as const;
export type Op = keyof typeof OPS;

export interface HistoryView {
  at: string;
  event: string | null;
  from: string | null;
  to: string;
  level: number;
  by: string;
  reason: string | null;
}

export interface AccountView {
  personalId: string;
  level: number;
  status: string;
  pendingLevel: number | null;
  phone: string;
  email: string | null;
  hasChipCard: boolean;
  registeredAt: string;
  approvalDueAt: string | null;
  approvalOverdue: boolean;
  approvedAt: string | null;
  notifiedAt: string | null;
  activationDeadline: string | null;
  activatedAt: string | null;
  lockedAt: string | null;
  lockReason: string | null;
  lockGround: string | null;
  area: { code: string; kind: string };
  history: HistoryView[];
}

export interface GqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface CallResult {
  account: AccountView | null;
  userErrors: Array<{ code: string; message: string }>;
  /** The first user error's code, or null. */
  code: string | null;
  /** GraphQL errors (a refused request), or undefined. */
  errors: readonly GqlError[] | undefined;
  data: Record<string, unknown> | null | undefined;
  /** The request's context (its audit collector carries `accountChanges`). */
  ctx: HubContext;
}

/** An AccountPayload as OPS select it. */
function isPayload(v: unknown): v is { account: AccountView | null; userErrors: CallResult['userErrors'] } {
  return typeof v === 'object' && v !== null && 'userErrors' in v;
}

/** Runs one of OPS and unpacks its payload. */
export async function call(
  ex: Executor,
  principal: Principal,
  op: Op,
  vars: Record<string, unknown> = {},
): Promise<CallResult> {
  const { result, ctx } = await ex.exec(principal, OPS[op], vars);
  const data = result.data;
  // The operation's one root field: an account payload (a mutation) or an account (a query).
  const root: unknown = data ? Object.values(data)[0] : null;
  const payload = isPayload(root) ? root : null;
  const userErrors = payload?.userErrors ?? [];
  return {
    account: payload ? payload.account : op === 'myAccount' || op === 'account' ? (root as AccountView | null) : null,
    userErrors,
    code: userErrors[0]?.code ?? null,
    errors: result.errors,
    data,
    ctx,
  };
}

/** As `call`, and fails the test on a GraphQL error or a user error. */
export async function ok(
  ex: Executor,
  principal: Principal,
  op: Op,
  vars: Record<string, unknown> = {},
): Promise<AccountView> {
  const r = await call(ex, principal, op, vars);
  if (r.errors?.length || r.userErrors.length || !r.account) {
    throw new Error(`${op} failed: ${JSON.stringify({ errors: r.errors, userErrors: r.userErrors })}`);
  }
  return r.account;
}

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

export interface Fixture {
  store: Store;
  ex: Executor;
  notifier: RecordingNotifier;
  clock: Clock;
  people: CitizenRecord[];
  byId: Map<string, CitizenRecord>;
  /** The seeded accounts as they were after seeding. */
  seeded: StoredAccount[];
  /** The next unused person matching `pred` (throws when none is left). */
  take(what: string, pred: (p: CitizenRecord) => boolean): CitizenRecord;
  /** The next unused seeded account matching `pred` (its holder is marked used). */
  takeAccount(what: string, pred: (a: StoredAccount, p: CitizenRecord) => boolean): StoredAccount;
  account(id: string): Promise<StoredAccount | null>;
  events(id: string): Promise<AccountEventDoc[]>;
  population(id: string): Promise<CongDanDoc | null>;
  setCardExpiry(id: string, day: string | null): Promise<void>;
  close(): Promise<void>;
}

const ymd = (t: Date): string => new Date(t.getTime() + 7 * HOUR).toISOString().slice(0, 10);

/** Age in whole years on a "YYYY-MM-DD" day. */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export const hasChip = (p: CitizenRecord): boolean =>
  p.identityCard?.kind === 'CCCD_CHIP' || p.identityCard?.kind === 'IDENTITY_CARD';

/**
 * Seeds `citizens` people under `prefix` and builds the executor with the clock and notifier.
 * The people handed out as "fresh" are living adults (18+ at T0 and still on the clock's
 * latest test date) whose ID card is valid for a year past T0 (so no sweep locks them).
 */
export async function setupFixture(
  prefix: string,
  opts: { citizens?: number; seed?: number; clock?: Clock } = {},
): Promise<Fixture> {
  const store = await connectTestStore(prefix);
  await seed(store, { citizens: opts.citizens ?? 300, seed: opts.seed ?? 11 });
  const clock = opts.clock ?? new Clock();
  const notifier = new RecordingNotifier();
  const ex = await createExecutor(store, {}, { notifier, now: clock.now });
  const pop = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const people = (await pop.find({}).toArray()).map(mapCitizen);
  const byId = new Map(people.map((p) => [p.personalId, p]));
  const accounts = store.hubDb.collection<StoredAccount>(ACCOUNTS_COLLECTION);
  const events = store.hubDb.collection<AccountEventDoc>(ACCOUNT_EVENTS_COLLECTION);
  const seeded = await accounts.find({}).toArray();
  const registered = new Set(seeded.map((a) => a._id));
  const used = new Set<string>();
  const far = ymd(new Date(T0.getTime() + 400 * DAY));
  const cardOk = (p: CitizenRecord) => !p.identityCard?.expiresOn || p.identityCard.expiresOn > far;
  return {
    store,
    ex,
    notifier,
    clock,
    people,
    byId,
    seeded,
    take(what, pred) {
      const p = people.find(
        (c) =>
          !used.has(c.personalId) &&
          !registered.has(c.personalId) &&
          c.vitalStatus === 'ALIVE' &&
          !!c.area &&
          !!c.dateOfBirth &&
          ageOn(c.dateOfBirth, ymd(T0)) >= 18 &&
          cardOk(c) &&
          pred(c),
      );
      if (!p) throw new Error(`no fresh person left: ${what}`);
      used.add(p.personalId);
      return p;
    },
    takeAccount(what, pred) {
      const a = seeded.find((x) => {
        const p = byId.get(x._id);
        return !used.has(x._id) && !!p && p.vitalStatus === 'ALIVE' && !!p.area && pred(x, p);
      });
      if (!a) throw new Error(`no seeded account left: ${what}`);
      used.add(a._id);
      return a;
    },
    account: (id) => accounts.findOne({ _id: id }),
    async events(id) {
      const docs = await events.find({ personalId: id }).toArray();
      return docs.sort((a, b) => a.seq - b.seq);
    },
    population: (id) => pop.findOne({ _id: id }),
    async setCardExpiry(id, day) {
      const doc = await pop.findOne({ _id: id });
      if (!doc?.theCanCuoc) throw new Error(`${id} has no ID card`);
      const card = { ...doc.theCanCuoc, ngayHetHan: day };
      // The current card is also the last entry of the history.
      const history = doc.lichSuGiayTo.map((g) => (g.so === card.so ? card : g));
      await pop.updateOne({ _id: id }, { $set: { theCanCuoc: card, lichSuGiayTo: history } });
    },
    async close() {
      await ex.stop();
      await store.close();
    },
  };
}

/** Fresh adult with a chip card / without one. */
export const withChip = (p: CitizenRecord): boolean => hasChip(p);
export const withoutChip = (p: CitizenRecord): boolean => !hasChip(p);

/** A national mobile number, distinct per call ("09" + 8 digits). */
let phoneSeq = 0;
export function newPhone(): string {
  phoneSeq++;
  return `09${String(21_000_000 + phoneSeq * 7_919).slice(0, 8)}`;
}
export const e164 = (national: string): string => `+84${national.slice(1)}`;

/**
 * Registers a fresh chip-card holder Level 1 as the citizen (auto-approved and notified at
 * the clock's time) and returns the activation code that was sent.
 */
export async function registerApproved(
  fx: Fixture,
  what: string,
): Promise<{ person: CitizenRecord; code: string; account: AccountView }> {
  const person = fx.take(what, withChip);
  const account = await ok(fx.ex, citizen(person.personalId), 'register', {
    input: { level: 1, phone: newPhone(), portraitRef: `portrait/${person.personalId}` },
  });
  const code = fx.notifier.lastCode(person.personalId, 'ACCOUNT_APPROVED');
  if (account.status !== 'APPROVED' || !code) throw new Error(`${what}: not auto-approved`);
  return { person, code, account };
}

/** A fresh ACTIVE Level 1 account (registered and activated at the clock's time). */
export async function activeAccount(
  fx: Fixture,
  what: string,
): Promise<{ person: CitizenRecord; account: AccountView }> {
  const { person, code } = await registerApproved(fx, what);
  const account = await ok(fx.ex, citizen(person.personalId), 'activate', { code });
  return { person, account };
}
