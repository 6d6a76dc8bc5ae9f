/**
 * How clean each source is, per area: records of the area's people in each source, and how many
 * of them have at least one finding, as of the latest run over the area.
 *
 * A run tallies, for every record it reads whose area is within its own, the record's area (the
 * person's today's permanent residence; for a record with no person, the birth-registration
 * province of a 12-digit key, without commune) and whether the record has a finding. At the end
 * it writes, for each commune of its area (zeros included, so a commune with no records left
 * says so), `c.<commune>` of its province's document in `reconStats` (`_id` = the province, `-`
 * for records of no known area; `c.-` = the province's records without a commune):
 * `{ at, run, s: { <source>: [records, withFindings] } }`. A commune run rewrites its commune
 * only, so a province's summary may combine runs of different days (`asOf` is the oldest).
 */
import type { Collection, Document } from 'mongodb';
import { SOURCE_NAMES } from '../../connectors/registry';
import { PROVINCES } from '../../reference/areas';
import { communesOf, type AreaInfo } from '../accounts/reports/read';
import {
  NATIONAL,
  RECON_STATS_COLLECTION,
  areaId,
  type CaseCounts,
  type FindingAreaDoc,
  type SourceName,
} from './model';
import type { Store } from '../../store/connection';
import type { DocOp } from '../../store/serial-writer';

const N = SOURCE_NAMES.length;
const SLOT: Record<SourceName, number> = Object.fromEntries(SOURCE_NAMES.map((s, i) => [s, i])) as Record<
  SourceName,
  number
>;

export interface CommuneStats {
  at: Date;
  run: string;
  /** source → [records, withFindings]. */
  s: Partial<Record<SourceName, [number, number]>>;
}

export interface StatsDoc {
  _id: string; // province code, or '-'; `h|<area>` for the history (historyId)
  c?: Record<string, CommuneStats>;
  /** `r<run id>` (`t<ms>` before 2026-12-05) → the run's totals over the area (history documents only). */
  h?: Record<string, CommuneStats>;
}

/** The `reconStats` document holding an area's cleanliness per run (area: a commune, province or VN code). */
export function historyId(area: string): string {
  return `h|${area}`;
}

/** A run's running tally: per area key, records and records with findings per source. */
export class AreaTally {
  private readonly m = new Map<string, Float64Array>();

  private row(a: FindingAreaDoc): Float64Array {
    const k = areaId(a);
    let r = this.m.get(k);
    if (!r) this.m.set(k, (r = new Float64Array(2 * N)));
    return r;
  }

  /** One record of `source` in area `a`. */
  record(a: FindingAreaDoc, source: SourceName): void {
    this.row(a)[SLOT[source]]++;
  }

  /** One record of `source` in area `a` that has a finding (count each record once). */
  flag(a: FindingAreaDoc, source: SourceName): void {
    this.row(a)[N + SLOT[source]]++;
  }

  /** [records, withFindings] of a source in an area key (`<province>|<commune>`). */
  get(key: string, source: SourceName): [number, number] {
    const r = this.m.get(key);
    return r ? [r[SLOT[source]], r[N + SLOT[source]]] : [0, 0];
  }

  /** The sum of several tallies (a run's parts). */
  static merge(tallies: readonly AreaTally[]): AreaTally {
    const t = new AreaTally();
    for (const x of tallies) {
      for (const [k, r] of x.m) {
        const acc = t.m.get(k);
        if (!acc) t.m.set(k, Float64Array.from(r));
        else for (let i = 0; i < r.length; i++) acc[i] += r[i];
      }
    }
    return t;
  }

  /** Compact form for a run's checkpoint (the embedded store rejects nested arrays: a string). */
  serialize(): string {
    return JSON.stringify([...this.m].map(([k, r]) => [k, ...r]));
  }

  static parse(s: string): AreaTally {
    const t = new AreaTally();
    for (const [k, ...v] of JSON.parse(s) as Array<[string, ...number[]]>) t.m.set(k, Float64Array.from(v));
    return t;
  }

  /**
   * The stats writes for a finished run over `area`: every commune of the area, zeros included,
   * plus the province-level and unknown-area keys the run covers.
   */
  ops(area: { province: string; commune: string | null }, run: string, at: Date): DocOp<'stats'>[] {
    const provinces = area.province === NATIONAL ? [...PROVINCES.map((p) => p.code).sort(), '-'] : [area.province];
    const ops: DocOp<'stats'>[] = [];
    for (const p of provinces) {
      const communes = p === '-' ? ['-'] : area.commune ? [area.commune] : ['-', ...communesOf(p)];
      const set: Record<string, CommuneStats> = {};
      for (const c of communes) {
        const s: CommuneStats['s'] = {};
        for (const src of SOURCE_NAMES) s[src] = this.get(`${p}|${c}`, src);
        set[`c.${c}`] = { at, run, s };
      }
      ops.push({ target: 'stats', id: p, set });
    }
    ops.push(this.historyOp(area, provinces, run, at));
    return ops;
  }

  /**
   * The run's totals over its whole area, kept per run (`h|<area code>`, `h.r<run id>`; `h.t<ms>` before) for the
   * cleanliness over time: one entry per finished run of that area (history.ts reads them).
   */
  private historyOp(
    area: { province: string; commune: string | null },
    provinces: readonly string[],
    run: string,
    at: Date,
  ): DocOp<'stats'> {
    const s: CommuneStats['s'] = {};
    for (const src of SOURCE_NAMES) {
      const acc: [number, number] = [0, 0];
      for (const p of provinces) {
        const communes = p === '-' ? ['-'] : area.commune ? [area.commune] : ['-', ...communesOf(p)];
        for (const c of communes) {
          const [r, w] = this.get(`${p}|${c}`, src);
          acc[0] += r;
          acc[1] += w;
        }
      }
      s[src] = acc;
    }
    return {
      target: 'stats',
      id: historyId(area.commune ?? area.province),
      // Keyed by the run: a run whose finish is done again (resumed after its lease was lost
      // between the stats and its DONE) has one point, with the figures of its last finish.
      set: { [`h.r${run}`]: { at, run, s } },
    };
  }
}

export interface SourceCleanliness {
  source: SourceName;
  records: number;
  withFindings: number;
  /** Share of the records with no finding (null: no records). */
  cleanShare: number | null;
}

export interface AreaStats {
  /** When the oldest part of the figures was computed (null: never reconciled). */
  asOf: Date | null;
  /** Runs the figures come from, newest first. */
  runs: string[];
  /** Every commune of the area has figures. */
  complete: boolean;
  sources: SourceCleanliness[];
}

/** The cleanliness figures of an area (a province sums its communes and its records without one). */
export async function areaStats(store: Store, area: { province: string; commune: string | null }): Promise<AreaStats> {
  const col = store.hubDb.collection<StatsDoc>(RECON_STATS_COLLECTION) as Collection<StatsDoc & Document>;
  const doc = await col.findOne({ _id: area.province });
  const wanted = area.commune ? [area.commune] : ['-', ...communesOf(area.province)];
  const parts = wanted.map((c) => doc?.c?.[c] ?? null);
  const present = parts.filter((p): p is CommuneStats => p !== null);
  const sum = new Map<SourceName, [number, number]>(SOURCE_NAMES.map((s) => [s, [0, 0]]));
  for (const p of present) {
    for (const src of SOURCE_NAMES) {
      const [r, w] = p.s[src] ?? [0, 0];
      const acc = sum.get(src)!;
      acc[0] += r;
      acc[1] += w;
    }
  }
  const byTime = [...present].sort((a, b) => b.at.getTime() - a.at.getTime());
  return {
    asOf: byTime.length ? byTime[byTime.length - 1].at : null,
    runs: [...new Set(byTime.map((p) => p.run))],
    complete: present.length === parts.length,
    sources: SOURCE_NAMES.map((source) => {
      const [records, withFindings] = sum.get(source)!;
      return {
        source,
        records,
        withFindings,
        cleanShare: records > 0 ? Math.round((1 - withFindings / records) * 10000) / 10000 : null,
      };
    }),
  };
}

/** What `reconciliationSummary` resolves from. */
export interface SummaryModel {
  area: AreaInfo;
  stats: AreaStats;
  counts: CaseCounts;
}
