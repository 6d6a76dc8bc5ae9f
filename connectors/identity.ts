/**
 * Reading the identity values of any agency's record: whether a value can be read as the
 * agency's shape at all, and the sex whatever its coding. Dates: `readDate` in `dates.ts`.
 * The rules, with examples, are in docs/reconciliation-rules.md.
 */
/** Why a value cannot be read as its agency's shape (reconciliation reports it as a MALFORMED finding's `sourceValue`). */
export type Problem =
  'MISSING' | 'NULL' | 'WRONG_TYPE' | 'EMPTY' | 'OVERSIZED' | 'CONTROL_CHARACTERS' | 'UNKNOWN_CODE' | 'BAD_FORMAT';

/** Longest personal name read (a Vietnamese full name is a few syllables). */
export const NAME_MAX = 100;
/** Longest code, date or key read. */
export const CODE_MAX = 40;

/** C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F), DEL included (tab and newline too: no field holds them). */
const CONTROL = /\p{Cc}/u;
/** What shows nothing: whitespace and invisible characters. */
const BLANK = /^[\s\u00ad\u200b-\u200d\u2060\ufeff]*$/;

/**
 * Why `v` cannot be read as a text field of at most `max` characters, or null when it can:
 * `MISSING` (absent), `NULL`, `WRONG_TYPE` (not a string), `OVERSIZED`, `CONTROL_CHARACTERS`,
 * `EMPTY` (nothing visible).
 */
export function textProblem(v: unknown, max: number): Problem | null {
  if (v === undefined) return 'MISSING';
  if (v === null) return 'NULL';
  if (typeof v !== 'string') return 'WRONG_TYPE';
  if (v.length > max) return 'OVERSIZED';
  if (CONTROL.test(v)) return 'CONTROL_CHARACTERS';
  if (BLANK.test(v)) return 'EMPTY';
  return null;
}

/** Why `v` is not an object (a sub-document), or null. */
export function objectProblem(v: unknown): Problem | null {
  if (v === undefined) return 'MISSING';
  if (v === null) return 'NULL';
  return typeof v === 'object' && !Array.isArray(v) ? null : 'WRONG_TYPE';
}

const SEX_WORDS: Record<string, 'M' | 'F'> = {
  NAM: 'M',
  M: 'M',
  MALE: 'M',
  '1': 'M',
  NU: 'F',
  F: 'F',
  FEMALE: 'F',
  '2': 'F',
};

/**
 * The sex a value says, in any agency's coding ("Nam"/"Nữ", "NAM"/"NU", "M"/"F",
 * "male"/"female", 1/2 as numbers or strings; any case, marks and surrounding spaces), or null
 * when it is not one of them.
 */
export function readSex(v: unknown): 'M' | 'F' | null {
  if (v === 1) return 'M';
  if (v === 2) return 'F';
  if (typeof v !== 'string' || v.length > CODE_MAX) return null;
  const word = v
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toUpperCase();
  return SEX_WORDS[word] ?? null;
}

/** Why a code `v` (one of `allowed`) cannot be read: a text problem, else `UNKNOWN_CODE`; null when allowed. */
export function codeProblem(v: unknown, allowed: readonly unknown[]): Problem | null {
  if (allowed.includes(v)) return null;
  if (typeof v === 'number') return allowed.some((a) => typeof a === 'number') ? 'UNKNOWN_CODE' : 'WRONG_TYPE';
  return textProblem(v, CODE_MAX) ?? 'UNKNOWN_CODE';
}
