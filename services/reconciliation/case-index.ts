/**
 * The case index (`reconCaseIndex`, `_id` = {@link areaId}: `<province>|<commune>`, `-` where
 * unknown): per area, one small entry per case under `m.<encoded key>`: `k` = `<source>|<kind>`,
 * `r` = the start (ms) of the latest run that saw the finding (`$max`, so overlapping runs never
 * move it back), `h` = the finding's content hash as last written (a run writes a finding only
 * when it differs: see run-writer.ts), `s` = the status when not OPEN, `a` = the assignee; and
 * `runs.t<start ms>` = the id of the run that started then (a case's `lastSeenRunId`).
 *
 * Queries read the index documents of the area (a few `_id` reads: the embedded store pushes
 * down no other filter) and then the page's cases by `_id`. All index writes go through one
 * `SerialWriter` (one write in flight per document, coalesced); the case document is the
 * authority, the index entry its copy. This file: the keys, the documents an area covers, the
 * writes, the filter and the page cursors; pure functions.
 */
import { PROVINCES } from '../../reference/areas';
import { communesOf } from '../accounts/reports/read';
import type { DocOp } from '../../store/serial-writer';
import { NATIONAL, areaId, type CaseFilter, type FindingAreaDoc, type FindingDoc, type IndexEntry } from './model';

/**
 * A field name for any string (a finding key): `%`, `.`, `$` and control characters (NUL
 * included) percent-encoded as `%XX`, a lone surrogate (not valid UTF-8) as `%uXXXX`. The result
 * is a valid field name whatever the string; {@link decodeKey} gives the string back.
 */
export function encodeKey(key: string): string {
  return key.replace(UNSAFE_IN_FIELD, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff
      ? '%u' + code.toString(16).toUpperCase().padStart(4, '0')
      : '%' + code.toString(16).toUpperCase().padStart(2, '0');
  });
}

const UNSAFE_IN_FIELD =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds, to encode them
  /[%.$\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function decodeKey(field: string): string {
  return field.replace(/%(?:u([0-9A-F]{4})|([0-9A-F]{2}))/g, (_m, u: string | undefined, h: string | undefined) =>
    String.fromCharCode(parseInt((u ?? h)!, 16)),
  );
}

/** The path of a case's entry in its index document. */
export function entryPath(caseId: string): string {
  return `m.${encodeKey(caseId)}`;
}

/** The fields an index document is created with (no commune without a province). */
export function indexDocArea(area: FindingAreaDoc): { province: string | null; commune: string | null } {
  return { province: area.province, commune: area.province ? area.commune : null };
}

/**
 * The index documents an area covers, in the order pages walk them: a commune's own; a
 * province's records without a commune, then its communes in code order; national: those of
 * every province, then the records of no known area.
 */
export function indexIdsOf(area: { province: string; commune: string | null }): string[] {
  if (area.province === NATIONAL)
    return [
      ...PROVINCES.map((p) => p.code)
        .sort()
        .flatMap((p) => indexIdsOf({ province: p, commune: null })),
      '-|-',
    ];
  if (area.commune) return [`${area.province}|${area.commune}`];
  return [`${area.province}|-`, ...communesOf(area.province).map((c) => `${area.province}|${c}`)];
}

/**
 * The index op a run writes for a finding it saw: the run's start (`$max`) and id; with `hash`
 * (the finding was written), the entry's kind and content hash too.
 */
export function seenOp(
  f: Pick<FindingDoc, '_id' | 'source' | 'kind' | 'area'>,
  run: { id: string; startedAt: Date },
  hash: string | null,
): DocOp<'index'> {
  const path = entryPath(f._id);
  const t = run.startedAt.getTime();
  const set: Record<string, unknown> = { [`runs.t${t}`]: run.id };
  if (hash !== null) {
    set[`${path}.k`] = `${f.source}|${f.kind}`;
    set[`${path}.h`] = hash;
  }
  return {
    target: 'index',
    id: areaId(f.area),
    set,
    max: { [`${path}.r`]: t },
    min: { [`${path}.f`]: t },
    setOnInsert: indexDocArea(f.area),
  };
}

/** Whether an index entry matches a filter (the index holds all a filter asks). */
export function entryMatches(e: IndexEntry, f: CaseFilter): boolean {
  if (f.source || f.kind) {
    const bar = e.k.indexOf('|');
    if (f.source && e.k.slice(0, bar) !== f.source) return false;
    if (f.kind && e.k.slice(bar + 1) !== f.kind) return false;
  }
  if (f.statuses?.length && !f.statuses.includes(e.s ?? 'OPEN')) return false;
  if (f.lastSeenBy !== undefined && f.lastSeenBy !== null && e.r !== f.lastSeenBy) return false;
  if (f.assignee !== undefined && f.assignee !== null && e.a !== f.assignee) return false;
  if (f.firstSeenBy !== undefined && f.firstSeenBy !== null && (e.f ?? e.r) > f.firstSeenBy) return false;
  return true;
}

/** A page cursor: the index document and the case key the page ended at. */
export function encodeCursor(docId: string, key: string): string {
  return Buffer.from(`${docId}\u0000${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { docId: string; key: string } | null {
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  const i = s.indexOf('\u0000');
  return i > 0 ? { docId: s.slice(0, i), key: s.slice(i + 1) } : null;
}
