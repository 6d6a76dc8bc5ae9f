/**
 * Reading a source record's values for detection: nothing of a record is assumed present or well
 * typed. A stored `_id` becomes a finding's record key only when it is usable (else a hashed
 * stand-in); a date or sex is read in the source's convention, or in another recognisable coding
 * (`coded`), or not at all (a {@link Problem}); {@link Malformed} collects a record's MALFORMED
 * findings. Pure functions; the rules, with examples, are in docs/reconciliation-rules.md.
 */
import { createHash } from 'node:crypto';
import { readDate, type DateForm } from '../../lib/dates';
import { CODE_MAX, codeProblem, readSex, textProblem } from '../../connectors/identity';
import { compareNames } from './names';
import type { Finding, IdentityField, Problem, SourceName } from './model';

/** A 12-digit personal ID. */
export const PERSONAL_ID = /^\d{12}$/;

/** The findings of a clean record: one shared empty array (never mutated). */
export const NONE: readonly Finding[] = Object.freeze([]);

// ---------------------------------------------------------------------------------------------
// Record keys (a stored `_id` is copied into a finding only when it is usable)

/**
 * The record key of an unusable `_id` (not a string, oversized, with control characters, empty;
 * in the population also any value that is not a 12-digit personal ID): `invalid:` and the first
 * 24 hex digits of the SHA-256 of the raw value (of a non-string: its type and text). The raw
 * value never becomes part of a finding's key, a field name or a response.
 */
export function invalidRecordKey(raw: unknown): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    let shown: string;
    try {
      shown = JSON.stringify(raw) ?? String(raw);
    } catch {
      shown = String(raw);
    }
    text = `\u0000${typeof raw}:${shown}`;
  }
  return `invalid:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 24)}`;
}

/** The problem of a source record's `_id` (null: usable as the record key). */
export function sourceKeyProblem(raw: unknown): Problem | null {
  return typeof raw === 'string' ? textProblem(raw, CODE_MAX) : valueProblem(raw);
}

/** The record key of a source record: its `_id`, or {@link invalidRecordKey} when that is unusable. */
export function sourceRecordKey(raw: unknown): string {
  return sourceKeyProblem(raw) ? invalidRecordKey(raw) : (raw as string);
}

/** The record key of a population record: its personal ID, or {@link invalidRecordKey}. */
export function populationRecordKey(raw: unknown): string {
  return typeof raw === 'string' && PERSONAL_ID.test(raw) ? raw : invalidRecordKey(raw);
}

// ---------------------------------------------------------------------------------------------
// Reading values (nothing is assumed present or well typed)

/** Why a value that should be there is not usable: MISSING, NULL or WRONG_TYPE. */
export function valueProblem(v: unknown): Problem {
  return v === undefined ? 'MISSING' : v === null ? 'NULL' : 'WRONG_TYPE';
}

export interface ReadValue<T> {
  value: T | null;
  problem: Problem | null;
  /** Readable, but not written in the source's convention. */
  coded: boolean;
}

/** A date in the source's convention `form`, or in another recognisable form (`coded`), or a problem. */
export function readDateField(v: unknown, form: DateForm): ReadValue<string> {
  const p = textProblem(v, CODE_MAX);
  if (p) return { value: null, problem: p, coded: false };
  const d = readDate(v as string);
  if (!d) return { value: null, problem: 'BAD_FORMAT', coded: false };
  return { value: d.iso, problem: null, coded: d.form !== form };
}

/** A sex coded `male`/`female` by the source's convention, or otherwise recognisably (`coded`), or a problem. */
export function readSexField(v: unknown, male: unknown, female: unknown): ReadValue<'M' | 'F'> {
  if (v === male) return { value: 'M', problem: null, coded: false };
  if (v === female) return { value: 'F', problem: null, coded: false };
  const sex = readSex(v);
  if (sex) return { value: sex, problem: null, coded: true };
  return { value: null, problem: codeProblem(v, [male, female]), coded: false };
}

/** The same name (names.ts: equal, possibly written in another form); null is no name. */
export function sameName(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && (a === b || compareNames(a, b).equal);
}

/** Collects one record's MALFORMED findings (and FORMAT_ONLY codings of its own values). */
export class Malformed {
  findings: Finding[] | null = null;
  constructor(
    readonly source: SourceName,
    readonly recordKey: string,
    readonly personalId: string | null,
  ) {}

  /** `field` (a dotted path in the source's document) cannot be read (each field once). */
  bad(field: string, problem: Problem): void {
    const out = (this.findings ??= []);
    if (out.some((f) => f.kind === 'MALFORMED' && f.field === field)) return;
    out.push({
      source: this.source,
      recordKey: this.recordKey,
      personalId: this.personalId,
      kind: 'MALFORMED',
      field,
      sourceValue: problem,
    });
  }

  /** An identity value readable but coded otherwise than the source's convention. */
  coded(field: IdentityField, sourceValue: string, trueValue: string): void {
    (this.findings ??= []).push({
      source: this.source,
      recordKey: this.recordKey,
      personalId: this.personalId,
      kind: 'FORMAT_ONLY',
      field,
      variant: 'CODING',
      sourceValue,
      trueValue,
    });
  }
}
