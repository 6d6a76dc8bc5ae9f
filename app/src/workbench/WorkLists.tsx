/**
 * Door-to-door lists of the officer's area: citizens 14+ not registered, and accounts approved but
 * not activated; paged on the hub, searched on the hub by name, address or personal ID, printable
 * (print CSS hides everything but the list and adds the time of printing) and as CSV.
 */
import { useState } from 'preact/hooks';
import {
  WbWorkListDocument,
  type AccountGroup,
  type WbWorkListQuery,
  type WorkList,
} from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { fmtDateTime } from '../format';
import { Loading, Notice } from '../ui';
import { CommuneSelect, CsvButton, Pager, Refusal, ask, homeArea, useLoad, usePager } from './common';
import { num, wt, wx } from './i18n';

const SIZES = [10, 25, 50, 100];
const LISTS: WorkList[] = ['NOT_REGISTERED', 'APPROVED_NOT_ACTIVATED'];
/** The eligible groups (Decree 69/2024 Art. 7, 10); '' is the list as before (NOT_REGISTERED: 14+). */
const GROUPS: Array<AccountGroup | ''> = [
  '',
  'CITIZEN_14',
  'CHILD_6_14',
  'CHILD_UNDER_6',
  'FOREIGNER',
  'GUARDIAN_REGISTERED',
];

function initialQuery(officer: OfficerClaims) {
  return { area: homeArea(officer), list: LISTS[0], group: '' as AccountGroup | '', search: '', size: 25 };
}

export function WorkLists(props: { officer: OfficerClaims }) {
  const [query, setQuery] = useState(() => initialQuery(props.officer));
  const [draft, setDraft] = useState(query);
  const [short, setShort] = useState(false);
  const pager = usePager([query]);
  const page = useLoad(
    () =>
      ask(WbWorkListDocument, {
        list: query.list,
        area: query.area,
        search: query.search.trim() || null,
        group: query.group || null,
        first: query.size,
        after: pager.after,
      }),
    [query, pager.after],
  );
  const l = page.data?.accountWorkList;
  return (
    <>
      <h1 tabIndex={-1}>{wt('lists.title')}</h1>
      <form
        class="filters wb-bar no-print"
        aria-label={wt('lists.title')}
        onSubmit={(e) => {
          e.preventDefault();
          const s = draft.search.trim();
          if (s && s.length < 2) return setShort(true);
          setShort(false);
          setQuery(draft);
        }}
      >
        <CommuneSelect
          officer={props.officer}
          value={draft.area}
          onChange={(area) => setDraft({ ...draft, area })}
          id="list-area"
        />
        <div class="filter">
          <label for="list-which">{wt('lists.list')}</label>
          <select
            id="list-which"
            value={draft.list}
            onChange={(e) => setDraft({ ...draft, list: (e.target as HTMLSelectElement).value as WorkList })}
          >
            {LISTS.map((x) => (
              <option key={x} value={x}>
                {wx(`lists.${x}`)}
              </option>
            ))}
          </select>
        </div>
        <GroupSelect value={draft.group} onChange={(group) => setDraft({ ...draft, group })} />
        <div class="filter">
          <label for="list-size">{wt('lists.size')}</label>
          <select
            id="list-size"
            value={String(draft.size)}
            onChange={(e) => setDraft({ ...draft, size: Number((e.target as HTMLSelectElement).value) })}
          >
            {SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div class="filter">
          <label for="list-search">{wt('lists.search')}</label>
          <input
            id="list-search"
            type="search"
            value={draft.search}
            aria-invalid={short ? 'true' : undefined}
            onInput={(e) => setDraft({ ...draft, search: (e.target as HTMLInputElement).value })}
          />
        </div>
        {short && (
          <p class="field-error" role="alert">
            {wt('lists.searchShort')}
          </p>
        )}
        <div class="filter-actions">
          <button type="submit" class="button primary">
            {wt('wb.apply')}
          </button>
          <button type="button" class="button secondary" onClick={() => print()}>
            {wt('wb.print')}
          </button>
          <CsvButton
            path={`/reports/work-list.csv?list=${query.list}&area=${encodeURIComponent(query.area)}${query.group ? `&group=${query.group}` : ''}`}
            filename={`${query.list.toLowerCase()}-${query.area}${query.group ? `-${query.group.toLowerCase()}` : ''}.csv`}
          />
        </div>
      </form>
      <p class="print-only">
        {wx(`lists.${query.list}`)} · {query.area} ·{' '}
        {wt('lists.printedAt', { when: fmtDateTime(new Date().toISOString()) })}
      </p>
      {page.error !== null && <Refusal error={page.error} retry={page.reload} />}
      {page.loading && !l && <Loading />}
      {l?.searchTruncated && <Notice tone="info" role="status" title={wt('lists.truncated')} />}
      {l && l.nodes.length === 0 && <Notice tone="info" title={wt('wb.none')} />}
      {l && l.nodes.length > 0 && <ListTable list={query.list} nodes={l.nodes} />}
      {l && (
        <div class="no-print">
          <Pager
            page={pager.page}
            shown={l.nodes.length}
            total={l.totalCount}
            hasNext={l.pageInfo.hasNextPage}
            onPrev={pager.prev}
            onNext={() => pager.next(l.pageInfo.endCursor ?? null)}
          />
        </div>
      )}
      <p class="muted no-print">{num(l?.totalCount)}</p>
    </>
  );
}

/** The eligible group a list is narrowed to ('' for the list as before). */
function GroupSelect(props: { value: AccountGroup | ''; onChange: (g: AccountGroup | '') => void }) {
  return (
    <div class="filter">
      <label for="list-group">{wt('lists.group')}</label>
      <select
        id="list-group"
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as AccountGroup | '')}
      >
        {GROUPS.map((g) => (
          <option key={g} value={g}>
            {g ? wx(`group.${g}`) : wt('lists.groupAll')}
          </option>
        ))}
      </select>
    </div>
  );
}

type Row = WbWorkListQuery['accountWorkList']['nodes'][number];

/** One page of a list; phones and dates only where the list has accounts. */
function ListTable(props: { list: WorkList; nodes: Row[] }) {
  const accounts = props.list !== 'NOT_REGISTERED';
  return (
    <table class="wb-table wb-list" data-table="work-list">
      <caption class="visually-hidden">{wx(`lists.${props.list}`)}</caption>
      <thead>
        <tr>
          <th scope="col">{wt('lists.name')}</th>
          <th scope="col">{wt('lists.personalId')}</th>
          <th scope="col">{wt('lists.address')}</th>
          <th scope="col">{wt('wb.commune')}</th>
          {accounts && <th scope="col">{wt('lists.phone')}</th>}
          {accounts && <th scope="col">{wt('lists.since')}</th>}
        </tr>
      </thead>
      <tbody>
        {props.nodes.map((n) => (
          <tr key={n.personalId} data-person={n.personalId}>
            <th scope="row">{n.fullName ?? '—'}</th>
            <td class="mono">{n.personalId}</td>
            <td>{n.address ?? '—'}</td>
            <td>{n.commune.name}</td>
            {accounts && <td class="mono">{n.phone ?? '—'}</td>}
            {accounts && <td>{fmtDateTime(n.since)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
