/**
 * Builds health-insurance cards (BHYT, Vietnam Social Security mock): upper-case
 * snake field names, dates "dd/MM/yyyy", sex 1/2, NFC mixed-case names. Card
 * numbers are the 10-digit social-insurance code (cards since 2021) or the older
 * 15-character form: 2-letter group + benefit level + 2-digit province + code. Cards issued since
 * 1 June 2025 are electronic only (`HINH_THUC_THE`, `NGAY_CAP`; sources-2025.ts).
 */
import {
  ageOn,
  birthday,
  day,
  dmy,
  dmyTime,
  addMonths,
  addYears,
  monthEnd,
  monthStart,
  officeSeconds,
  TODAY,
  yearOf,
  type Day,
} from '../generator/dates';
import { communeStation, hospitalsOf } from '../generator/health';
import type { Person } from '../generator/model';
import { endOf } from '../generator/people';
import type { Rng } from '../generator/prng';
import type { BuildContext, SourceSeed } from '../generator/source';
import { cardIssue } from '../generator/sources-2025';
import {
  HEALTH_INSURANCE_COLLECTION,
  HEALTH_INSURANCE_DB,
  type TheBhytDoc,
} from '../../connectors/health-insurance/model';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Str = String;

export { HEALTH_INSURANCE_COLLECTION, HEALTH_INSURANCE_DB };

type Level = TheBhytDoc['MUC_HUONG'];

/** The participant group (first two letters of old card numbers) and its benefit level. */
function groupOf(p: Person, r: Rng): [string, Level] {
  const age = ageOn(p.birth, endOf(p));
  if (age < 6) return ['TE', 1];
  if (age < 18) return ['HS', 4];
  if (p.work === 'EMPLOYED') {
    if (p.sex === 'M' && r.chance(0.02)) return ['QN', 5];
    return r.chance(0.8) ? ['DN', 4] : ['HC', 4];
  }
  if (p.work === 'RETIRED') return ['HT', 3];
  if (age >= 80) return ['BT', 2];
  if (age <= 22 && r.chance(0.5)) return ['SV', 4];
  const x = r.next();
  if (x < 0.02) return ['CC', 1];
  if (x < 0.08) return ['HN', 2];
  if (x < 0.13) return ['CN', 3];
  if (p.ethnicity !== 'Kinh' && p.ethnicity !== 'Hoa' && x < 0.6) return ['DT', 2];
  return ['GD', 4];
}

function parseDmy(s: string): Day {
  return day(+s.slice(6, 10), +s.slice(3, 5), +s.slice(0, 2));
}

function build(p: Person, r: Rng, ctx: BuildContext): TheBhytDoc {
  const end = endOf(p);
  const [group, level] = groupOf(p, r);
  const code = ctx.bhxhCode(p);
  let from: Day;
  let to: Day;
  if (group === 'TE') {
    from = p.birth;
    to = birthday(p.birth, 6) - 1;
  } else if (p.death === null && r.chance(0.05)) {
    // Not renewed: the last card ran out some time ago.
    to = monthEnd(TODAY - r.int(30, 900));
    from = addMonths(to + 1, -12);
  } else if (['HT', 'BT', 'HN', 'CN', 'CC', 'DT'].includes(group)) {
    const y = yearOf(end);
    from = day(y, 1, 1);
    to = day(y, 12, 31);
  } else {
    from = monthStart(end - r.int(0, 330));
    to = addMonths(from, 12) - 1;
  }
  if (from < p.birth) from = p.birth;
  if (p.death !== null && to > p.death) to = p.death; // the card is closed at death
  if (to < from) to = from;

  const continuousSince = group === 'TE' ? p.birth : M.max(p.birth, from - r.int(0, 20 * 365));
  const five = addYears(continuousSince, 5);
  const ngayDu5Nam = five <= to && ageOn(p.birth, end) >= 6 ? dmy(five) : null;

  const residence = p.temporary && r.chance(0.4) ? p.temporary : p.household.place;
  const facility = r.chance(group === 'TE' ? 0.5 : 0.55)
    ? communeStation(residence.commune.code)
    : r.pick(hospitalsOf(residence.province.code));
  const oldCard = r.chance(0.25);
  const provinceForCard = oldCard ? p.household.place.legacy.oldProvince.code : p.household.place.province.code;
  const updated = M.min(TODAY - 1, M.max(p.birth, from - r.int(0, 25)));
  const doc: TheBhytDoc = {
    _id: p.id,
    HO_TEN: p.fullName,
    NGAY_SINH: dmy(p.birth),
    GIOI_TINH: p.sex === 'M' ? 1 : 2,
    MA_SO_BHXH: code,
    MA_THE: oldCard ? `${group}${level}${provinceForCard}${code}` : code,
    MUC_HUONG: level,
    GT_THE_TU: dmy(from),
    GT_THE_DEN: dmy(to),
    MA_DKBD: facility.code,
    TEN_DKBD: facility.name,
    NGAY_DU_5NAM: ngayDu5Nam,
    NGAY_CAP_NHAT: dmyTime(updated, officeSeconds(r)),
  };
  cardIssue(doc, p, r, group === 'TE');
  return doc;
}

export const healthInsuranceSeed: SourceSeed<TheBhytDoc> = {
  source: 'healthInsurance',
  db: HEALTH_INSURANCE_DB,
  collection: HEALTH_INSURANCE_COLLECTION,
  covers: (_p, r) => r.chance(0.92),
  build,
  upperName: false,
  formatOnly: true,
  conventionalName: (n) => n.normalize('NFC'),
  getName: (d) => d.HO_TEN,
  setName: (d, v) => {
    d.HO_TEN = v;
  },
  getDob: (d) => d.NGAY_SINH,
  setDob: (d, dn) => {
    d.NGAY_SINH = dmy(dn);
  },
  getSex: (d) => Str(d.GIOI_TINH),
  setSex: (d, s) => {
    d.GIOI_TINH = s === 'M' ? 1 : 2;
  },
  makeActive: (d, p, r) => {
    const death = p.death ?? TODAY;
    d.GT_THE_TU = dmy(M.max(p.birth, M.min(monthStart(death), day(2026, 1, 1))));
    d.GT_THE_DEN = dmy(monthEnd(addMonths(TODAY, r.int(1, 14))));
  },
  isDeceasedActive: (d, p) => {
    if (p.death === null) return false;
    const to = parseDmy(d.GT_THE_DEN);
    return to > p.death && to > TODAY;
  },
};
