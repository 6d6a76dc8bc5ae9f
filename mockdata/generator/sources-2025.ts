/**
 * The sources as they are in 2025–2026 (docs/domain.md, "The sources since 2025"), applied to the
 * records the seed modules build: the social-insurance number that became the personal ID on
 * 1 August 2025, health-insurance cards issued electronic only since 1 June 2025, and the health
 * book's treatment episodes. Each function draws from the record's own stream after everything
 * else in it, so the rest of the record is the same as before.
 */
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import type { EhrEpisode, EhrImmunization } from '../../connectors/health-record/model';
import { TODAY, ageOn, day, dmy, isoDate, type Day } from './dates';
import type { DefectRow } from './defects';
import { typoId } from './defects';
import type { Facility, Icd10 } from './health';
import type { Person } from './model';
import type { Registry } from './people';
import type { Rng } from './prng';

const M = Math;

/** From this day the social-insurance number is the personal ID (books opened since, and converted ones). */
export const PERSONAL_ID_NUMBER_FROM: Day = day(2025, 8, 1);
/** From this day health-insurance cards are issued electronic only. */
export const ELECTRONIC_CARD_FROM: Day = day(2025, 6, 1);
/** Shares of cards issued since {@link ELECTRONIC_CARD_FROM} still printed on paper, by exception (mock assumption). */
export const PAPER_SHARE_OLD = 0.2;
export const PAPER_SHARE = 0.02;
/** Share of older books touched since {@link PERSONAL_ID_NUMBER_FROM} that VSS has converted (mock assumption). */
export const CONVERTED_SHARE = 0.6;

function parseDmy(s: string): Day {
  return day(+s.slice(6, 10), +s.slice(3, 5), +s.slice(0, 2));
}

function parseMonth(s: string): Day {
  return day(+s.slice(3, 7), +s.slice(0, 2), 1);
}

/**
 * The social-insurance code VSS gives a person first registered on `registered`: the personal ID
 * from {@link PERSONAL_ID_NUMBER_FROM} (children born since), else a new 10-digit code.
 */
export function firstCode(p: Person, registered: Day, tenDigits: () => string): string {
  return registered >= PERSONAL_ID_NUMBER_FROM ? p.id : tenDigits();
}

/**
 * A book's numbers: opened since 1 August 2025, the personal ID (and the 10-digit code the person
 * already had from a health-insurance card, if any, kept as the older number); opened before,
 * the 10-digit code, converted to the personal ID (the 10-digit one kept) for a share of the books
 * touched since.
 */
export function bookNumbers(doc: SoBhxhDoc, p: Person, r: Rng, had: string | null, code: string): void {
  const opened = doc.quaTrinh.length ? parseMonth(doc.quaTrinh[0].tuThang) : parseDmy(doc.ngayCapNhat);
  const touched = parseDmy(doc.ngayCapNhat);
  const converted = touched >= PERSONAL_ID_NUMBER_FROM && r.chance(CONVERTED_SHARE);
  if (opened >= PERSONAL_ID_NUMBER_FROM) {
    doc.maSoBhxh = p.id;
    if (had && had !== p.id) doc.maSoBhxhCu = had;
  } else if (converted && code !== p.id) {
    doc.maSoBhxh = p.id;
    doc.maSoBhxhCu = code;
  } else doc.maSoBhxh = code;
}

/**
 * MISMATCH on the social-insurance number (a share of the mismatches of books numbered by the
 * personal ID): the number typed one digit off, a personal ID nobody has. Null: another kind of
 * mismatch applies.
 */
export function numberMismatch(doc: SoBhxhDoc, p: Person, r: Rng, reg: Registry): DefectRow | null {
  if (doc.maSoBhxh !== p.id || !r.chance(0.3)) return null;
  doc.maSoBhxh = typoId(r, reg, p.id);
  return {
    source: 'socialInsurance',
    recordKey: doc._id,
    personalId: p.id,
    kind: 'MISMATCH',
    field: 'socialInsuranceNumber',
    sourceValue: doc.maSoBhxh,
    trueValue: p.id,
  };
}

/**
 * OLD_ID_KEY by the older number: a converted book still filed under its 10-digit number (for
 * people with no old CMND to be keyed by). Returns the key, or null.
 */
export function olderNumberKey(doc: SoBhxhDoc): string | null {
  return doc.maSoBhxhCu ?? null;
}

/**
 * A card's issue date and form: issued shortly before its validity starts (a child's first card:
 * shortly after birth); before 1 June 2025 on paper; since, electronic, and printed on paper only
 * by exception (no smartphone for VssID / VNeID, no chip card): a share of the old, a few others.
 */
export function cardIssue(doc: TheBhytDoc, p: Person, r: Rng, firstCard: boolean): void {
  const from = parseDmy(doc.GT_THE_TU);
  const issued = firstCard
    ? M.min(TODAY - 1, p.birth + r.int(3, 30))
    : M.min(TODAY - 1, M.max(p.birth, from - r.int(0, 20)));
  doc.NGAY_CAP = dmy(issued);
  const paperException = r.chance(ageOn(p.birth, issued) >= 75 ? PAPER_SHARE_OLD : PAPER_SHARE);
  doc.HINH_THUC_THE = issued < ELECTRONIC_CARD_FROM || paperException ? 'GIAY' : 'DIEN_TU';
}

/** A visit as the health-book seed keeps it. */
export interface VisitLike {
  date: Day;
  facility: Facility;
  diagnoses: Icd10[];
  treatment: string;
}

const OUTCOMES_DONE: ReadonlyArray<NonNullable<EhrEpisode['outcome']>> = [
  'recovered',
  'recovered',
  'improved',
  'improved',
  'improved',
  'unchanged',
  'transferred',
];

/** The days a treatment text says ("nội trú 5 ngày", "cấp thuốc 30 ngày"), or `dflt`. */
function daysOf(treatment: string, dflt: number): number {
  const m = /(\d+) ngày/.exec(treatment);
  return m ? +m[1] : dflt;
}

/**
 * Treatment episodes, newest first (at most five): the stays and courses the visits imply —
 * inpatient for a birth, an operation or a visit whose treatment was admission; day care for a
 * day's infusion; an outpatient course for some chronic follow-ups (30 days of medicine). An
 * episode that has not ended by today (or the person's death) is ongoing: no end, no outcome.
 */
export function treatmentEpisodes(visits: readonly VisitLike[], p: Person, r: Rng, end: Day): EhrEpisode[] {
  const out: Array<EhrEpisode & { at: Day }> = [];
  for (const v of visits) {
    const code = v.diagnoses[0]?.code;
    let kind: EhrEpisode['kind'] | null = null;
    let days = 1;
    if (code === 'O80' || code === 'K35.8' || v.treatment.startsWith('Nhập viện')) {
      kind = 'inpatient';
      days = code === 'O80' ? 3 : code === 'K35.8' ? r.int(3, 6) : daysOf(v.treatment, 5);
    } else if (v.treatment.startsWith('Truyền dịch')) {
      kind = 'day-care';
    } else if (v.treatment.includes('cấp thuốc 30 ngày') && r.chance(0.4)) {
      kind = 'outpatient';
      days = 30;
    }
    if (!kind) continue;
    const last = v.date + days - 1;
    const ongoing = last >= M.min(TODAY, end);
    const died = p.death !== null && last >= p.death;
    out.push({
      at: v.date,
      kind,
      start: isoDate(v.date),
      end: ongoing && !died ? null : isoDate(M.min(last, end)),
      facility: { code: v.facility.code, name: v.facility.name },
      diagnoses: v.diagnoses.map((d) => ({ code: d.code, display: d.display })),
      outcome: died ? 'died' : ongoing ? null : r.pick(OUTCOMES_DONE),
      summary: v.treatment,
    });
  }
  out.sort((a, b) => b.at - a.at);
  return out.slice(0, 5).map(({ at: _at, ...e }) => e);
}

/** Tetanus for pregnant women (the expanded programme, "uốn ván" VAT): two doses a month apart, the second a month or more before birth. */
const PREGNANCY_TETANUS = 'Uốn ván (VAT, phụ nữ có thai)';
const PREGNANCY_TETANUS_FROM = day(2010, 1, 1);

/**
 * A mother's tetanus doses in each pregnancy (a child of hers born since 2010), merged into her
 * immunisations in date order: the national schedule by age and by condition, beside the
 * children's schedule (EPI_SCHEDULE) and the COVID-19 campaign.
 */
export function withPregnancyTetanus(imms: EhrImmunization[], p: Person, r: Rng, end: Day): EhrImmunization[] {
  if (p.sex !== 'F') return imms;
  const added: EhrImmunization[] = [];
  for (const child of p.household.members) {
    if (child.mother?.person !== p || child.birth < PREGNANCY_TETANUS_FROM || child.birth > end) continue;
    if (!r.chance(0.85)) continue;
    const second = child.birth - r.int(30, 75);
    const first = second - r.int(28, 45);
    for (const [d, dose] of [
      [first, 1],
      [second, 2],
    ] as const)
      if (d < TODAY && d <= end) added.push({ vaccine: PREGNANCY_TETANUS, date: isoDate(d), dose });
  }
  if (added.length === 0) return imms;
  return [...imms, ...added].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
