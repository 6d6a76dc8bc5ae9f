/**
 * What the generator knows of a person beyond the model (model.ts): the last day an agency can
 * see them, their age, their current identity card, and the registries of unique numbers shared
 * by a generation run. Households are drawn in household.ts.
 */
import { TODAY, ageOn, day, type Day } from './dates';
import type { Sex } from './names';
import type { Rng } from './prng';
import type { IdCard, Person } from './model';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const Str = String;

/** The last day a person can be "seen" by an agency: death or today. */
export function endOf(p: Person): Day {
  return p.death ?? TODAY;
}

export function ageAt(p: Person, d: Day): number {
  return ageOn(p.birth, d);
}

export function ageToday(p: Person): number {
  return ageOn(p.birth, TODAY);
}

/** The two-level local government since 1 July 2025. */
export const REFORM_DAY = day(2025, 7, 1);

/** Unique-number registries shared by the whole generation run. */
export class Registry {
  readonly personalIds = new Set<string>();
  readonly cmnds = new Set<string>();
  readonly licenceNos = new Set<string>();
  readonly bhxhCodes = new Set<string>();

  /** 3-digit birth-registration province + sex/century digit + 2-digit year + 6 random digits. */
  personalId(r: Rng, idCode: string, sex: Sex, birthYear: number): string {
    const centuryBase = birthYear >= 2000 ? 2 : 0;
    const prefix = `${idCode}${centuryBase + (sex === 'F' ? 1 : 0)}${Str(birthYear % 100).padStart(2, '0')}`;
    for (;;) {
      const id = prefix + r.digits(6);
      if (!this.personalIds.has(id)) {
        this.personalIds.add(id);
        return id;
      }
    }
  }

  /** Reserves a key so that no later person can take it (orphans, duplicates). */
  reserve(id: string): boolean {
    if (this.personalIds.has(id)) return false;
    this.personalIds.add(id);
    return true;
  }

  cmnd(r: Rng): string {
    for (;;) {
      const n = Str(r.int(0, 3)) + r.digits(8);
      if (!this.cmnds.has(n)) {
        this.cmnds.add(n);
        return n;
      }
    }
  }

  unique(set: Set<string>, make: () => string): string {
    for (;;) {
      const n = make();
      if (!set.has(n)) {
        set.add(n);
        return n;
      }
    }
  }
}

/** The current identity document, if any. */
export function currentCard(p: Person): IdCard | undefined {
  return p.cards.length > 0 ? p.cards[p.cards.length - 1] : undefined;
}

/** True when the current card is a chip card (chip CCCD or the 2024 identity card). */
export function hasChipCard(p: Person): boolean {
  const c = currentCard(p);
  return !!c && (c.loai === 'CCCD_GAN_CHIP' || c.loai === 'THE_CAN_CUOC');
}
