import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addWorkingDays,
  approvalDeadlineDays,
  CalendarError,
  DEFAULT_CALENDAR as VN,
  isOverdue,
  isWorkingDay,
  loadCalendar,
  loadCalendarFile,
  vietnamDate,
  workingDaysBetween,
} from '../../../services/accounts/calendar';

describe('isWorkingDay', () => {
  it('weekends are not working days, weekdays are', () => {
    expect(isWorkingDay('2026-03-06', VN)).toBe(true); // Friday
    expect(isWorkingDay('2026-03-07', VN)).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-08', VN)).toBe(false); // Sunday
    expect(isWorkingDay('2026-03-09', VN)).toBe(true); // Monday
  });

  it('public holidays are not working days', () => {
    for (const d of [
      '2024-01-01',
      '2025-01-29',
      '2026-02-17',
      '2026-04-30',
      '2026-05-01',
      '2025-09-02',
      '2024-09-03',
    ]) {
      expect([d, isWorkingDay(d, VN)]).toEqual([d, false]);
    }
  });

  it('Giỗ Tổ 2026 falls on Sunday 26/4: Monday 27/4 is the compensatory day off', () => {
    expect(isWorkingDay('2026-04-26', VN)).toBe(false);
    expect(isWorkingDay('2026-04-27', VN)).toBe(false);
    expect(isWorkingDay('2026-04-28', VN)).toBe(true);
  });

  it('a declared compensatory weekend workday (làm bù) is a working day', () => {
    expect(isWorkingDay('2025-04-26', VN)).toBe(true); // Saturday worked for Friday 2/5/2025
    expect(isWorkingDay('2025-05-02', VN)).toBe(false);
    expect(isWorkingDay('2024-05-04', VN)).toBe(true); // Saturday worked for Monday 29/4/2024
    expect(isWorkingDay('2024-04-29', VN)).toBe(false);
  });

  it('a Date instant is read as its date in Vietnam (UTC+7)', () => {
    expect(vietnamDate(new Date('2026-04-29T17:30:00Z'))).toBe('2026-04-30');
    expect(isWorkingDay(new Date('2026-04-29T17:30:00Z'), VN)).toBe(false); // already 30/4 in Vietnam
    expect(isWorkingDay(new Date('2026-04-29T16:59:59Z'), VN)).toBe(true); // 29/4 23:59:59 in Vietnam
    expect(isWorkingDay(new Date('2026-03-06T17:00:00Z'), VN)).toBe(false); // Saturday 00:00 in Vietnam
  });

  it('rejects malformed dates', () => {
    expect(() => isWorkingDay('2026-02-30', VN)).toThrow(RangeError);
    expect(() => isWorkingDay('26-4-2026', VN)).toThrow(RangeError);
    expect(() => isWorkingDay(new Date('nope'), VN)).toThrow(RangeError);
  });
});

describe('addWorkingDays (deadline = n-th working day strictly after receipt)', () => {
  it('received on an ordinary Friday, n = 1 → the next Monday', () => {
    expect(addWorkingDays('2026-03-06', 1, VN)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-04', 1, VN)).toBe('2026-03-05'); // Wednesday → Thursday
  });

  it('Friday 2026-04-24 before Giỗ Tổ (Sunday) and its compensatory Monday, and 30/4–1/5', () => {
    expect(addWorkingDays('2026-04-24', 1, VN)).toBe('2026-04-28');
    expect(addWorkingDays('2026-04-24', 3, VN)).toBe('2026-05-04'); // 28, 29, (30/4, 1/5, weekend), 4/5
    expect(addWorkingDays('2026-04-24', 7, VN)).toBe('2026-05-08');
  });

  it('Friday 2025-01-24 before Tết 2025 (25/1–2/2)', () => {
    expect(addWorkingDays('2025-01-24', 1, VN)).toBe('2025-02-03');
    expect(addWorkingDays('2025-01-24', 3, VN)).toBe('2025-02-05');
    expect(addWorkingDays('2025-01-24', 7, VN)).toBe('2025-02-11');
  });

  it('30/4–1/5 next to a weekend', () => {
    // 2025: 30/4 Wed, 1/5 Thu, 2/5 swapped off, then the weekend.
    expect(addWorkingDays('2025-04-29', 1, VN)).toBe('2025-05-05');
    // 2027: 30/4 Fri, 1/5 Sat → compensatory Monday 3/5.
    expect(addWorkingDays('2027-04-29', 1, VN)).toBe('2027-05-04');
  });

  it('Quốc khánh 2/9 with its adjacent day', () => {
    expect(addWorkingDays('2025-08-29', 1, VN)).toBe('2025-09-03'); // 1/9 + 2/9 off
    expect(addWorkingDays('2024-08-30', 1, VN)).toBe('2024-09-04'); // 2/9 + 3/9 off
  });

  it('received on a holiday or weekend: counting starts from the next working day', () => {
    expect(addWorkingDays('2026-04-30', 1, VN)).toBe('2026-05-04');
    expect(addWorkingDays('2026-02-17', 3, VN)).toBe('2026-02-25'); // mùng 1 Tết 2026
    expect(addWorkingDays('2026-03-07', 1, VN)).toBe('2026-03-09'); // Saturday → Monday
    expect(addWorkingDays('2026-03-08', 3, VN)).toBe('2026-03-11'); // Sunday → Wednesday
  });

  it('a compensatory Saturday counts as a working day', () => {
    expect(addWorkingDays('2025-04-25', 1, VN)).toBe('2025-04-26');
    expect(addWorkingDays('2025-04-25', 3, VN)).toBe('2025-04-29');
    expect(addWorkingDays('2024-05-03', 1, VN)).toBe('2024-05-04');
  });

  it('accepts a Date instant as receipt time (its Vietnamese date)', () => {
    // Friday 23:59 in Vietnam
    expect(addWorkingDays(new Date('2026-03-06T16:59:00Z'), 1, VN)).toBe('2026-03-09');
    // Saturday 00:00 in Vietnam, still the Friday in UTC
    expect(addWorkingDays(new Date('2026-03-06T17:00:00Z'), 1, VN)).toBe('2026-03-09');
    // Thursday 23:30 UTC = Friday 06:30 in Vietnam
    expect(addWorkingDays(new Date('2026-03-05T23:30:00Z'), 1, VN)).toBe('2026-03-09');
  });

  it('n = 0 is the receipt date; negative or fractional n is refused', () => {
    expect(addWorkingDays('2026-03-07', 0, VN)).toBe('2026-03-07');
    expect(() => addWorkingDays('2026-03-06', -1, VN)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-06', 1.5, VN)).toThrow(RangeError);
  });

  it('crosses the year boundary (Tết Dương lịch)', () => {
    expect(addWorkingDays('2026-12-31', 1, VN)).toBe('2027-01-04'); // 1/1/2027 Fri off, weekend
  });
});

describe('workingDaysBetween', () => {
  it('counts working days strictly after from, up to and including to', () => {
    expect(workingDaysBetween('2026-04-24', '2026-05-04', VN)).toBe(3);
    expect(workingDaysBetween('2026-03-06', '2026-03-09', VN)).toBe(1);
    expect(workingDaysBetween('2026-03-06', '2026-03-06', VN)).toBe(0);
    expect(workingDaysBetween('2026-03-09', '2026-03-06', VN)).toBe(0);
  });

  it('is the inverse of addWorkingDays', () => {
    for (let day = 0; day < 800; day += 3) {
      const start = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      for (const n of [1, 3, 7]) {
        expect(workingDaysBetween(start, addWorkingDays(start, n, VN), VN)).toBe(n);
      }
    }
  });
});

describe('isOverdue', () => {
  // Received Friday 2026-04-24, Level 1 (1 working day) → deadline Tuesday 2026-04-28.
  it('is not overdue on the deadline day, overdue the day after', () => {
    expect(isOverdue('2026-04-24', 1, '2026-04-27', VN)).toBe(false);
    expect(isOverdue('2026-04-24', 1, '2026-04-28', VN)).toBe(false);
    expect(isOverdue('2026-04-24', 1, '2026-04-29', VN)).toBe(true);
  });

  it('uses the Vietnamese date of the instant "now"', () => {
    expect(isOverdue('2026-04-24', 1, new Date('2026-04-28T16:59:59Z'), VN)).toBe(false); // 23:59:59 on 28/4
    expect(isOverdue('2026-04-24', 1, new Date('2026-04-28T17:00:00Z'), VN)).toBe(true); // 00:00 on 29/4
  });

  it('Level 2 with no chip card: 7 working days across Tết 2025', () => {
    const days = approvalDeadlineDays({ level: 2, hasChipCard: false });
    expect(isOverdue('2025-01-24', days, '2025-02-11', VN)).toBe(false);
    expect(isOverdue('2025-01-24', days, '2025-02-12', VN)).toBe(true);
  });
});

describe('approvalDeadlineDays', () => {
  it('follows the docs/domain.md table', () => {
    expect(approvalDeadlineDays({ level: 1, hasChipCard: true })).toBe(1);
    expect(approvalDeadlineDays({ level: 2, hasChipCard: true })).toBe(3);
    expect(approvalDeadlineDays({ level: 1, hasChipCard: false })).toBe(7);
    expect(approvalDeadlineDays({ level: 2, hasChipCard: false })).toBe(7);
  });
});

describe('DEFAULT_CALENDAR data', () => {
  const weekday = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

  it.each(['2024', '2025', '2026', '2027'])('%s has the fixed holidays of art. 112', (y) => {
    for (const md of ['01-01', '04-30', '05-01', '09-02']) expect(VN.holidays.has(`${y}-${md}`)).toBe(true);
  });

  it.each(['2024', '2025', '2026', '2027'])('%s gives 11 weekdays off net of làm bù Saturdays (art. 112)', (y) => {
    const off = [...VN.holidays].filter((d) => d.startsWith(y) && weekday(d)).length;
    const worked = [...VN.workdaysOnWeekend].filter((d) => d.startsWith(y)).length;
    expect(off - worked).toBe(11);
  });

  it('has Giỗ Tổ Hùng Vương on 10/3 lunar', () => {
    for (const d of ['2024-04-18', '2025-04-07', '2026-04-26', '2027-04-16']) expect(VN.holidays.has(d)).toBe(true);
  });
});

describe('loadCalendar', () => {
  const good = {
    holidays: { '2026': [{ date: '2026-01-01', name: 'Tết Dương lịch' }] },
    workdaysOnWeekend: ['2026-01-10', { date: '2026-01-11', name: 'làm bù' }],
  };

  it('builds a calendar from a document or its JSON text', () => {
    for (const cal of [loadCalendar(good), loadCalendar(JSON.stringify(good))]) {
      expect(cal.holidays).toEqual(new Set(['2026-01-01']));
      expect(cal.workdaysOnWeekend).toEqual(new Set(['2026-01-10', '2026-01-11']));
      expect(isWorkingDay('2026-01-10', cal)).toBe(true);
      expect(addWorkingDays('2025-12-31', 1, cal)).toBe('2026-01-02');
      expect(addWorkingDays('2026-01-09', 1, cal)).toBe('2026-01-10');
    }
  });

  it('workdaysOnWeekend is optional', () => {
    expect(loadCalendar({ holidays: {} }).workdaysOnWeekend.size).toBe(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['invalid JSON text', '{"holidays": ', /not valid JSON/],
    ['not an object', [], /must be a JSON object/],
    ['missing holidays', { workdaysOnWeekend: [] }, /"holidays" must be an object/],
    ['unknown key', { holidays: {}, extra: 1 }, /unknown key "extra"/],
    ['bad year key', { holidays: { '26': [] } }, /year key/],
    ['year not an array', { holidays: { '2026': {} } }, /holidays.2026 must be an array/],
    [
      'impossible date',
      { holidays: { '2026': [{ date: '2026-02-30', name: 'x' }] } },
      /holidays.2026\[0\].*2026-02-30/,
    ],
    ['unpadded date', { holidays: { '2026': [{ date: '2026-4-30', name: 'x' }] } }, /not a valid date/],
    ['bare string holiday', { holidays: { '2026': ['2026-04-30'] } }, /expected an object/],
    ['missing name', { holidays: { '2026': [{ date: '2026-04-30' }] } }, /"name"/],
    ['bad basis', { holidays: { '2026': [{ date: '2026-04-30', name: 'x', basis: 'guess' }] } }, /"basis"/],
    ['date in another year', { holidays: { '2026': [{ date: '2027-04-30', name: 'x' }] } }, /not in 2026/],
    [
      'duplicate',
      {
        holidays: {
          '2026': [
            { date: '2026-04-30', name: 'x' },
            { date: '2026-04-30', name: 'y' },
          ],
        },
      },
      /duplicate/,
    ],
    ['workday not a weekend', { holidays: {}, workdaysOnWeekend: ['2026-01-09'] }, /not a Saturday or Sunday/],
    ['workday bad date', { holidays: {}, workdaysOnWeekend: ['2026-13-01'] }, /workdaysOnWeekend\[0\]/],
    [
      'workday also a holiday',
      { holidays: { '2026': [{ date: '2026-04-26', name: 'x' }] }, workdaysOnWeekend: ['2026-04-26'] },
      /also listed as a holiday/,
    ],
  ])('rejects %s', (_label, doc, message) => {
    expect(() => loadCalendar(doc)).toThrow(CalendarError);
    expect(() => loadCalendar(doc)).toThrow(message);
  });

  it('loads a replacement file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calendar-'));
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify(good));
    expect(loadCalendarFile(ok).holidays.has('2026-01-01')).toBe(true);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ holidays: { '2026': [{ date: '2026-02-29', name: 'x' }] } }));
    expect(() => loadCalendarFile(bad)).toThrow(/bad\.json: holidays\.2026\[0\]/);
    expect(() => loadCalendarFile(join(dir, 'missing.json'))).toThrow(/cannot read calendar file/);
  });
});
