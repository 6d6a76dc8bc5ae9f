/**
 * Reading a source's record field by field, so that one unreadable field never costs the rest of
 * the record. A field that cannot be read (the same notion of "readable" as the reconciliation's
 * MALFORMED findings: `textProblem`, `codeProblem`, `objectProblem`, `readSex` in identity.ts,
 * `readDate` in dates.ts) is null in the hub's record, and the object holding it remembers why
 * under {@link UNREADABLE}; when the API resolves that field, `withUnreadableFields` (hub/schema)
 * answers it with a SOURCE_DATA_INVALID error at the field's path instead of the null.
 * The value itself is never kept or echoed.
 */
import { types } from 'node:util';
import type { SourceName } from './sources';
import { SourceDataInvalidError } from '../lib/errors';
import { readDate } from '../lib/dates';
import { CODE_MAX, NAME_MAX, codeProblem, objectProblem, textProblem, type Problem } from './identity';

/** Why a field of a hub record is null: the source, its own field, the problem. */
export interface Unreadable {
  source: SourceName;
  field: string;
  problem: Problem;
}

/** Key of the unreadable fields of a hub record's object, by API field name. */
export const UNREADABLE = Symbol('unreadable');

type Marked = { [UNREADABLE]?: Record<string, Unreadable> };

/** Why `obj[field]` is null, or undefined when it was read (or is legitimately null). */
export function unreadableOf(obj: unknown, field: string): Unreadable | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  return (obj as Marked)[UNREADABLE]?.[field];
}

/** The API's error for an unreadable field. */
export function unreadableError(u: Unreadable): SourceDataInvalidError {
  return new SourceDataInvalidError(u.source, u.field, u.problem);
}

/** True when a value is a plain sub-document. */
export const isObject = (v: unknown): v is Record<string, unknown> => objectProblem(v) === null;

/** Why `v` is not an array of sub-documents / of readable values, or null. */
function listProblem(v: unknown): Problem | null {
  if (v === undefined) return 'MISSING';
  if (v === null) return 'NULL';
  return Array.isArray(v) ? null : 'WRONG_TYPE';
}

/**
 * Reads one source's record. Each method reads a raw value into `out[key]` (the hub record's
 * object being built) and returns it, or marks `out[key]` unreadable and returns null.
 */
export class FieldReader {
  constructor(readonly source: SourceName) {}

  /** Marks `out[key]` unreadable: the source's `field`, and why. Returns null. */
  fail(out: object, key: string, field: string, problem: Problem): null {
    const o = out as Marked;
    if (!o[UNREADABLE]) Object.defineProperty(o, UNREADABLE, { value: {}, enumerable: false });
    o[UNREADABLE]![key] = { source: this.source, field, problem };
    return null;
  }

  /** Marks `out[key]` unreadable for the same reason as `from[fromKey]` (a value derived from it). */
  same(out: object, key: string, from: object, fromKey: string): void {
    const u = unreadableOf(from, fromKey);
    if (u) this.fail(out, key, u.field, u.problem);
  }

  /** A text (a name at most {@link NAME_MAX} long, or a code/number with `max` {@link CODE_MAX}), NFC. */
  text(out: object, key: string, v: unknown, field: string, max = NAME_MAX): string | null {
    const p = textProblem(v, max);
    return p ? this.fail(out, key, field, p) : (v as string).normalize('NFC');
  }

  /** An optional text: absent or null is null (not an error). */
  optText(out: object, key: string, v: unknown, field: string, max = NAME_MAX): string | null {
    return v === undefined || v === null ? null : this.text(out, key, v, field, max);
  }

  /** A code: one of `table`'s keys, given as its value. */
  code<T>(out: object, key: string, v: unknown, field: string, table: Readonly<Record<string, T>>): T | null {
    const p = codeProblem(v, Object.keys(table));
    return p ? this.fail(out, key, field, p) : table[v as string];
  }

  /** A calendar date in any form an agency uses (`readDate`), as "YYYY-MM-DD". */
  date(out: object, key: string, v: unknown, field: string): string | null {
    const p = textProblem(v, CODE_MAX);
    if (p) return this.fail(out, key, field, p);
    return readDate(v as string)?.iso ?? this.fail(out, key, field, 'BAD_FORMAT');
  }

  /** An optional date: absent or null is null (not an error). */
  optDate(out: object, key: string, v: unknown, field: string): string | null {
    return v === undefined || v === null ? null : this.date(out, key, v, field);
  }

  /** A value read by `parse` (which throws or returns null when it cannot), e.g. a month "MM/yyyy". */
  parsed<T>(out: object, key: string, v: unknown, field: string, parse: (s: string) => T | null): T | null {
    const p = textProblem(v, CODE_MAX);
    if (p) return this.fail(out, key, field, p);
    let r: T | null;
    try {
      r = parse(v as string);
    } catch {
      r = null;
    }
    return r ?? this.fail(out, key, field, 'BAD_FORMAT');
  }

  /** A finite number within [min, max] (an integer when `integer`). */
  number(out: object, key: string, v: unknown, field: string, min: number, max: number, integer = true): number | null {
    if (v === undefined) return this.fail(out, key, field, 'MISSING');
    if (v === null) return this.fail(out, key, field, 'NULL');
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
      return this.fail(out, key, field, 'WRONG_TYPE');
    return v < min || v > max ? this.fail(out, key, field, 'BAD_FORMAT') : v;
  }

  /** An optional instant stored as a BSON date: absent or null is null (not an error). */
  optInstant(out: object, key: string, v: unknown, field: string): Date | null {
    if (v === undefined || v === null) return null;
    // util.types.isDate: a Date from any realm (the driver's, a test's).
    return types.isDate(v) && !Number.isNaN(v.getTime()) ? v : this.fail(out, key, field, 'WRONG_TYPE');
  }

  /** A sub-document read by `map`, or null when it is not an object. */
  object<T>(out: object, key: string, v: unknown, field: string, map: (o: Record<string, unknown>) => T): T | null {
    const p = objectProblem(v);
    return p ? this.fail(out, key, field, p) : map(v as Record<string, unknown>);
  }

  /** An optional sub-document: absent or null is null (not an error). */
  optObject<T>(out: object, key: string, v: unknown, field: string, map: (o: Record<string, unknown>) => T): T | null {
    return v === undefined || v === null ? null : this.object(out, key, v, field, map);
  }

  /**
   * A list of sub-documents, each read by `map` (its own fields may be unreadable). When the list
   * is not an array, or one of its entries is not a sub-document, the whole list is unreadable
   * (the field `field.i`): a list with a hole would read as complete.
   */
  list<T>(
    out: object,
    key: string,
    v: unknown,
    field: string,
    map: (o: Record<string, unknown>, i: number) => T,
  ): T[] | null {
    const p = listProblem(v);
    if (p) return this.fail(out, key, field, p);
    const arr = v as unknown[];
    for (let i = 0; i < arr.length; i++) {
      const ip = objectProblem(arr[i]);
      if (ip) return this.fail(out, key, `${field}.${i}`, ip);
    }
    return arr.map((o, i) => map(o as Record<string, unknown>, i));
  }

  /** A list of texts; unreadable as a whole when one entry is (see {@link list}). */
  textList(out: object, key: string, v: unknown, field: string, max = NAME_MAX): string[] | null {
    const p = listProblem(v);
    if (p) return this.fail(out, key, field, p);
    const arr = v as unknown[];
    for (let i = 0; i < arr.length; i++) {
      const ip = textProblem(arr[i], max);
      if (ip) return this.fail(out, key, `${field}.${i}`, ip);
    }
    return arr.map((s) => (s as string).normalize('NFC'));
  }
}

/**
 * The record's key (`_id`): a document that is not an object, or whose key cannot be read, is
 * not this person's record at all (the caller turns it into UNREADABLE_RECORD).
 */
export function recordOf(d: unknown): Record<string, unknown> & { _id: string } {
  if (!isObject(d)) throw new Error(`the record is not an object (${objectProblem(d)})`);
  const p = textProblem(d._id, CODE_MAX);
  if (p) throw new Error(`the record's _id cannot be read (${p})`);
  return d as Record<string, unknown> & { _id: string };
}
