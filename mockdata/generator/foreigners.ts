/**
 * Foreigners living in Vietnam with a permanent or temporary residence card (thẻ thường trú /
 * thẻ tạm trú), so that the account rules for them (Decree 69/2024 Art. 7, 13) have people to act
 * on. A small share of households (FOREIGN_HOUSEHOLD_RATE) is drawn as a foreign family: every
 * member gets a foreign nationality and name, no Vietnamese identity card, and (most of them) a
 * residence card, some of them expired, some children under 6 none.
 *
 * The draw uses its own stream per household (seed, 'foreign', household number), so the other
 * households, people and records are exactly those of a run without foreigners. Shares and card
 * terms are ours (made up to be plausible: about 0.1 % of Vietnam's population are foreign
 * residents; the card terms follow Law 47/2014/QH13 as amended by Law 51/2019/QH14 as summarised:
 * temporary cards 1 to 10 years, permanent cards renewed every 10 years; not confirmed).
 */
import { TODAY, addYears, addMonths, ageOn, type Day } from './dates';
import type { Household, Person, ResidenceCard } from './model';
import { fullName, type PersonName, type Sex } from './names';
import { Rng, weighted } from './prng';

/** Share of households drawn as foreign families (people: about the same share). */
export const FOREIGN_HOUSEHOLD_RATE = 0.008;
/** Share of foreigners' cards that have expired by the generator's today. */
export const EXPIRED_RESIDENCE_CARD_RATE = 0.12;
/** Share of foreign children under 6 with no card of their own. */
export const UNDER_SIX_WITHOUT_CARD_RATE = 0.4;

interface Nationality {
  name: string;
  surnames: readonly string[];
  /** Given names by sex. */
  given: Readonly<Record<Sex, readonly string[]>>;
  /** Names written given name first (Western order). */
  givenFirst?: boolean;
}

/** Nationalities of foreign residents, roughly by their weight in Vietnam (ours, not a statistic). */
const NATIONALITIES = weighted<Nationality>([
  [
    {
      name: 'Hàn Quốc',
      surnames: ['KIM', 'LEE', 'PARK', 'CHOI', 'JUNG', 'KANG', 'YOON'],
      given: { M: ['MIN JUN', 'JI HOON', 'DONG HYUN', 'JAE WON'], F: ['SEO YEON', 'HA EUN', 'SU BIN', 'JI WOO'] },
    },
    30,
  ],
  [
    {
      name: 'Trung Quốc',
      surnames: ['WANG', 'LI', 'ZHANG', 'LIU', 'CHEN', 'YANG', 'HUANG'],
      given: { M: ['WEI', 'JUN', 'HAO', 'MING'], F: ['FANG', 'XIU YING', 'LI NA', 'JING'] },
    },
    25,
  ],
  [
    {
      name: 'Nhật Bản',
      surnames: ['SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA', 'WATANABE', 'ITO'],
      given: { M: ['HIROSHI', 'KENJI', 'TAKUMI'], F: ['YUKI', 'AYAKA', 'HARUKA'] },
    },
    12,
  ],
  [
    {
      name: 'Đài Loan (Trung Quốc)',
      surnames: ['CHEN', 'LIN', 'HUANG', 'CHANG', 'LEE', 'WU'],
      given: { M: ['CHIH WEI', 'CHIA HAO', 'KUAN LIN'], F: ['YU TING', 'SHU FEN', 'YI CHEN'] },
    },
    10,
  ],
  [
    {
      name: 'Hoa Kỳ',
      surnames: ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'MILLER', 'DAVIS'],
      given: { M: ['JOHN', 'MICHAEL', 'DAVID'], F: ['MARY', 'SARAH', 'EMILY'] },
      givenFirst: true,
    },
    6,
  ],
  [
    {
      name: 'Pháp',
      surnames: ['MARTIN', 'BERNARD', 'DUBOIS', 'THOMAS', 'ROBERT', 'PETIT'],
      given: { M: ['PIERRE', 'JEAN', 'LUCAS'], F: ['MARIE', 'CAMILLE', 'CHLOE'] },
      givenFirst: true,
    },
    4,
  ],
  [
    {
      name: 'Ấn Độ',
      surnames: ['SHARMA', 'PATEL', 'SINGH', 'KUMAR', 'GUPTA'],
      given: { M: ['RAHUL', 'AMIT', 'VIKRAM'], F: ['PRIYA', 'ANANYA', 'DIVYA'] },
      givenFirst: true,
    },
    4,
  ],
  [
    {
      name: 'Úc',
      surnames: ['WILSON', 'TAYLOR', 'ANDERSON', 'WHITE', 'HARRIS'],
      given: { M: ['JACK', 'WILLIAM', 'NOAH'], F: ['OLIVIA', 'CHARLOTTE', 'GRACE'] },
      givenFirst: true,
    },
    3,
  ],
  [
    {
      name: 'Thái Lan',
      surnames: ['SRISAI', 'WONGSA', 'CHAIYAPORN', 'SUKSAWAT'],
      given: { M: ['SOMCHAI', 'ANUCHA'], F: ['MALEE', 'SUDA'] },
    },
    3,
  ],
  [
    {
      name: 'Philippines',
      surnames: ['SANTOS', 'REYES', 'CRUZ', 'BAUTISTA', 'GARCIA'],
      given: { M: ['JOSE', 'MARK', 'PAOLO'], F: ['MARIA', 'ANGELICA', 'JOY'] },
      givenFirst: true,
    },
    3,
  ],
]);

/** Whether the household (by its number) is drawn as a foreign family. */
export function isForeignHousehold(seed: number, hh: Household): boolean {
  return new Rng(seed, 'foreign', hh.no).chance(FOREIGN_HOUSEHOLD_RATE);
}

function foreignName(r: Rng, n: Nationality, surname: string, sex: Sex): PersonName {
  const given = r.pick(n.given[sex]);
  return n.givenFirst ? { surname: given, middle: '', given: surname } : { surname, middle: '', given };
}

/** A residence card valid on some day near today, or expired by it. */
function residenceCard(r: Rng, p: Person, numbers: Set<string>): ResidenceCard {
  const age = ageOn(p.birth, TODAY);
  const permanent = age >= 18 && r.chance(0.2);
  const years = permanent ? 10 : r.pick([1, 2, 2, 3, 5, 5, 10]);
  const expired = r.chance(EXPIRED_RESIDENCE_CARD_RATE);
  // Valid: expiry from next month to the end of its term; expired: 1 to 18 months ago.
  const expiry = expired ? addMonths(TODAY, -r.int(1, 18)) - r.int(0, 27) : addMonths(TODAY, r.int(1, years * 12));
  let issued = addYears(expiry, -years) + 1;
  if (issued < p.birth) issued = p.birth + r.int(30, 400);
  if (issued > TODAY) issued = TODAY - r.int(1, 30);
  let so: string;
  do so = (permanent ? 'TT' : 'TR') + r.digits(7);
  while (numbers.has(so));
  numbers.add(so);
  return {
    loai: permanent ? 'THUONG_TRU' : 'TAM_TRU',
    so,
    ngayCap: issued,
    ngayHetHan: expiry,
    noiCap: r.chance(0.5)
      ? 'Cục Quản lý xuất nhập cảnh'
      : `Phòng Quản lý xuất nhập cảnh, Công an ${p.household.place.province.name}`,
  };
}

/**
 * Makes the household a foreign family: nationality and names (the household's own surname), no
 * Vietnamese identity documents, a residence card for each member (none for some under 6).
 */
export function makeForeign(seed: number, hh: Household, numbers: Set<string>): void {
  const r = new Rng(seed, 'foreign-family', hh.no);
  const nat = r.pickW(NATIONALITIES);
  const surname = r.pick(nat.surnames);
  for (const p of hh.members) {
    const rp = new Rng(seed, 'foreigner', p.id);
    p.nationality = nat.name;
    // A spouse keeps their own family name.
    p.name = foreignName(rp, nat, p === hh.head || p.relation === 'Con' ? surname : rp.pick(nat.surnames), p.sex);
    p.fullName = fullName(p.name);
    p.ethnicity = 'Nước ngoài';
    p.cards = [];
    p.cmnd = null;
    p.expiredCard = false;
    p.lateRenewalEligible = false;
    const age = ageOn(p.birth, TODAY);
    const withoutCard = age < 6 && rp.chance(UNDER_SIX_WITHOUT_CARD_RATE);
    if (!withoutCard && p.death === null) p.residenceCard = residenceCard(rp, p, numbers);
  }
  // Relatives' names as written on each record follow the members' new names.
  // Parents outside the household are written as foreigners too.
  for (const p of hh.members) {
    for (const [rel, sex] of [
      [p.father, 'M'],
      [p.mother, 'F'],
    ] as const) {
      if (rel) rel.name = rel.person ? rel.person.fullName : fullName(foreignName(r, nat, r.pick(nat.surnames), sex));
    }
  }
}

/** Whether the person's residence card is valid on `d` (issued by then, through its expiry day). */
export function residenceCardValid(p: Person, d: Day = TODAY): boolean {
  const c = p.residenceCard;
  return !!c && c.ngayCap <= d && c.ngayHetHan >= d;
}
