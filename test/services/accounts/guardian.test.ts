/**
 * A parent or guardian and a child's account (Decree 69/2024/NĐ-CP Art. 10 as summarised) over
 * the real store, through the hub's GraphQL schema (prefix `agd_`): registration through the
 * guardian's Level 2 account, the guardian reading the child's account, the guardianship ending
 * at 14 or when the population record no longer shows it, and a child turning 6.
 */
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import type { CitizenRecord } from '../../../connectors/population/connector';
import {
  DAY,
  T0,
  ageOn,
  call,
  citizen,
  endOfVnDay,
  newPhone,
  officer,
  ok,
  setupFixture,
  vn,
  type Fixture,
} from './support';

let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture('agd_', { citizens: 600, seed: 43 });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0);
});

const today = '2026-11-20';
const CHILD_FIELDS = `account { personalId level status approvalDueAt } userErrors { code message }`;
const REGISTER_CHILD = `mutation($input: AccountRegisterChildInput!) { accountRegisterChild(input: $input) { ${CHILD_FIELDS} } }`;
const CHILD_ACCOUNT = `query($id: PersonalId!) { childAccount(personalId: $id) { ${CHILD_FIELDS} } }`;

interface Payload {
  account: { personalId: string; level: number; status: string; approvalDueAt: string | null } | null;
  userErrors: Array<{ code: string }>;
}

async function run(principal: ReturnType<typeof citizen>, query: string, vars: Record<string, unknown>) {
  const { result } = await fx.ex.exec(principal, query, vars);
  expect(result.errors).toBeUndefined();
  const data = result.data as Record<string, Payload>;
  return Object.values(data)[0];
}

const birthday = (dob: string, years: number): string => `${Number(dob.slice(0, 4)) + years}${dob.slice(4)}`;

/** A living parent with an ACTIVE Level 2 account and a child aged [lo, hi) with no account (and `card` or not). */
function family(lo: number, hi: number, card = false): { parent: CitizenRecord; child: CitizenRecord } {
  for (const a of fx.seeded) {
    const parent = fx.byId.get(a._id);
    if (a.status !== 'ACTIVE' || a.level !== 2 || !parent || parent.vitalStatus !== 'ALIVE') continue;
    for (const d of parent.family.dependants ?? []) {
      const child = d.personalId ? fx.byId.get(d.personalId) : undefined;
      if (!child?.dateOfBirth || child.vitalStatus !== 'ALIVE' || !child.area || !!child.identityCard !== card)
        continue;
      const age = ageOn(child.dateOfBirth, today);
      if (age >= lo && age < hi && !fx.seeded.some((s) => s._id === child.personalId) && !used.has(child.personalId)) {
        used.add(child.personalId);
        return { parent, child };
      }
    }
  }
  throw new Error(`no family with a child aged ${lo} to ${hi}`);
}
const used = new Set<string>();

const input = (child: CitizenRecord) => ({ personalId: child.personalId, phone: newPhone(), portraitRef: 'p/child' });

describe('a guardian registers a child’s Level 1 account', () => {
  it('a child under 6: PENDING with the 7-working-day deadline; the day the child turns 6 needs an identity card', async () => {
    const { parent, child } = family(0, 5);
    const sixth = birthday(child.dateOfBirth!, 6);
    fx.clock.set(vn(sixth));
    const late = await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    expect(late.userErrors.map((e) => e.code)).toEqual(['NOT_ELIGIBLE_NO_IDENTITY_CARD']);
    expect(await fx.account(child.personalId)).toBeNull();

    fx.clock.set(T0);
    const r = await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({ personalId: child.personalId, level: 1, status: 'PENDING' });
    expect(r.account!.approvalDueAt).not.toBeNull();
    const stored = await fx.account(child.personalId);
    expect(stored).toMatchObject({ guardianId: parent.personalId, level: 1, status: 'PENDING' });
    // The child cannot register in the app themselves, nor may anyone register them twice.
    const again = await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    expect(again.userErrors.map((e) => e.code)).toEqual(['ALREADY_REGISTERED']);
  });

  it('a child of 6 to 13 with a valid identity card (generated): approved at once by the automatic check', async () => {
    const { parent, child } = family(6, 14, true);
    expect(child.identityCard).toMatchObject({ kind: 'IDENTITY_CARD' });
    const r = await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({ personalId: child.personalId, level: 1, status: 'APPROVED' });
    // Level 2 for such a child is asked in person: already registered now, so another child.
    const other = family(6, 14, true).child;
    const o = officer({ province: other.area!.province }, 'ACCOUNT_APPROVER');
    const l2 = await call(fx.ex, o, 'register', {
      input: { level: 2, personalId: other.personalId, phone: newPhone(), fingerprintsCaptured: true },
    });
    expect(l2.code).toBeNull();
    expect(l2.account).toMatchObject({ level: 2, status: 'PENDING' });
  });

  it('a child without a card, received on a Friday before the April holidays: due in 7 working days (8 May)', async () => {
    const { parent, child } = family(1, 5);
    // Friday 24 April 2026; Hùng Kings (compensated Monday 27), 30 April and 1 May are holidays:
    // 28, 29 Apr, 4, 5, 6, 7, 8 May.
    fx.clock.set(vn('2026-04-24', '16:30'));
    const r = await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({ status: 'PENDING', approvalDueAt: endOfVnDay('2026-05-08') });
  });

  it('refuses a stranger (NOT_GUARDIAN) and a parent without an ACTIVE Level 2 account', async () => {
    const { child } = family(0, 6);
    const stranger = fx.seeded.find(
      (a) =>
        a.status === 'ACTIVE' &&
        a.level === 2 &&
        !(fx.byId.get(a._id)?.family.dependants ?? []).some((d) => d.personalId === child.personalId),
    )!;
    const r = await run(citizen(stranger._id), REGISTER_CHILD, { input: input(child) });
    expect(r.userErrors.map((e) => e.code)).toEqual(['NOT_GUARDIAN']);
    const level1 = fx.seeded.find((a) => a.status === 'ACTIVE' && a.level === 1)!;
    const r1 = await run(citizen(level1._id), REGISTER_CHILD, { input: input(child) });
    expect(r1.userErrors.map((e) => e.code)).toEqual(['GUARDIAN_LEVEL_2_REQUIRED']);
    expect(await fx.account(child.personalId)).toBeNull();
  });

  it('the child’s own app registration stays TOO_YOUNG', async () => {
    const { child } = family(0, 14);
    const r = await call(fx.ex, citizen(child.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p' },
    });
    expect(r.code).toBe('NOT_ELIGIBLE_TOO_YOUNG');
  });
});

describe('the guardian sees the child’s account until the guardianship ends', () => {
  it('reads it; at 14 GUARDIANSHIP_ENDED and the account is in the child’s hands', async () => {
    const { parent, child } = family(0, 6);
    await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    const o = officer({ province: child.area!.province }, 'ACCOUNT_APPROVER');
    await ok(fx.ex, o, 'approve', { id: child.personalId });
    const seen = await run(citizen(parent.personalId), CHILD_ACCOUNT, { id: child.personalId });
    expect(seen.account).toMatchObject({ personalId: child.personalId, status: 'APPROVED' });

    const fourteenth = birthday(child.dateOfBirth!, 14);
    fx.clock.set(new Date(vn(fourteenth).getTime() - DAY));
    expect((await run(citizen(parent.personalId), CHILD_ACCOUNT, { id: child.personalId })).account).not.toBeNull();
    fx.clock.set(vn(fourteenth));
    const ended = await run(citizen(parent.personalId), CHILD_ACCOUNT, { id: child.personalId });
    expect(ended).toMatchObject({ account: null, userErrors: [{ code: 'GUARDIANSHIP_ENDED' }] });
    // The account continues: the child reads it as their own.
    const own = await call(fx.ex, citizen(child.personalId), 'myAccount');
    expect(own.data).toMatchObject({ myAccount: { personalId: child.personalId } });
  });

  it('a guardian who loses the role in the population record loses access (NOT_GUARDIAN)', async () => {
    const { parent, child } = family(0, 6);
    await run(citizen(parent.personalId), REGISTER_CHILD, { input: input(child) });
    const before = await run(citizen(parent.personalId), CHILD_ACCOUNT, { id: child.personalId });
    expect(before.account).toMatchObject({ personalId: child.personalId });
    const pop = fx.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
    const doc = (await pop.findOne({ _id: parent.personalId }))!;
    await pop.updateOne(
      { _id: parent.personalId },
      { $set: { nguoiPhuThuoc: doc.nguoiPhuThuoc.filter((d) => d.soDinhDanh !== child.personalId) } },
    );
    const kid = (await pop.findOne({ _id: child.personalId }))!;
    const clear: Partial<CongDanDoc> = {};
    if (kid.cha?.soDinhDanh === parent.personalId) clear.cha = { hoTen: kid.cha.hoTen };
    if (kid.me?.soDinhDanh === parent.personalId) clear.me = { hoTen: kid.me.hoTen };
    if (Object.keys(clear).length > 0) await pop.updateOne({ _id: child.personalId }, { $set: clear });
    const r = await run(citizen(parent.personalId), CHILD_ACCOUNT, { id: child.personalId });
    expect(r).toMatchObject({ account: null, userErrors: [{ code: 'NOT_GUARDIAN' }] });
  });
});
