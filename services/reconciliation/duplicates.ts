/**
 * Duplicates in a source: a second record of the same person in the same source is a
 * `DUPLICATE`. The record kept is the one keyed by the personal ID, then by an old CMND, then by
 * a near-miss key; the other is the duplicate, whichever order they arrive in. A record tied to
 * its person only by a near-miss key and alone in its source is mis-keyed: an `ORPHAN` at the
 * end of the run ({@link DuplicateTracker.finish}).
 */
import { OTHER_SOURCES, type Finding, type OtherSource } from './model';
import type { PopulationIndex } from './population-index';

/** How a record is tied to its person, from the weakest to the strongest. */
export const TIE_NEAR_MISS = 1;
export const TIE_OLD_ID = 2;
export const TIE_PERSONAL_ID = 3;
export type Tie = typeof TIE_NEAR_MISS | typeof TIE_OLD_ID | typeof TIE_PERSONAL_ID;

/** One source's part of a {@link DuplicateTracker}. */
export interface DuplicateTrackerSnapshot {
  source: OtherSource;
  /** Persons covered. */
  size: number;
  /** 2 bits per person, 4 persons a byte, base64. */
  plane: string;
  /** [slot, record key] of kept records not keyed by the personal ID. */
  keys: Array<[string, string]>;
}

/**
 * Remembers, per (source, person), the best record seen so far: 2 bits per source in one byte
 * per person, plus the key of kept records not keyed by the personal ID (rare). A second record
 * of the same person is a DUPLICATE; the one kept is the better tied (personal ID > old CMND >
 * near-miss key), so the result does not depend on the order records arrive in. Seeing the same
 * record again (a resumed or repeated run) reports nothing new.
 */
export class DuplicateTracker {
  private ranks = new Uint8Array(1024);
  private readonly keys = new Map<string, string>();

  private static shift(source: OtherSource): number {
    return OTHER_SOURCES.indexOf(source) * 2;
  }

  /** Room for `size` persons (the new ones with no record yet). */
  private grow(size: number): void {
    const grown = new Uint8Array(size);
    grown.set(this.ranks);
    this.ranks = grown;
  }

  /**
   * Records that `recordKey` of `source` belongs to the person in `slot`, tied by `tie`; returns
   * a DUPLICATE finding (on this record or on the one kept so far), if any.
   */
  observe(source: OtherSource, slot: number, recordKey: string, tie: Tie, index: PopulationIndex): Finding | null {
    if (slot >= this.ranks.length) this.grow(Math.max(slot + 1, this.ranks.length * 2));
    const shift = DuplicateTracker.shift(source);
    const byte = this.ranks[slot];
    const cur = (byte >> shift) & 3;
    const personalId = index.idOf(slot);
    if (cur === 0) {
      this.ranks[slot] = byte | (tie << shift);
      if (tie !== TIE_PERSONAL_ID) this.keys.set(`${source}:${slot}`, recordKey);
      return null;
    }
    const k = `${source}:${slot}`;
    const curKey = cur === TIE_PERSONAL_ID ? personalId : this.keys.get(k)!;
    if (curKey === recordKey) return null; // the same record again
    if (tie > cur) {
      // The new record is better tied: the one kept so far is the duplicate.
      this.ranks[slot] = (byte & ~(3 << shift)) | (tie << shift);
      if (tie === TIE_PERSONAL_ID) this.keys.delete(k);
      else this.keys.set(k, recordKey);
      return { source, recordKey: curKey, personalId, kind: 'DUPLICATE' };
    }
    return { source, recordKey, personalId, kind: 'DUPLICATE' };
  }

  /**
   * At the end of a run: records tied to a person only by a near-miss key, with no other record
   * of that person in the source, are not duplicates but mis-keyed: reported as ORPHAN (no
   * person under their key), with the probable person as `personalId`.
   */
  finish(index: PopulationIndex): Finding[] {
    const out: Finding[] = [];
    for (const [k, recordKey] of this.keys) {
      const sep = k.lastIndexOf(':');
      const source = k.slice(0, sep) as OtherSource;
      const slot = Number(k.slice(sep + 1));
      if (((this.ranks[slot] >> DuplicateTracker.shift(source)) & 3) !== TIE_NEAR_MISS) continue;
      out.push({ source, recordKey, personalId: index.idOf(slot), kind: 'ORPHAN' });
    }
    return out;
  }

  /**
   * One source's state, for a run's checkpoint once that source is fully read (slots are stable
   * while the index is built the same way): its 2-bit plane, packed, and its kept records not
   * keyed by the personal ID. Sources are independent, so each is saved and restored alone.
   */
  snapshotSource(source: OtherSource): DuplicateTrackerSnapshot {
    const shift = DuplicateTracker.shift(source);
    const plane = new Uint8Array(Math.ceil(this.ranks.length / 4));
    for (let i = 0; i < this.ranks.length; i++) plane[i >> 2] |= ((this.ranks[i] >> shift) & 3) << ((i & 3) * 2);
    const prefix = `${source}:`;
    const keys: Array<[string, string]> = [];
    for (const [k, v] of this.keys) if (k.startsWith(prefix)) keys.push([k.slice(prefix.length), v]);
    return { source, size: this.ranks.length, plane: Buffer.from(plane).toString('base64'), keys };
  }

  /** Puts back a source's state saved by {@link snapshotSource} (that source's bits are replaced). */
  restoreSource(s: DuplicateTrackerSnapshot): void {
    const shift = DuplicateTracker.shift(s.source);
    if (s.size > this.ranks.length) this.grow(s.size);
    const plane = Buffer.from(s.plane, 'base64');
    for (let i = 0; i < s.size; i++) {
      const bits = (plane[i >> 2] >> ((i & 3) * 2)) & 3;
      this.ranks[i] = (this.ranks[i] & ~(3 << shift)) | (bits << shift);
    }
    for (const [slot, v] of s.keys) this.keys.set(`${s.source}:${slot}`, v);
  }
}
