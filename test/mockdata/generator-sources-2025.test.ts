import { generateAll } from '../../mockdata/generator/generate';
import { EPI_SCHEDULE } from '../../mockdata/generator/health';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';

/**
 * The sources as they are in 2025–2026 in the generated data (docs/domain.md, "The sources since
 * 2025"): social-insurance numbers by the book's opening, electronic-only health-insurance cards
 * by their issue date, vaccinations by the national schedule, treatment episodes.
 */
const all = generateAll({ citizens: 3000, seed: 2025080, rates: { MALFORMED: 0 } });
const people = new Map(all.population.map((d) => [d._id, d]));
const dmyIso = (x: string) => `${x.slice(6, 10)}-${x.slice(3, 5)}-${x.slice(0, 2)}`;
const monthIso = (x: string) => `${x.slice(3, 7)}-${x.slice(0, 2)}-01`;

describe('social-insurance books: the personal ID as number since 1 August 2025', () => {
  const books = all.socialInsurance.filter((b) => people.has(b._id));
  const opened = (b: SoBhxhDoc) => (b.quaTrinh.length ? monthIso(b.quaTrinh[0].tuThang) : dmyIso(b.ngayCapNhat));

  it('a book opened since then is numbered by its holder personal ID', () => {
    const recent = books.filter((b) => opened(b) >= '2025-08-01');
    expect(recent.length).toBeGreaterThan(0);
    // A typed-in wrong number is a MISMATCH defect; every other one is the holder's ID.
    const wrong = recent.filter((b) => b.maSoBhxh !== b._id);
    const truth = new Set(all.defects.filter((d) => d.field === 'socialInsuranceNumber').map((d) => d.recordKey));
    expect(wrong.filter((b) => !truth.has(b._id))).toEqual([]);
  });

  it('an older book keeps its 10-digit number, or is converted (the 10-digit one kept) in a share of those touched since', () => {
    const older = books.filter((b) => opened(b) < '2025-08-01');
    const converted = older.filter((b) => /^\d{12}$/.test(b.maSoBhxh));
    const legacy = older.filter((b) => /^\d{10}$/.test(b.maSoBhxh));
    expect(converted.length + legacy.length).toBe(older.length);
    for (const b of converted) expect(b.maSoBhxhCu).toMatch(/^\d{10}$/);
    for (const b of legacy) expect(b.maSoBhxhCu).toBeUndefined();
    // Only books touched since 1 August 2025 are converted, and not all of them.
    expect(converted.every((b) => dmyIso(b.ngayCapNhat) >= '2025-08-01')).toBe(true);
    const touched = older.filter((b) => dmyIso(b.ngayCapNhat) >= '2025-08-01').length;
    expect(converted.length / touched).toBeGreaterThan(0.45);
    expect(converted.length / touched).toBeLessThan(0.75);
  });

  it('a few converted books are still filed under their older number (OLD_ID_KEY ground truth)', () => {
    const filed = all.socialInsurance.filter((b) => /^\d{10}$/.test(b._id));
    for (const b of filed) {
      expect(b.maSoBhxhCu).toBe(b._id);
      expect(people.has(b.maSoBhxh)).toBe(true);
      expect(all.defects.some((d) => d._id === `socialInsurance:${b._id}:OLD_ID_KEY:`)).toBe(true);
    }
  });
});

describe('health-insurance cards: electronic when issued since 1 June 2025, paper by exception', () => {
  it('every card has an issue date; before 1 June 2025 paper, since mostly electronic, a few paper', () => {
    const cards = all.healthInsurance;
    const since = cards.filter((c) => dmyIso(c.NGAY_CAP!) >= '2025-06-01');
    for (const c of cards) {
      expect(c.NGAY_CAP).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      if (dmyIso(c.NGAY_CAP!) < '2025-06-01') expect(c.HINH_THUC_THE).toBe('GIAY');
    }
    const paper = since.filter((c) => c.HINH_THUC_THE === 'GIAY').length;
    expect(since.length / cards.length).toBeGreaterThan(0.5);
    expect(paper).toBeGreaterThan(0);
    expect(paper / since.length).toBeLessThan(0.1);
    expect(cards.length - since.length).toBeGreaterThan(0);
  });

  it('a child born since 1 August 2025 is registered under the personal ID', () => {
    const babies = all.healthInsurance.filter((c) => people.has(c._id) && dmyIso(c.NGAY_SINH) >= '2025-08-01');
    for (const c of babies) expect(c.MA_SO_BHXH).toBe(c._id);
  });
});

describe('the health book: vaccinations by the national schedule, treatment episodes', () => {
  const books = all.healthRecord.filter((b) => people.has(b._id));

  it('a child born since 2010 has the expanded programme vaccines at or after their scheduled age only', () => {
    const age = new Map(EPI_SCHEDULE.map(([v, dose, at]) => [`${v}#${dose}`, at]));
    let children = 0;
    for (const b of books) {
      // The population's date of birth (a MISMATCH defect may have changed the book's copy).
      const born = people.get(b._id)!.ngaySinh;
      if (born < '2010-01-01') continue;
      children++;
      const birth = Date.parse(born);
      for (const i of b.immunizations) {
        const at = age.get(`${i.vaccine}#${i.dose}`);
        if (at === undefined) continue; // the COVID-19 campaign, a mother's pregnancy tetanus doses
        expect((Date.parse(i.date) - birth) / 86_400_000).toBeGreaterThanOrEqual(at);
      }
    }
    expect(children).toBeGreaterThan(0);
  });

  it('a mother has the pregnancy tetanus doses before a child born since 2010 (most mothers), in date order', () => {
    let mothers = 0;
    let vaccinated = 0;
    for (const b of books) {
      const person = people.get(b._id)!;
      const dates = b.immunizations.map((i) => i.date);
      expect([...dates].sort()).toEqual(dates);
      if (person.gioiTinh !== 'Nữ') {
        expect(b.immunizations.some((i) => i.vaccine.startsWith('Uốn ván (VAT'))).toBe(false);
        continue;
      }
      const children = all.population.filter(
        (c) => c.me?.soDinhDanh === person._id && c.ngaySinh >= '2010-01-01' && c.ngaySinh < '2026-11-01',
      );
      if (children.length === 0) continue;
      mothers++;
      const vat = b.immunizations.filter((i) => i.vaccine.startsWith('Uốn ván (VAT'));
      if (vat.length > 0) vaccinated++;
      for (const v of vat) expect(children.some((c) => v.date < c.ngaySinh)).toBe(true);
    }
    expect(mothers).toBeGreaterThan(0);
    expect(vaccinated / mothers).toBeGreaterThan(0.6);
  });

  it('episodes: at most five, newest first, an ongoing one without end and outcome, a few per hundred books', () => {
    const withEpisodes = books.filter((b) => (b.episodes ?? []).length > 0);
    expect(withEpisodes.length / books.length).toBeGreaterThan(0.05);
    expect(withEpisodes.length / books.length).toBeLessThan(0.8);
    for (const b of books) {
      const eps = b.episodes!;
      expect(eps.length).toBeLessThanOrEqual(5);
      for (let i = 1; i < eps.length; i++) expect(eps[i - 1].start >= eps[i].start).toBe(true);
      for (const e of eps) {
        expect(e.end === null).toBe(e.outcome === null);
        if (e.end !== null) expect(e.end >= e.start).toBe(true);
        expect(e.diagnoses.length).toBeGreaterThan(0);
      }
    }
    const kinds = new Set(withEpisodes.flatMap((b) => b.episodes!.map((e) => e.kind)));
    expect([...kinds].sort()).toEqual(['day-care', 'inpatient', 'outpatient']);
  });
});
