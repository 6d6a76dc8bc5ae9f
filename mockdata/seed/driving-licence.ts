/**
 * Builds driving-licence records (traffic police GPLX mock): English field names,
 * dates "YYYYMMDD", gender "M"/"F", holder names upper case with diacritics.
 * Classes follow the era: before 2025 A1, A2, B1, B2, C, D, E (Law 2008); from
 * 1 January 2025 A1, A, B, C1, C, D1, D2, D ... (Law on Road Traffic Order and
 * Safety 2024), older classes converted on renewal.
 */
import {
  TODAY,
  addYears,
  ageOn,
  birthday,
  day,
  instant,
  officeSeconds,
  ymdCompact,
  type Day,
} from '../generator/dates';
import type { Person } from '../generator/model';
import { endOf } from '../generator/people';
import type { Rng } from '../generator/prng';
import type { BuildContext, SourceSeed } from '../generator/source';
import { upperVi } from '../generator/text';
import {
  DRIVING_LICENCE_COLLECTION,
  DRIVING_LICENCE_DB,
  type GplxClass,
  type GplxDoc,
} from '../../connectors/driving-licence/model';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;

export { DRIVING_LICENCE_COLLECTION, DRIVING_LICENCE_DB };

const NEW_LAW = day(2025, 1, 1);
const POLICE_ISSUES = day(2025, 3, 1);
const TODAY_COMPACT = ymdCompact(TODAY);

const CLASS_ORDER = [
  'A1',
  'A2',
  'A',
  'B1',
  'B2',
  'B',
  'C1',
  'C',
  'D1',
  'D2',
  'D',
  'E',
  'BE',
  'C1E',
  'CE',
  'D1E',
  'D2E',
  'DE',
  'FB2',
  'FC',
  'FD',
  'FE',
];

/** Expiry of a class issued on `issued` to someone born on `birth`. */
function expiryFor(code: string, issued: Day, birth: Day, male: boolean): Day | null {
  switch (code) {
    case 'A1':
    case 'A2':
    case 'A':
    case 'B1':
      if (code === 'B1' && issued < NEW_LAW) {
        // Old B1 (non-professional, automatic cars): until 55 (women) / 60 (men), 10 years after that age.
        const limit = birthday(birth, male ? 60 : 55);
        return issued < addYears(limit, -10) ? limit : addYears(issued, 10);
      }
      return null;
    case 'B2':
    case 'B':
    case 'C1':
      return addYears(issued, 10);
    default:
      return addYears(issued, 5);
  }
}

function convert(code: string): string {
  switch (code) {
    case 'A2':
      return 'A';
    case 'B1':
    case 'B2':
      return 'B';
    case 'E':
      return 'D';
    case 'FC':
      return 'CE';
    default:
      return code;
  }
}

function licenceClass(code: string, issued: Day, p: Person, r: Rng): GplxClass {
  const end = endOf(p);
  let c = code;
  let iss = issued;
  let exp = expiryFor(c, iss, p.birth, p.sex === 'M');
  // Renewals: most renew a class shortly before it expires.
  for (let g = 0; g < 8 && exp !== null && exp < end && r.chance(0.85); g++) {
    iss = exp - r.int(0, 90);
    if (iss >= NEW_LAW) c = convert(c);
    exp = expiryFor(c, iss, p.birth, p.sex === 'M');
  }
  return { code: c, issued: ymdCompact(iss), expires: exp === null ? null : ymdCompact(exp) };
}

function covers(p: Person, r: Rng): boolean {
  const age = ageOn(p.birth, endOf(p));
  if (age < 18) return false;
  const base = p.sex === 'M' ? 0.6 : 0.31;
  const ageF = age < 25 ? 0.75 : age < 60 ? 1.05 : age < 75 ? 0.75 : 0.35;
  return r.chance(base * ageF);
}

function build(p: Person, r: Rng, ctx: BuildContext): GplxDoc {
  const end = endOf(p);
  const adult = birthday(p.birth, 18);
  const lo = M.max(adult, day(1995, 1, 1));
  const hi = M.max(lo, end - 1);
  const first = M.max(adult, M.min(end - 1, lo + M.floor(M.pow(r.next(), 1.4) * (hi - lo))));
  const classes: GplxClass[] = [];
  const newEra = first >= NEW_LAW;
  const motorbike = r.chance(0.9);
  if (motorbike)
    classes.push(licenceClass(newEra ? (r.chance(0.75) ? 'A1' : 'A') : r.chance(0.94) ? 'A1' : 'A2', first, p, r));
  const carP = p.sex === 'M' ? 0.42 : 0.22;
  if (!motorbike || r.chance(carP)) {
    const carDay = motorbike ? first + r.int(180, 15 * 365) : first;
    if (carDay < end) {
      const carNew = carDay >= NEW_LAW;
      const x = r.next();
      const code = carNew ? (x < 0.9 ? 'B' : 'C1') : x < 0.8 ? 'B2' : x < 0.9 ? 'B1' : 'C';
      classes.push(licenceClass(code, carDay, p, r));
      if ((code === 'C' || code === 'B2') && p.sex === 'M' && r.chance(0.06)) {
        const upDay = carDay + r.int(3 * 365, 8 * 365);
        if (upDay < end) classes.push(licenceClass(upDay >= NEW_LAW ? 'D' : r.chance(0.5) ? 'D' : 'E', upDay, p, r));
      }
    }
  }
  if (classes.length === 0) classes.push(licenceClass('A1', first, p, r));
  classes.sort((a, b) => CLASS_ORDER.indexOf(a.code) - CLASS_ORDER.indexOf(b.code));

  const hhOld = p.household.place.legacy.oldProvince;
  const province = p.household.place.province;
  const issuer =
    first < POLICE_ISSUES
      ? r.chance(0.9)
        ? `Sở GTVT ${hhOld.name}`
        : 'Tổng cục Đường bộ Việt Nam'
      : r.chance(0.85)
        ? `Phòng CSGT Công an ${province.fullName.replace(/^Tỉnh/, 'tỉnh').replace(/^Thành phố/, 'thành phố')}`
        : 'Cục CSGT';
  const prefix = first < NEW_LAW ? hhOld.code : province.code;
  const licenceNo = ctx.reg.unique(ctx.reg.licenceNos, () => prefix + r.digits(10));

  const lastIssue = classes.reduce((mx, c) => (c.issued > mx ? c.issued : mx), '00000000');
  const lastIssueDay = parseCompact(lastIssue);
  // The ID printed on the application: the document current at the last (re)issue.
  const docAtIssue = [...p.cards].reverse().find((c) => c.ngayCap <= lastIssueDay);
  const idNumber = docAtIssue ? docAtIssue.so : p.id;

  let status: GplxDoc['status'] = 'ACTIVE';
  let points = 12;
  if (p.death !== null) {
    status = 'REVOKED';
    points = 0;
  } else {
    const x = r.next();
    if (x < 0.008) {
      status = 'SUSPENDED';
      points = 0;
    } else if (x < 0.011) {
      status = 'REVOKED';
      points = 0;
    } else if (x < 0.3) {
      points = r.int(2, 11);
    }
  }
  const modDay = M.min(TODAY - 1, M.max(lastIssueDay, p.death ?? 0) + r.int(0, 20));
  return {
    _id: p.id,
    holder: { name: upperVi(p.fullName), birth: ymdCompact(p.birth), gender: p.sex, idNumber },
    licenceNo,
    issuer,
    issued: ymdCompact(first),
    classes,
    status,
    points,
    modified: instant(modDay, officeSeconds(r)),
  };
}

function parseCompact(s: string): Day {
  return day(+s.slice(0, 4), +s.slice(4, 6), +s.slice(6, 8));
}

/** A class is valid today when it has no expiry or expires today or later. */
function validToday(c: GplxClass): boolean {
  return c.expires === null || c.expires >= TODAY_COMPACT;
}

export const drivingLicenceSeed: SourceSeed<GplxDoc> = {
  source: 'drivingLicence',
  db: DRIVING_LICENCE_DB,
  collection: DRIVING_LICENCE_COLLECTION,
  covers,
  build,
  upperName: true,
  formatOnly: true,
  conventionalName: (n) => upperVi(n),
  getName: (d) => d.holder.name,
  setName: (d, v) => {
    d.holder.name = v;
  },
  getDob: (d) => d.holder.birth,
  setDob: (d, dn) => {
    d.holder.birth = ymdCompact(dn);
  },
  getSex: (d) => d.holder.gender,
  setSex: (d, s) => {
    d.holder.gender = s;
  },
  makeActive: (d, p, r) => {
    d.status = 'ACTIVE';
    d.points = r.int(8, 12);
    if (!d.classes.some(validToday)) {
      // Renewed shortly before death, so still valid today.
      const c = d.classes[d.classes.length - 1];
      const renew = M.max(parseCompact(c.issued) + 1, (p.death ?? TODAY) - r.int(30, 600));
      c.issued = ymdCompact(renew);
      let exp = addYears(renew, 10);
      if (exp < TODAY) exp = addYears(TODAY, 1);
      c.expires = ymdCompact(exp);
    }
  },
  isDeceasedActive: (d, p) => p.death !== null && d.status === 'ACTIVE' && d.classes.some(validToday),
};
