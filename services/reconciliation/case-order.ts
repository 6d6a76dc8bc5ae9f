/**
 * The order directory of a province's cases (`reconCaseOrder`, `_id` = the province code, `-` for
 * the records of no known area): which index documents hold cases of which age (the start of the
 * run that first found them), and the legal deadlines of its correction requests. The embedded
 * store pushes down nothing but `{_id: v}` (docs/architecture.md), so a sort in the query would
 * read the whole collection; instead a page by age reads this one small document per province and
 * then the index documents of its buckets in order (age, then area order), stopping when the page
 * is full: the oldest (or newest) cases of a province are on the first index documents read.
 * A page by deadline reads the deadlines here, then the index documents of the cases it shows.
 *
 * Written through the case service's serial writer: a run, for each index document where it adds
 * a case it did not know (run-writer.ts); a correction request when filed or extended
 * (services/rights). Buckets are never removed (a case cleared or moved leaves one that costs a
 * read). A directory from before this was kept is built on first use from its index documents
 * (`built`). Pure functions.
 */
import type { DocOp } from '../../store/serial-writer';
import { encodeKey } from './case-index';
import type { CaseOrderDoc } from './model';

/** The province of an index document (`<province>|<commune>`): the directory it belongs to. */
export function directoryOf(indexDocId: string): string {
  const bar = indexDocId.indexOf('|');
  return bar < 0 ? indexDocId : indexDocId.slice(0, bar);
}

/** The directory write for cases first found at `t` (ms) in an index document. */
export function ageOp(indexDocId: string, t: number): DocOp<'order'> {
  return { target: 'order', id: directoryOf(indexDocId), set: { [`a.${encodeKey(indexDocId)}.t${t}`]: 1 } };
}

/** The directory write for a case's legal deadline (ms), or its removal (`due` null). */
export function dueOp(indexDocId: string, caseId: string, due: number | null): DocOp<'order'> {
  const path = `d.${encodeKey(caseId)}`;
  return due === null
    ? { target: 'order', id: directoryOf(indexDocId), unset: [path] }
    : { target: 'order', id: directoryOf(indexDocId), set: { [path]: { doc: indexDocId, due } } };
}

/** A bucket of a page by age: the cases of one index document first found at `t`. */
export interface AgeBucket {
  t: number;
  docId: string;
}

/**
 * The buckets of the area's index documents (`docIds`, in area order) in page order: by age
 * (oldest or newest first), then in area order.
 */
export function ageBuckets(dirs: readonly (CaseOrderDoc | null)[], docIds: readonly string[], oldest: boolean) {
  const pos = new Map(docIds.map((d, i) => [encodeKey(d), i]));
  const out: Array<AgeBucket & { pos: number }> = [];
  for (const dir of dirs) {
    for (const [enc, ts] of Object.entries(dir?.a ?? {})) {
      const p = pos.get(enc);
      if (p === undefined) continue;
      for (const k of Object.keys(ts)) out.push({ t: Number(k.slice(1)), docId: docIds[p], pos: p });
    }
  }
  const sign = oldest ? 1 : -1;
  return out.sort((a, b) => sign * (a.t - b.t) || a.pos - b.pos);
}

/** The deadlines of the area's cases (`docIds`), soonest first (ties by case id). */
export function dueList(
  dirs: readonly (CaseOrderDoc | null)[],
  docIds: readonly string[],
  decode: (k: string) => string,
) {
  const inArea = new Set(docIds);
  const out: Array<{ key: string; docId: string; due: number }> = [];
  for (const dir of dirs)
    for (const [k, v] of Object.entries(dir?.d ?? {}))
      if (inArea.has(v.doc)) out.push({ key: decode(k), docId: v.doc, due: v.due });
  return out.sort((a, b) => a.due - b.due || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
