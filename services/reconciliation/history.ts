/**
 * What the workbench shows of the past: an area's runs, newest first and paged, and the share of
 * clean records per source after each of its finished runs (the totals each run writes at its end
 * into `reconStats` under `h|<area>`: see stats.ts `historyOp`).
 *
 * Runs are few per area (one at a time, started by hand), so the list reads the area's runs with
 * one query (the embedded store scans `reconRuns`; on MongoDB an index on `area` serves it).
 */
import type { Collection, Document } from 'mongodb';
import { SOURCE_NAMES } from '../../connectors/registry';
import type { Store } from '../../store/connection';
import { RECON_RUNS_COLLECTION, RECON_STATS_COLLECTION, type RunDoc, type SourceName } from './model';
import { historyId, type SourceCleanliness, type StatsDoc } from './stats';

export class HistoryInputError extends Error {}

export interface RunPage {
  nodes: RunDoc[];
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

function encode(r: RunDoc): string {
  return Buffer.from(`${r.createdAt.getTime()}\u0000${r._id}`, 'utf8').toString('base64url');
}

function decode(cursor: string): { t: number; id: string } | null {
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  const i = s.indexOf('\u0000');
  const t = Number(s.slice(0, i));
  return i > 0 && Number.isFinite(t) ? { t, id: s.slice(i + 1) } : null;
}

/** The runs over exactly `area` (a province's list does not hold its communes' runs), newest first. */
export async function runsOf(
  store: Store,
  area: { province: string; commune: string | null },
  opts: { first: number; after?: string | null },
): Promise<RunPage> {
  const cur = opts.after ? decode(opts.after) : null;
  if (opts.after && !cur) throw new HistoryInputError('Invalid cursor');
  const col = store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION);
  const all = await col
    .find({ 'area.province': area.province, 'area.commune': area.commune }, { projection: { checkpoint: 0 } })
    .toArray();
  all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1));
  const after = cur
    ? all.findIndex((r) => r.createdAt.getTime() < cur.t || (r.createdAt.getTime() === cur.t && r._id < cur.id))
    : 0;
  const start = after < 0 ? all.length : after;
  const nodes = all.slice(start, start + opts.first);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    endCursor: last ? encode(last) : null,
    hasNextPage: start + nodes.length < all.length,
    totalCount: all.length,
  };
}

export interface CleanlinessPoint {
  /** When the run finished its figures. */
  at: Date;
  runId: string;
  sources: SourceCleanliness[];
}

/** Share of records with no finding, to 4 decimals (null: no records), as stats.ts rounds it. */
function share(records: number, withFindings: number): number | null {
  return records > 0 ? Math.round((1 - withFindings / records) * 10000) / 10000 : null;
}

/**
 * The cleanliness of `area` (its code: a commune, a province, VN) after each of its finished runs
 * since `since`, oldest first, at most `last` points (the newest).
 */
export async function cleanlinessHistory(
  store: Store,
  area: string,
  opts: { since?: Date | null; last: number },
): Promise<CleanlinessPoint[]> {
  const col = store.hubDb.collection<StatsDoc>(RECON_STATS_COLLECTION) as Collection<StatsDoc & Document>;
  const doc = await col.findOne({ _id: historyId(area) });
  const points = Object.values(doc?.h ?? {})
    .filter((p) => !opts.since || p.at >= opts.since)
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .slice(-opts.last);
  return points.map((p) => ({
    at: p.at,
    runId: p.run,
    sources: SOURCE_NAMES.map((source: SourceName) => {
      const [records, withFindings] = p.s[source] ?? [0, 0];
      return { source, records, withFindings, cleanShare: share(records, withFindings) };
    }),
  }));
}
