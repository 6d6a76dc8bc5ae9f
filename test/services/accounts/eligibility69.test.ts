/**
 * Who may have an account, and how (Decree 69/2024/NĐ-CP Art. 7 and 10 as summarised): by age,
 * nationality and identity / residence card; pure (the store-backed cases are in service.test.ts).
 */
import { checkEligibility, isCitizen } from '../../../services/accounts/lifecycle/eligibility';
import { apply } from '../../../services/accounts/lifecycle/machine';
import type { EligibilityPerson, LifecycleContext } from '../../../services/accounts/model';

const BORN = '2015-06-10'; // 6 on 2021-06-10, 14 on 2029-06-10
const person = (extra: Partial<EligibilityPerson> = {}): EligibilityPerson => ({
  exists: true,
  dateOfBirth: BORN,
  vitalStatus: 'ALIVE',
  nationality: 'Việt Nam',
  ...extra,
});
const SELF_L1 = { level: 1, by: 'SELF' } as const;
const SELF_L2 = { level: 2, by: 'SELF' } as const;
const GUARDIAN_L1 = { level: 1, by: 'GUARDIAN' } as const;
const GUARDIAN_L2 = { level: 2, by: 'GUARDIAN' } as const;

describe('citizens by age', () => {
  it('under 6: Level 1 through a guardian only', () => {
    const p = person({ identityCardValid: false });
    expect(checkEligibility(p, '2021-06-09', GUARDIAN_L1)).toBeNull();
    expect(checkEligibility(p, '2021-06-09', SELF_L1)).toBe('TOO_YOUNG');
    expect(checkEligibility(p, '2021-06-09', SELF_L2)).toBe('TOO_YOUNG');
    expect(checkEligibility(p, '2021-06-09', GUARDIAN_L2)).toBe('TOO_YOUNG');
  });

  it('turning 6: Level 2 on request in person with an identity card; without one, NO_IDENTITY_CARD', () => {
    const card = person({ identityCardValid: true });
    expect(checkEligibility(card, '2021-06-09', SELF_L2)).toBe('TOO_YOUNG');
    expect(checkEligibility(card, '2021-06-10', SELF_L2)).toBeNull();
    expect(checkEligibility(card, '2021-06-10', GUARDIAN_L1)).toBeNull();
    expect(checkEligibility(card, '2021-06-10', SELF_L1)).toBe('TOO_YOUNG');
    const none = person({ identityCardValid: false });
    expect(checkEligibility(none, '2021-06-10', SELF_L2)).toBe('NO_IDENTITY_CARD');
    expect(checkEligibility(none, '2021-06-10', GUARDIAN_L1)).toBe('NO_IDENTITY_CARD');
  });

  it('turning 14: registers themselves; a guardian no longer can; no card needed (7-day deadline)', () => {
    const none = person({ identityCardValid: false });
    expect(checkEligibility(none, '2029-06-09', SELF_L1)).toBe('TOO_YOUNG');
    expect(checkEligibility(none, '2029-06-10', SELF_L1)).toBeNull();
    expect(checkEligibility(none, '2029-06-10', SELF_L2)).toBeNull();
    expect(checkEligibility(none, '2029-06-09', GUARDIAN_L1)).toBe('NO_IDENTITY_CARD');
    expect(checkEligibility(none, '2029-06-10', GUARDIAN_L1)).toBe('GUARDIAN_NOT_NEEDED');
  });
});

describe('foreigners', () => {
  it('need a valid residence card; then Level 2 from 6, Level 1 only under 6', () => {
    const card = person({ nationality: 'Hàn Quốc', residenceCardValid: true });
    expect(checkEligibility(card, '2021-06-09', GUARDIAN_L1)).toBeNull();
    expect(checkEligibility(card, '2021-06-09', SELF_L2)).toBe('TOO_YOUNG');
    expect(checkEligibility(card, '2021-06-10', SELF_L2)).toBeNull();
    expect(checkEligibility(card, '2029-06-10', SELF_L1)).toBeNull();
    // No identity card is asked of a foreigner: the residence card is theirs.
    expect(checkEligibility({ ...card, identityCardValid: false }, '2022-01-01', SELF_L2)).toBeNull();
  });

  it('an expired (or missing) residence card is refused at any age', () => {
    const expired = person({ nationality: 'Japan', residenceCardValid: false, dateOfBirth: '1980-01-01' });
    expect(checkEligibility(expired, '2026-01-01', SELF_L1)).toBe('NO_RESIDENCE_CARD');
    expect(checkEligibility({ ...expired, residenceCardValid: undefined }, '2026-01-01', SELF_L2)).toBe(
      'NO_RESIDENCE_CARD',
    );
  });

  it('reads the nationality in any form of "Việt Nam" as a citizen', () => {
    for (const n of ['Việt Nam', 'VIET NAM', 'Viet Nam', 'VN', 'vnm', null, '']) expect(isCitizen(n)).toBe(true);
    for (const n of ['Hàn Quốc', 'Japan', 'LA']) expect(isCitizen(n)).toBe(false);
  });
});

describe('the lifecycle refuses with NOT_ELIGIBLE_* codes', () => {
  const at = new Date('2025-03-03T03:00:00Z');
  const ctx = (p: EligibilityPerson): LifecycleContext => ({
    person: { ...p, area: { province: '01', commune: '00004' }, hasChipCard: false },
  });
  const officer = { kind: 'officer', id: 'o1', area: { province: '01' } } as const;
  const l2 = {
    type: 'REGISTER_L2',
    at,
    by: officer,
    personalId: '001215000001',
    phone: '0912345678',
    fingerprintsCaptured: true,
  } as const;

  it('a child of 9 without an identity card, a foreigner without a residence card; a child of 9 with one is PENDING', () => {
    const child = person({ dateOfBirth: '2016-01-01' });
    const code = (p: EligibilityPerson) => {
      const r = apply(null, l2, ctx(p));
      return r.ok ? r.account.status : r.userError.code;
    };
    expect(code({ ...child, identityCardValid: false })).toBe('NOT_ELIGIBLE_NO_IDENTITY_CARD');
    expect(code({ ...child, identityCardValid: true })).toBe('PENDING');
    expect(code({ ...child, nationality: 'Lào' })).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');
    expect(code({ ...child, dateOfBirth: '2020-01-01', identityCardValid: true })).toBe('NOT_ELIGIBLE_TOO_YOUNG');
  });
});
