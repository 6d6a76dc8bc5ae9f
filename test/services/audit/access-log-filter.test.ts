/**
 * The access log narrowed by documents and period (`myAccessLog(documents, from, to)`, the citizen
 * app's filters): only matching entries, newest first, paged with the same filter, across the
 * index's ten-minute buckets, on the real store.
 */
import type { Store } from '../../../store/connection';
import {
  accessLogCollection,
  readAccessLog,
  writeCitizenIndex,
  type AccessLogEntry,
} from '../../../services/audit/access-log';
import { connectTestStore } from '../../support/hub';

const CITIZEN = '001090000123';
let store: Store;
/** 30 entries, one every 7 minutes from 2026-03-01T00:00Z: every third a driving-licence read. */
const entries: AccessLogEntry[] = Array.from({ length: 30 }, (_, i) => ({
  at: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 7 * 60_000),
  chain: 'c1',
  seq: i + 1,
  requestId: `r${i}`,
  actorKind: 'CLIENT',
  clientName: 'Test client',
  documents: i % 3 === 0 ? ['IDENTITY', 'DRIVING_LICENCE'] : ['IDENTITY'],
}));

beforeAll(async () => {
  store = await connectTestStore('alf_');
  await accessLogCollection(store).deleteMany({});
  await writeCitizenIndex(accessLogCollection(store), new Map([[CITIZEN, entries]]), { random: () => 1 });
});

afterAll(async () => {
  await store?.close();
});

/** Every page of a listing with this filter, `first` at a time. */
async function all(filter: Parameters<typeof readAccessLog>[2], first = 4): Promise<number[]> {
  const seqs: number[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await readAccessLog(store, CITIZEN, { ...filter, first, after });
    seqs.push(...page.entries.map((e) => e.seq));
    if (!page.hasNextPage) return seqs;
    after = page.endCursor;
  }
}

it('without a filter: every entry, newest first', async () => {
  expect(await all({})).toEqual(entries.map((e) => e.seq).reverse());
});

it('by document: only the reads that disclosed it, paged with the same filter', async () => {
  const expected = entries
    .filter((e) => e.documents.includes('DRIVING_LICENCE'))
    .map((e) => e.seq)
    .reverse();
  expect(await all({ documents: ['DRIVING_LICENCE'] })).toEqual(expected);
  expect(await all({ documents: ['DRIVING_LICENCE'] }, 1)).toEqual(expected);
  expect(await all({ documents: ['HEALTH_RECORD'] })).toEqual([]);
});

it('by period: bounds included, buckets outside skipped', async () => {
  const from = entries[5].at;
  const to = entries[17].at;
  const expected = entries
    .filter((e) => e.at >= from && e.at <= to)
    .map((e) => e.seq)
    .reverse();
  expect(expected).toHaveLength(13);
  expect(await all({ from, to })).toEqual(expected);
  expect(await all({ from, to }, 100)).toEqual(expected);
  expect(await all({ from: new Date('2027-01-01T00:00:00Z') })).toEqual([]);
  expect(await all({ to: new Date('2026-02-01T00:00:00Z') })).toEqual([]);
});

it('both filters at once', async () => {
  const from = entries[3].at;
  const to = entries[20].at;
  const expected = entries
    .filter((e) => e.at >= from && e.at <= to && e.documents.includes('DRIVING_LICENCE'))
    .map((e) => e.seq)
    .reverse();
  expect(await all({ from, to, documents: ['DRIVING_LICENCE'] }, 2)).toEqual(expected);
});
