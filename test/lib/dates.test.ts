import {
  fromDmy,
  fromDmyTimeVn,
  fromIsoDate,
  fromMonthEnd,
  fromMonthStart,
  fromYmdCompact,
  todayInVietnam,
} from '../../lib/dates';

describe('agency date conventions to ISO 8601', () => {
  it('converts each convention', () => {
    expect(fromDmy('05/03/1995')).toBe('1995-03-05');
    expect(fromYmdCompact('19950305')).toBe('1995-03-05');
    expect(fromIsoDate('1995-03-05')).toBe('1995-03-05');
    expect(fromMonthStart('02/2024')).toBe('2024-02-01');
    expect(fromMonthEnd('02/2024')).toBe('2024-02-29');
    expect(fromMonthEnd('02/2023')).toBe('2023-02-28');
  });

  it('reads VSS local times as UTC+7', () => {
    expect(fromDmyTimeVn('01/11/2026 07:00:00').toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('rejects impossible dates instead of passing them on', () => {
    expect(() => fromDmy('31/02/2020')).toThrow(/calendar/);
    expect(() => fromYmdCompact('2020131')).toThrow();
    expect(() => fromIsoDate('2020-00-10')).toThrow();
  });

  it("takes today's date in Vietnam, not UTC", () => {
    expect(todayInVietnam(new Date('2026-11-21T18:30:00Z'))).toBe('2026-11-22');
  });
});
