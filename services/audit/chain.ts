import { createHash } from 'node:crypto';

/**
 * Hash chain of audit records: pure functions, no I/O.
 *
 * Each record's `hash` is the hex SHA-256 of `prevHash + "\n" + canonicalJSON(record
 * without hash)`. The canonical JSON sorts object keys, writes Dates as ISO strings and
 * omits `undefined` members, so a record hashes the same before it is written and after
 * it is read back from the store (BSON keeps Dates at millisecond precision, as JS does).
 */

/** Digits of the zero-padded sequence number in an audit record `_id`. */
export const SEQ_DIGITS = 12;

/** Allowed chain ids: they are part of `_id`s and tail-pointer ids. */
export const CHAIN_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** `_id` of record `seq` of `chain`: `${chain}:${seq padded to 12 digits}`. */
export function auditRecordId(chain: string, seq: number): string {
  return `${chain}:${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** Inverse of {@link auditRecordId}; null when `id` is not of that form. */
export function parseAuditRecordId(id: unknown): { chain: string; seq: number } | null {
  if (typeof id !== 'string') return null;
  const i = id.lastIndexOf(':');
  if (i <= 0) return null;
  const digits = id.slice(i + 1);
  if (digits.length !== SEQ_DIGITS || !/^\d+$/.test(digits)) return null;
  return { chain: id.slice(0, i), seq: Number(digits) };
}

/**
 * Deterministic JSON: object keys sorted (code-unit order), Dates as ISO strings,
 * `undefined` object members omitted (and `undefined` array items written as null, as
 * JSON.stringify does). Throws on values that have no stable JSON form (non-finite
 * numbers, bigint, functions, symbols, invalid Dates, cycles).
 */
export function canonicalJSON(value: unknown): string {
  return write(value, 0);
}

/** Deeper than this is refused: a cycle, or no audit record (theirs are a few levels deep). */
const MAX_DEPTH = 64;

function write(v: unknown, depth: number): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`canonicalJSON: non-finite number ${v}`);
      return JSON.stringify(v);
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJSON: unsupported ${typeof v}`);
  }
  const obj = v;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) throw new TypeError('canonicalJSON: invalid Date');
    return JSON.stringify(obj.toISOString());
  }
  // A depth bound instead of a set of the objects on the path: the same refusal of cycles, without
  // a set operation per object (this runs for every audit record, on the request path).
  if (depth >= MAX_DEPTH) throw new TypeError(`canonicalJSON: a cycle, or nested deeper than ${MAX_DEPTH}`);
  if (Array.isArray(obj)) {
    let out = '[';
    for (let i = 0; i < obj.length; i++) out += (i ? ',' : '') + write(obj[i], depth + 1);
    return out + ']';
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write((toJSON as () => unknown).call(obj), depth + 1);
  const rec = obj as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of Object.keys(rec).sort()) {
    const x = rec[k];
    if (x === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + write(x, depth + 1);
    first = false;
  }
  return out + '}';
}

/**
 * Hash of a record: hex sha256 over `prevHash + "\n" + canonicalJSON(record)`. A `hash`
 * member of `record`, if present, is ignored (the hash never covers itself).
 */
export function hashRecord(prevHash: string, record: object): string {
  let body: object = record;
  if ('hash' in record) {
    const { hash: _ignored, ...rest } = record as Record<string, unknown>;
    void _ignored;
    body = rest;
  }
  return hashCanonical(prevHash, canonicalJSON(body));
}

/** {@link hashRecord} of a record whose canonical JSON (without `hash`) is already made. */
export function hashCanonical(prevHash: string, canonical: string): string {
  return createHash('sha256')
    .update(prevHash + '\n' + canonical, 'utf8')
    .digest('hex');
}

/**
 * A deep copy without `undefined` object members (arrays keep their length, undefined
 * items become null), keeping Dates. Audit records are normalised with it before they
 * are hashed and written, so what is stored is exactly what was hashed (the driver
 * would otherwise store `undefined` as null).
 */
export function stripUndefined<T>(value: T): T {
  if (value === undefined) return null as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return (value as unknown[]).map((x) => (x === undefined ? null : stripUndefined(x))) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
    if (x !== undefined) out[k] = stripUndefined(x);
  }
  return out as T;
}
