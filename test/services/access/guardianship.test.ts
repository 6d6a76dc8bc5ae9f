/**
 * The guardianship rule (services/access/guardianship.ts), pure: the capacity read from the
 * population record, the day the guardianship ends, and the age edge (the day before / of the
 * 14th birthday, 29 February).
 */
import type { CitizenRecord } from '../../../connectors/population/connector';
import { guardianCapacity, guardianRefusal, guardianshipEndsOn } from '../../../services/access/guardianship';

const person = (personalId: string, extra: Record<string, unknown> = {}): CitizenRecord =>
  ({
    personalId,
    vitalStatus: 'ALIVE',
    dateOfBirth: '2012-02-29',
    family: { father: null, mother: null, spouse: null, dependants: [] },
    ...extra,
  }) as unknown as CitizenRecord;

const ACTIVE_L2 = { level: 2 as const, status: 'ACTIVE' as const };

describe('guardianship', () => {
  const child = person('001212000001', {
    family: { father: { personalId: '001080000001' }, mother: null, spouse: null, dependants: [] },
  });
  const father = person('001080000001', { dateOfBirth: '1980-01-01' });
  const guardian = person('001070000002', {
    dateOfBirth: '1970-01-01',
    family: { dependants: [{ personalId: child.personalId, relationship: 'WARD' }] },
  });

  it('reads the capacity from either record', () => {
    expect(guardianCapacity(father, child)).toBe('PARENT');
    expect(guardianCapacity(guardian, child)).toBe('LEGAL_GUARDIAN');
    expect(guardianCapacity(person('001070000003'), child)).toBeNull();
  });

  it('ends on the 14th birthday; born on 29 February: 1 March of a common year', () => {
    expect(guardianshipEndsOn('2012-02-29')).toBe('2026-03-01');
    expect(guardianshipEndsOn('2012-06-15')).toBe('2026-06-15');
    expect(guardianshipEndsOn('2016-02-29')).toBe('2030-03-01');
    expect(guardianshipEndsOn('2000-02-29')).toBe('2014-03-01');
    expect(guardianshipEndsOn(null)).toBeNull();
    expect(guardianRefusal(ACTIVE_L2, father, child, '2026-02-28')).toBeNull();
    expect(guardianRefusal(ACTIVE_L2, father, child, '2026-03-01')).toBe('GUARDIANSHIP_ENDED');
  });

  it('needs an ACTIVE Level 2 account and a living guardian', () => {
    expect(guardianRefusal({ level: 1, status: 'ACTIVE' }, father, child, '2025-01-01')).toBe(
      'GUARDIAN_LEVEL_2_REQUIRED',
    );
    expect(guardianRefusal({ level: 2, status: 'LOCKED' }, father, child, '2025-01-01')).toBe(
      'GUARDIAN_LEVEL_2_REQUIRED',
    );
    expect(guardianRefusal(ACTIVE_L2, { ...father, vitalStatus: 'DECEASED' }, child, '2025-01-01')).toBe(
      'NOT_GUARDIAN',
    );
    expect(guardianRefusal(ACTIVE_L2, father, { ...child, dateOfBirth: null }, '2025-01-01')).toBe(
      'GUARDIANSHIP_ENDED',
    );
  });

  it('ends with the child’s death; a stranger is told NOT_GUARDIAN all the same', () => {
    const dead = { ...child, vitalStatus: 'DECEASED' as const };
    expect(guardianRefusal(ACTIVE_L2, father, dead, '2025-01-01')).toBe('GUARDIANSHIP_ENDED');
    expect(guardianRefusal(ACTIVE_L2, person('001070000003'), dead, '2025-01-01')).toBe('NOT_GUARDIAN');
  });
});
