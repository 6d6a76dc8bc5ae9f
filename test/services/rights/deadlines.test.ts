/**
 * The legal deadlines of data-subject requests (services/rights/deadlines.ts) on the built-in
 * holiday calendar (30 April and 1 May 2026 are holidays; Tết 2026 is 16–20 February).
 */
import { DEFAULT_CALENDAR } from '../../../services/accounts/calendar';
import { addDays, endOfVietnamDay, extendedDeadline, requestDeadlines } from '../../../services/rights/deadlines';
import { overdue, type DataRequestDoc } from '../../../services/rights/model';

const vn = (s: string) => new Date(`${s}+07:00`);
const cal = DEFAULT_CALENDAR;

describe('acknowledgement: 2 working days, across holidays', () => {
  it('received Wednesday 29 April 2026: the holidays and the weekend do not count, due end of Tuesday 5 May', () => {
    const { ackDueAt } = requestDeadlines(vn('2026-04-29T10:00:00'), 'CORRECTION', cal, 'calendar');
    expect(ackDueAt).toEqual(endOfVietnamDay('2026-05-05'));
    expect(ackDueAt.toISOString()).toBe('2026-05-05T16:59:59.999Z');
  });

  it('received on a Saturday: counting starts on Monday', () => {
    const { ackDueAt } = requestDeadlines(vn('2026-03-07T09:00:00'), 'ACCESS', cal, 'calendar');
    expect(ackDueAt).toEqual(endOfVietnamDay('2026-03-10'));
  });

  it('the receipt day is the day in Vietnam (17:30 UTC is already the next day)', () => {
    const { ackDueAt } = requestDeadlines(new Date('2026-03-02T17:30:00Z'), 'ACCESS', cal, 'calendar');
    expect(ackDueAt).toEqual(endOfVietnamDay('2026-03-05')); // received Tue 3 March (VN)
  });
});

describe('acting: 15 days, 20 where a client must stop, one extension of 15', () => {
  it('calendar days: 15 after 29 April is Thursday 14 May; 20 (a client must stop) is Tuesday 19 May', () => {
    expect(requestDeadlines(vn('2026-04-29T10:00:00'), 'CORRECTION', cal, 'calendar').actDueAt).toEqual(
      endOfVietnamDay('2026-05-14'),
    );
    for (const kind of ['OBJECTION', 'RESTRICTION', 'CONSENT_WITHDRAWAL'] as const) {
      expect(requestDeadlines(vn('2026-04-29T10:00:00'), kind, cal, 'calendar').actDueAt).toEqual(
        endOfVietnamDay('2026-05-19'),
      );
    }
  });

  it('a last day on a weekend or holiday moves to the next working day (Civil Code 2015 Art. 148)', () => {
    // 6 Feb + 15 = Saturday 21 Feb; Sunday 22 Feb; Monday 23 Feb is the next working day.
    expect(addDays('2026-02-06', 15, cal, 'calendar')).toBe('2026-02-23');
    // 1 Feb + 15 = 16 Feb, Tết (16–20 Feb), then the weekend.
    expect(addDays('2026-02-01', 15, cal, 'calendar')).toBe('2026-02-23');
  });

  it('working days when so configured', () => {
    // 29 April + 15 working days: 4–8, 11–15, 18–22 May.
    expect(addDays('2026-04-29', 15, cal, 'working')).toBe('2026-05-22');
  });

  it('the extension adds 15 days to the deadline it extends', () => {
    expect(extendedDeadline(endOfVietnamDay('2026-05-14'), cal, 'calendar')).toEqual(endOfVietnamDay('2026-05-29'));
  });
});

describe('overdue', () => {
  const base = requestDeadlines(vn('2026-04-29T10:00:00'), 'CORRECTION', cal, 'calendar');
  const req = (status: DataRequestDoc['status'], extra: Partial<DataRequestDoc> = {}) =>
    ({ status, ...base, ...extra }) as DataRequestDoc;

  it('not acknowledged: on time through the 2nd working day, overdue on the 3rd', () => {
    expect(overdue(req('RECEIVED'), vn('2026-05-05T23:59:00')).acknowledgement).toBe(false);
    expect(overdue(req('RECEIVED'), vn('2026-05-06T00:00:01')).acknowledgement).toBe(true);
    expect(overdue(req('ACKNOWLEDGED'), vn('2026-05-06T00:00:01')).acknowledgement).toBe(false);
  });

  it('open past the deadline to act (the extended one once extended); a closed request never is', () => {
    expect(overdue(req('IN_PROGRESS'), vn('2026-05-15T08:00:00')).action).toBe(true);
    const extended = req('IN_PROGRESS', { extendedDueAt: endOfVietnamDay('2026-05-29') });
    expect(overdue(extended, vn('2026-05-15T08:00:00')).action).toBe(false);
    expect(overdue(req('DONE'), vn('2026-06-15T08:00:00')).action).toBe(false);
  });
});
