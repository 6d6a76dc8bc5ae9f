/**
 * What each source's seed module tells the generator core: whether a person has a
 * record, how to build it in the agency's conventions, and how to read/write the
 * identity fields that defects touch.
 */
import type { SeedDefectDoc, SourceName } from '../seed-meta';
import type { Day } from './dates';
import type { Person } from './model';
import type { Registry } from './people';
import type { Rng } from './prng';
import type { Sex } from './names';

export interface BuildContext {
  reg: Registry;
  /** Allocates (once) the person's 10-digit social-insurance code. */
  bhxhCode(p: Person): string;
}

export interface SourceSeed<D extends { _id: string }> {
  source: SourceName;
  /** Unprefixed database and collection names. */
  db: string;
  collection: string;
  /** Whether the person has a record in this source (drawn with the person's stream for the source). */
  covers(p: Person, r: Rng): boolean;
  /** The person's normal record, keyed by the personal ID. */
  build(p: Person, r: Rng, ctx: BuildContext): D;
  /** The source stores names in upper case (then UPPER_CASE is its convention, not a defect). */
  upperName: boolean;
  /** FORMAT_ONLY defects apply (not in BHXH: upper case without diacritics is its convention). */
  formatOnly: boolean;
  /** The person's full name (NFC) in the source's convention. */
  conventionalName(fullName: string): string;
  getName(d: D): string;
  setName(d: D, v: string): void;
  getDob(d: D): string;
  setDob(d: D, dn: Day): void;
  getSex(d: D): string;
  setSex(d: D, sex: Sex): void;
  /** DECEASED_ACTIVE: keep a deceased person's record valid past death and today. */
  makeActive?(d: D, p: Person, r: Rng): void;
  /** True when the record is still valid although the person is deceased. */
  isDeceasedActive?(d: D, p: Person): boolean;
  /** OLD_ID_KEY for a person with no old CMND: another old key the record may be filed under (sources-2025.ts), or null. */
  olderKey?(d: D): string | null;
  /** MISMATCH of a field of the source's own (sources-2025.ts), applied instead of an identity one; null: none applies. */
  mismatch?(d: D, p: Person, r: Rng, reg: Registry): Omit<SeedDefectDoc, '_id'> | null;
}

/** A source's seed module, whatever its document type (the core handles them alike). */
export type AnySourceSeed = SourceSeed<{ _id: string }>;
