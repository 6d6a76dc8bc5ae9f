/**
 * The case queue of the officer's area: open cases by kind (the area's live counts), filters (kind,
 * source, status, assignee, commune, age) and order (area, age, legal deadline) applied on the hub;
 * citizens' correction requests with their deadline, the overdue marked in words; pages of 25 on the hub, the
 * CSV of the open cases, and closing many FORMAT_ONLY cases at once (each through the state machine
 * and the audit on the hub: reconciliationCasesCloseFormatOnly).
 */
import { useState } from 'preact/hooks';
import {
  WbCasesCloseFormatOnlyDocument,
  WbCasesDocument,
  WbSummaryDocument,
  type DataSource,
  type DefectKind,
  type ReconciliationCaseOrder,
  type ReconciliationCaseStatus,
  type WbCasesQuery,
} from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { fmtDayOf } from '../format';
import { onLinkClick } from '../router';
import { Badge, Loading, Notice } from '../ui';
import {
  CommuneSelect,
  CsvButton,
  Pager,
  Refusal,
  STATUS_TONE,
  ask,
  homeArea,
  refusalWords,
  useLoad,
  usePager,
  Due,
  CorrectionField,
} from './common';
import { num, wt, wx } from './i18n';
import { caseRoute } from './routes';

const PAGE = 25;
export const KINDS: DefectKind[] = [
  'FORMAT_ONLY',
  'MISMATCH',
  'OLD_ID_KEY',
  'ORPHAN',
  'DUPLICATE',
  'DECEASED_ACTIVE',
  'EXPIRED_ID_CARD',
  'MALFORMED',
  'CORRECTION_REQUEST',
];
const SOURCES: DataSource[] = [
  'POPULATION',
  'DRIVING_LICENCE',
  'HEALTH_INSURANCE',
  'SOCIAL_INSURANCE',
  'HEALTH_RECORD',
];
const STATUSES: ReconciliationCaseStatus[] = ['OPEN', 'CONFIRMED', 'RESOLVED', 'DISMISSED'];
const AGES = ['any', '7', '30', '90'] as const;

interface Filter {
  area: string;
  kind: DefectKind | '';
  source: DataSource | '';
  status: 'OPEN_ANY' | ReconciliationCaseStatus | '';
  assignee: string;
  age: (typeof AGES)[number];
  order: ReconciliationCaseOrder;
}

/** Kept while the app is open: coming back from a case finds the queue as it was left. */
let lastFilter: Filter | null = null;

function variables(f: Filter, after: string | null) {
  const days = f.age === 'any' ? 0 : Number(f.age);
  return {
    area: f.area,
    kind: f.kind || null,
    source: f.source || null,
    status:
      f.status === 'OPEN_ANY' ? (['OPEN', 'CONFIRMED'] as ReconciliationCaseStatus[]) : f.status ? [f.status] : null,
    assignee: f.assignee.trim() || null,
    before: days ? new Date(Date.now() - days * 86_400_000).toISOString() : null,
    order: f.order,
    first: PAGE,
    after,
  };
}

export function Cases(props: { officer: OfficerClaims }) {
  const o = props.officer;
  const initial: Filter = lastFilter ?? {
    area: homeArea(o),
    kind: '',
    source: '',
    status: 'OPEN_ANY',
    assignee: '',
    age: 'any',
    order: 'AREA',
  };
  const [filter, setFilterState] = useState<Filter>(initial);
  const [draft, setDraft] = useState<Filter>(initial);
  const setFilter = (f: Filter) => {
    lastFilter = f;
    setFilterState(f);
  };
  const pager = usePager([filter]);
  const cases = useLoad(() => ask(WbCasesDocument, variables(filter, pager.after)), [filter, pager.after]);
  const summary = useLoad(() => ask(WbSummaryDocument, { area: filter.area }), [filter.area]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkResult, setBulkResult] = useState<string | null>(null);

  const byKind = new Map<string, number>();
  for (const s of summary.data?.reconciliationSummary.sources ?? []) {
    for (const c of s.openCases) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + c.count);
  }
  const page = cases.data?.reconciliationCases;
  const formOnlyHere = (page?.nodes ?? []).filter((c) => c.kind === 'FORMAT_ONLY' && c.status !== 'RESOLVED');

  return (
    <>
      <h1 tabIndex={-1}>{wt('cases.title')}</h1>
      <KindCounts
        counts={byKind}
        current={filter.kind}
        onPick={(k) => {
          const f = { ...filter, kind: filter.kind === k ? ('' as const) : k };
          setDraft(f);
          setFilter(f);
        }}
      />
      <CaseFilters officer={o} draft={draft} setDraft={setDraft} applied={filter} onApply={() => setFilter(draft)} />
      {cases.error !== null && <Refusal error={cases.error} retry={cases.reload} />}
      {cases.loading && !page && <Loading />}
      {page && (
        <>
          <p class="muted" role="status">
            {wt('cases.count', { total: num(page.totalCount) })}
          </p>
          {page.nodes.length === 0 ? (
            <Notice tone="info" title={wt('wb.none')} />
          ) : (
            <CaseTable
              busy={cases.loading}
              nodes={page.nodes}
              selected={selected}
              onSelect={setSelected}
              formOnlyIds={formOnlyHere.map((c) => c.id)}
            />
          )}
          <Pager
            page={pager.page}
            shown={page.nodes.length}
            total={page.totalCount}
            hasNext={page.pageInfo.hasNextPage}
            onPrev={pager.prev}
            onNext={() => pager.next(page.pageInfo.endCursor ?? null)}
          />
          {bulkResult && <Notice tone="ok" role="status" title={bulkResult} />}
          {selected.size > 0 && (
            <BulkClose
              ids={[...selected]}
              onDone={(message) => {
                setBulkResult(message);
                setSelected(new Set());
                cases.reload();
                summary.reload();
              }}
            />
          )}
        </>
      )}
    </>
  );
}

/** Open cases of the area by kind; a kind pressed filters the queue by it. */
function KindCounts(props: { counts: Map<string, number>; current: string; onPick: (k: DefectKind) => void }) {
  return (
    <section aria-labelledby="by-kind">
      <h2 id="by-kind">{wt('cases.byKind')}</h2>
      <ul class="wb-kinds">
        {KINDS.map((k) => (
          <li key={k}>
            <button type="button" class="wb-kind" aria-pressed={props.current === k} onClick={() => props.onPick(k)}>
              <span class="wb-kind-count" data-kind={k}>
                {num(props.counts.get(k) ?? 0)}
              </span>
              <span>{wx(`kind.${k}`)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The queue's filters (applied on the hub when the form is sent) and the CSV of the open cases. */
function CaseFilters(props: {
  officer: OfficerClaims;
  draft: Filter;
  setDraft: (f: Filter) => void;
  applied: Filter;
  onApply: () => void;
}) {
  const draft = props.draft;
  const set = (k: keyof Filter, v: string) => props.setDraft({ ...draft, [k]: v });
  return (
    <form
      class="filters wb-filters"
      aria-label={wt('cases.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply();
      }}
    >
      <CommuneSelect officer={props.officer} value={draft.area} onChange={(v) => set('area', v)} id="case-area" />
      <Select id="case-kind" label={wt('cases.kind')} value={draft.kind} onChange={(v) => set('kind', v)}>
        {KINDS.map((k) => [k, wx(`kind.${k}`)])}
      </Select>
      <Select id="case-source" label={wt('cases.source')} value={draft.source} onChange={(v) => set('source', v)}>
        {SOURCES.map((s) => [s, wx(`source.${s}`)])}
      </Select>
      <Select id="case-status" label={wt('cases.status')} value={draft.status} onChange={(v) => set('status', v)}>
        {[['OPEN_ANY', wt('cases.openStatuses')], ...STATUSES.map((s) => [s, wx(`status.${s}`)])]}
      </Select>
      <div class="filter">
        <label for="case-assignee">{wt('cases.assignee')}</label>
        <input
          id="case-assignee"
          type="text"
          value={draft.assignee}
          onInput={(e) => set('assignee', (e.target as HTMLInputElement).value)}
        />
      </div>
      <Select id="case-age" label={wt('cases.age')} value={draft.age} onChange={(v) => set('age', v)} noAny>
        {AGES.map((a) => [a, wx(`cases.age.${a}`)])}
      </Select>
      <Select id="case-order" label={wt('cases.order')} value={draft.order} onChange={(v) => set('order', v)} noAny>
        {(['AREA', 'OLDEST', 'NEWEST', 'DUE'] as const).map((x) => [x, wx(`cases.order.${x}`)])}
      </Select>
      <div class="filter-actions">
        <button type="submit" class="button primary">
          {wt('wb.apply')}
        </button>
        <CsvButton
          path={`/reconciliation/cases.csv?area=${encodeURIComponent(props.applied.area)}${props.applied.kind ? `&kind=${props.applied.kind}` : ''}`}
          filename={`reconciliation-cases-${props.applied.area}.csv`}
          label={wt('cases.exportOpen')}
        />
      </div>
    </form>
  );
}

function Select(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: Array<string[]>;
  noAny?: boolean;
}) {
  return (
    <div class="filter">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {!props.noAny && <option value="">{wt('wb.any')}</option>}
        {props.children.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

type CaseRow = WbCasesQuery['reconciliationCases']['nodes'][number];

function CaseTable(props: {
  busy: boolean;
  nodes: CaseRow[];
  selected: Set<string>;
  onSelect: (s: Set<string>) => void;
  formOnlyIds: string[];
}) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(id);
    else next.delete(id);
    props.onSelect(next);
  };
  const all = props.formOnlyIds.length > 0 && props.formOnlyIds.every((id) => props.selected.has(id));
  return (
    <table class="wb-table" aria-busy={props.busy ? 'true' : undefined}>
      <caption class="visually-hidden">{wt('cases.title')}</caption>
      <thead>
        <tr>
          <th scope="col">
            {props.formOnlyIds.length > 0 && (
              <input
                type="checkbox"
                aria-label={wt('cases.selectAll')}
                checked={all}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  const next = new Set(props.selected);
                  for (const id of props.formOnlyIds)
                    if (on) next.add(id);
                    else next.delete(id);
                  props.onSelect(next);
                }}
              />
            )}
          </th>
          <th scope="col">{wt('cases.kind')}</th>
          <th scope="col">{wt('cases.source')}</th>
          <th scope="col">{wt('cases.person')}</th>
          <th scope="col">{wt('cases.field')}</th>
          <th scope="col">{wt('cases.status')}</th>
          <th scope="col">{wt('cases.assignee')}</th>
          <th scope="col">{wt('cases.found')}</th>
          <th scope="col">{wt('cases.due')}</th>
        </tr>
      </thead>
      <tbody>
        {props.nodes.map((c) => (
          <tr key={c.id} data-case={c.id} class={c.overdue ? 'wb-overdue' : undefined}>
            <td>
              {props.formOnlyIds.includes(c.id) && (
                <input
                  type="checkbox"
                  aria-label={wt('cases.select', { id: c.id })}
                  checked={props.selected.has(c.id)}
                  onChange={(e) => toggle(c.id, (e.target as HTMLInputElement).checked)}
                />
              )}
            </td>
            <td>
              <a href={`/app/${caseRoute(c.id)}`} onClick={onLinkClick(caseRoute(c.id))}>
                {wx(`kind.${c.kind}`)}
              </a>
            </td>
            <td>{wx(`source.${c.source}`)}</td>
            <td>
              <span class="mono">{c.personalId ?? '—'}</span>
              {c.area && <span class="muted"> · {c.area.name}</span>}
            </td>
            <td>
              {c.field ? (
                wx(`field.${c.field}`)
              ) : c.correctionField ? (
                <CorrectionField name={c.correctionField} />
              ) : (
                '—'
              )}
            </td>
            <td>
              <Badge tone={STATUS_TONE[c.status]}>{wx(`status.${c.status}`)}</Badge>
            </td>
            <td class={c.assignee ? 'mono' : 'muted'}>{c.assignee ?? wt('cases.unassigned')}</td>
            <td>{fmtDayOf(c.firstSeenAt)}</td>
            <td>
              <Due dueAt={c.dueAt ?? null} overdue={c.overdue ?? null} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BulkClose(props: { ids: string[]; onDone: (message: string) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = (how: 'RESOLVE' | 'DISMISS') => {
    if (!note.trim()) {
      setError(wt('cases.bulkNoteRequired'));
      return;
    }
    setError(null);
    ask(WbCasesCloseFormatOnlyDocument, { ids: props.ids, note, how }).then(
      (d) => {
        const r = d.reconciliationCasesCloseFormatOnly;
        props.onDone(wt('cases.bulkDone', { closed: r.closed, refused: r.refused }));
      },
      (e: unknown) => setError(refusalWords(e)),
    );
  };
  return (
    <section class="card wb-bulk" aria-labelledby="bulk-head">
      <h2 id="bulk-head">{wt('cases.bulkTitle')}</h2>
      <p>{wt('cases.bulkSelected', { n: props.ids.length })}</p>
      <label for="bulk-note">{wt('cases.bulkNote')}</label>
      <input
        id="bulk-note"
        type="text"
        value={note}
        aria-invalid={error ? 'true' : undefined}
        onInput={(e) => setNote((e.target as HTMLInputElement).value)}
      />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="filter-actions">
        <button type="button" class="button primary" onClick={() => run('RESOLVE')}>
          {wt('cases.bulkResolve', { n: props.ids.length })}
        </button>
        <button type="button" class="button secondary" onClick={() => run('DISMISS')}>
          {wt('cases.bulkDismiss', { n: props.ids.length })}
        </button>
      </div>
    </section>
  );
}
