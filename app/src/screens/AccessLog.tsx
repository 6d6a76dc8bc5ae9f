/**
 * Who read my data: the access log, newest first, paged; filtered by paper and period on the hub
 * (the same filters for every page).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { MyAccessLogDocument, type DocumentScope, type MyAccessLogQuery } from '../../../generated/app/graphql';
import { request } from '../api/client';
import { endOfDay, fmtDateTime, startOfDay } from '../format';
import { t, tx } from '../i18n';
import { ErrorView, Loading, Notice } from '../ui';
import { useLatest } from '../latest';

type Entry = MyAccessLogQuery['myAccessLog']['entries'][number];
interface Filter {
  document: DocumentScope | '';
  from: string;
  to: string;
}

const PAGE = 20;
export const SCOPES: DocumentScope[] = [
  'IDENTITY',
  'IDENTITY_CARD',
  'RESIDENCE',
  'FAMILY',
  'DRIVING_LICENCE',
  'HEALTH_INSURANCE',
  'SOCIAL_INSURANCE',
  'HEALTH_RECORD',
];
const NO_FILTER: Filter = { document: '', from: '', to: '' };

export function AccessLog() {
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'idle' | 'error'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [draftError, setDraftError] = useState(false);

  const latest = useLatest();
  const load = useCallback(
    (after: string | null) => {
      const current = latest.begin();
      setStatus('loading');
      request(MyAccessLogDocument, {
        first: PAGE,
        after,
        documents: filter.document ? [filter.document] : null,
        from: filter.from ? startOfDay(filter.from) : null,
        to: filter.to ? endOfDay(filter.to) : null,
      }).then(
        (r) => {
          if (!current()) return;
          if (!r.data) throw new Error('no data');
          const page = r.data.myAccessLog;
          setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
          setNext(page.hasNextPage ? page.endCursor : null);
          setStatus('idle');
        },
        (e: unknown) => {
          if (!current()) return;
          setError(e);
          setStatus('error');
        },
      );
    },
    [filter],
  );
  useEffect(() => load(null), [load]);

  const apply = (e: Event) => {
    e.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setDraftError(true);
      return;
    }
    setDraftError(false);
    setEntries([]);
    setFilter(draft);
  };
  const filtered = filter.document !== '' || filter.from !== '' || filter.to !== '';

  return (
    <>
      <h1 tabIndex={-1}>{t('log.title')}</h1>
      <p class="intro">{t('log.intro')}</p>
      <form class="filters" onSubmit={apply} aria-label={t('log.filters')}>
        <FilterFields draft={draft} onChange={setDraft} />
        {draftError && (
          <p class="field-error" role="alert">
            {t('log.badPeriod')}
          </p>
        )}
        <div class="filter-actions">
          <button type="submit" class="button primary">
            {t('log.apply')}
          </button>
          {filtered && (
            <button
              type="button"
              class="button secondary"
              onClick={() => {
                setDraft(NO_FILTER);
                setEntries([]);
                setFilter(NO_FILTER);
              }}
            >
              {t('log.clear')}
            </button>
          )}
        </div>
      </form>
      {status === 'error' && <ErrorView error={error} retry={() => load(null)} />}
      {status !== 'error' && entries.length === 0 && status === 'idle' && (
        <Notice tone="info" role="status" title={t(filtered ? 'log.emptyFiltered' : 'log.empty')} />
      )}
      {entries.length > 0 && (
        <ol class="timeline log" aria-label={t('log.title')}>
          {entries.map((e, i) => (
            <LogEntry key={i} entry={e} />
          ))}
        </ol>
      )}
      {status === 'loading' && <Loading />}
      {status === 'idle' && next && (
        <button type="button" class="button secondary wide" onClick={() => load(next)}>
          {t('log.more')}
        </button>
      )}
    </>
  );
}

function readerOf(e: Entry): string {
  switch (e.readerKind) {
    case 'CLIENT':
      return t('log.CLIENT', { name: e.clientName ?? t('log.unknownReader') });
    case 'OFFICER':
      return t('log.OFFICER', { unit: e.officerUnit ?? t('log.unknownReader') });
    default:
      return tx(`log.${e.readerKind}`);
  }
}

function LogEntry(props: { entry: Entry }) {
  const e = props.entry;
  return (
    <li class="log-entry">
      <p class="timeline-when">
        <time dateTime={e.at}>{fmtDateTime(e.at)}</time>
      </p>
      <p class="log-reader">{readerOf(e)}</p>
      {e.share && <p class="log-share">{t(`log.share${e.share.event}`, { id: e.share.id })}</p>}
      <dl class="fields compact">
        {e.purpose && (
          <div class="field">
            <dt>{t('log.purpose')}</dt>
            <dd class="mono">{e.purpose}</dd>
          </div>
        )}
        {e.dossierRef && (
          <div class="field">
            <dt>{t('log.dossier')}</dt>
            <dd class="mono">{e.dossierRef}</dd>
          </div>
        )}
        <div class="field">
          <dt>{t('log.papers')}</dt>
          <dd>{e.documents.map((d) => tx(`scope.${d}`)).join(', ') || '—'}</dd>
        </div>
        {e.share && (
          <div class="field">
            <dt>{t('log.shareFields')}</dt>
            <dd>{e.share.fields.map((f) => tx(`sf.${f}`)).join(', ')}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

/** The filters: one paper, and a period (from, to). */
function FilterFields(props: { draft: Filter; onChange: (f: Filter) => void }) {
  const { draft } = props;
  const setDraft = props.onChange;
  return (
    <>
      <div class="filter">
        <label for="log-paper">{t('log.paper')}</label>
        <select
          id="log-paper"
          value={draft.document}
          onChange={(e) =>
            setDraft({ ...draft, document: (e.target as HTMLSelectElement).value as DocumentScope | '' })
          }
        >
          <option value="">{t('log.allPapers')}</option>
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {tx(`scope.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div class="filter">
        <label for="log-from">{t('log.from')}</label>
        <input
          id="log-from"
          type="date"
          value={draft.from}
          onInput={(e) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })}
        />
      </div>
      <div class="filter">
        <label for="log-to">{t('log.to')}</label>
        <input
          id="log-to"
          type="date"
          value={draft.to}
          onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })}
        />
      </div>
    </>
  );
}
