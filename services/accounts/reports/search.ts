/**
 * Search in a door-to-door list by name or address: the list's members of the area, in the list's
 * order (commune, personal ID), whose name or permanent address (from the population source)
 * contains the words asked, without regard to case or marks ("nguyen van an" finds "Nguyễn Văn
 * Ân"; "ha noi" finds "Hà Nội"), or whose personal ID starts with them.
 *
 * The lists hold IDs only, so a search reads the population records of the members it walks past
 * (in batches, through the request's loader) until the page is full: its cost grows with the
 * place of the matches in the list, not with the page. A search is meant for one commune's list
 * (a few hundred to a few thousand people); `MAX_SCANNED` bounds one request.
 */
import type { Store } from '../../../store/connection';
import type { StoredListName } from './model';
import {
  ReportInputError,
  decodeCursor,
  encodeCursor,
  listChunks,
  listCommunes,
  type AreaInfo,
  type ListEntry,
  type ListPage,
} from './read';

/** Members a search request reads at most (past that: `truncated`, go on with the cursor). */
export const MAX_SCANNED = 20_000;
/** Population records read at once. */
const BATCH = 50;

/** Lower case, no marks, `đ` as `d`, single spaces: the form both the query and the text take. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export interface SearchPerson {
  fullName: string | null;
  address: string | null;
}

export interface SearchPage extends Omit<ListPage, 'totalCount'> {
  /** The scan stopped at {@link MAX_SCANNED} members before the page was full: ask for the next page. */
  truncated: boolean;
}

/** One page of the members of `list` in `area` matching `query` (at least 2 characters). */
export async function searchListPage(
  store: Store,
  list: StoredListName,
  area: AreaInfo,
  query: string,
  person: (personalId: string) => Promise<SearchPerson | null>,
  opts: { first: number; after?: string | null; filter?: (e: ListEntry) => boolean },
): Promise<SearchPage> {
  const q = fold(query);
  if (q.length < 2) throw new ReportInputError('A search needs at least 2 letters or digits');
  const communes = listCommunes(area);
  const order = new Map(communes.map((c, i) => [c, i]));
  const cur = opts.after ? decodeCursor(opts.after) : null;
  if (opts.after && (!cur || !order.has(cur.commune))) throw new ReportInputError('Invalid cursor');
  const curAt = cur ? order.get(cur.commune)! : -1;
  const after = (e: ListEntry) => {
    const at = order.get(e.commune) ?? -1;
    return !cur || at > curAt || (at === curAt && e.personalId > cur.personalId);
  };
  const matches = async (e: ListEntry): Promise<boolean> => {
    if (e.personalId.startsWith(q)) return true;
    const p = await person(e.personalId);
    return !!p && ((!!p.fullName && fold(p.fullName).includes(q)) || (!!p.address && fold(p.address).includes(q)));
  };
  const entries: ListEntry[] = [];
  let scanned = 0;
  for await (const chunk of listChunks(store, list, area, 500)) {
    const todo = chunk.filter((e) => after(e) && (!opts.filter || opts.filter(e)));
    for (let i = 0; i < todo.length; i += BATCH) {
      const part = todo.slice(i, i + BATCH);
      const ok = await Promise.all(part.map(matches));
      for (let j = 0; j < part.length; j++) {
        if (!ok[j]) continue;
        if (entries.length === opts.first) return page(entries, null, true, false);
        entries.push(part[j]);
      }
      scanned += part.length;
      // Bounded: the cursor is the last member read, so the next request goes on from there.
      if (scanned >= MAX_SCANNED) return page(entries, part[part.length - 1], true, true);
    }
  }
  return page(entries, null, false, false);
}

function page(entries: ListEntry[], lastRead: ListEntry | null, hasNextPage: boolean, truncated: boolean): SearchPage {
  const last = lastRead ?? entries[entries.length - 1];
  return {
    entries,
    endCursor: last ? encodeCursor(last.commune, last.personalId) : null,
    hasNextPage,
    truncated,
  };
}
