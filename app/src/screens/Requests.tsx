/**
 * My requests: the citizen's data-subject requests (`myRequests`), newest first: what was asked
 * (kind, paper and field), where it is, the legal deadlines in words, an overdue deadline marked
 * in words and with a symbol (never by colour alone), and why a refused one was refused.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { MyRequestsDocument, type RequestItemFragment } from '../../../generated/app/graphql';
import { request } from '../api/client';
import { fmtDateTime, fmtDeadline } from '../format';
import { t, tx } from '../i18n';
import { Badge, ErrorView, Field, Loading, Notice } from '../ui';
import { useLatest } from '../latest';

const PAGE = 20;
const OPEN = new Set(['RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS']);

export function Requests() {
  const [items, setItems] = useState<RequestItemFragment[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const latest = useLatest();
  const load = useCallback(async (after: string | null = null) => {
    const current = latest.begin();
    setError(null);
    try {
      const r = await request(MyRequestsDocument, { first: PAGE, after });
      if (!current()) return;
      if (!r.data) throw new Error('no data');
      const page = r.data.myRequests;
      setItems((old) => (after && old ? [...old, ...page.nodes] : page.nodes));
      setCursor(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
    } catch (e) {
      if (current()) setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <>
      <h1 tabIndex={-1}>{t('requests.title')}</h1>
      <p class="intro">{t('requests.intro')}</p>
      {error !== null && <ErrorView error={error} retry={() => void load()} />}
      {items === null && error === null && <Loading />}
      {items?.length === 0 && <Notice tone="info" title={t('requests.empty')} />}
      {items && items.length > 0 && (
        <ul class="cards plain">
          {items.map((r) => (
            <li key={r.id}>
              <RequestCard request={r} />
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="button secondary wide" onClick={() => void load(cursor)}>
          {t('requests.more')}
        </button>
      )}
    </>
  );
}

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info'> = {
  RECEIVED: 'info',
  ACKNOWLEDGED: 'info',
  IN_PROGRESS: 'info',
  DONE: 'ok',
  REFUSED: 'bad',
};

function RequestCard(props: { request: RequestItemFragment }) {
  const r = props.request;
  const open = OPEN.has(r.status);
  const headingId = `request-${r.id}`;
  const what =
    r.kind === 'CORRECTION' && r.source
      ? t('requests.correctionOf', {
          field: tx(`cfield.${r.field ?? ''}`, {}, r.field ?? '—'),
          source: tx(`source.${r.source}`),
        })
      : r.clientId
        ? t('requests.client', { client: r.clientId })
        : null;
  return (
    <section class="card" aria-labelledby={headingId} data-request={r.id}>
      <h2 id={headingId}>{tx(`request.kind.${r.kind}`)}</h2>
      {what && <p>{what}</p>}
      <p>
        <Badge tone={STATUS_TONE[r.status] ?? 'info'}>{tx(`request.status.${r.status}`)}</Badge>{' '}
        {(r.acknowledgementOverdue || r.actionOverdue) && <Badge tone="warn">{t('requests.overdue')}</Badge>}
      </p>
      <dl class="fields">
        <Field label={t('requests.received')}>{fmtDateTime(r.receivedAt)}</Field>
        {r.status === 'RECEIVED' && (
          <Field label={t('requests.acknowledgeBy')}>
            <Deadline iso={r.acknowledgeBy} overdue={r.acknowledgementOverdue} />
          </Field>
        )}
        {open && (
          <Field label={t('requests.actBy')}>
            <Deadline iso={r.actBy} overdue={r.actionOverdue} />
            {r.extendedAt && <span class="muted"> {t('requests.extended')}</span>}
          </Field>
        )}
        {r.closedAt && <Field label={t('requests.closed')}>{fmtDateTime(r.closedAt)}</Field>}
        {r.note && (
          <Field label={t('requests.note')}>
            <span class="prewrap">{r.note}</span>
          </Field>
        )}
        {r.refusalReason && <Field label={t('requests.refusalReason')}>{r.refusalReason}</Field>}
        {r.resolution && <Field label={t('requests.resolution')}>{r.resolution}</Field>}
      </dl>
    </section>
  );
}

/** A deadline in words; past it, the words say so (with a symbol), not only a colour. */
function Deadline(props: { iso: string; overdue: boolean }) {
  return (
    <span class={props.overdue ? 'overdue' : undefined}>
      {props.overdue && (
        <span aria-hidden="true" class="overdue-symbol">
          ⚠{' '}
        </span>
      )}
      {fmtDeadline(props.iso)}
      {props.overdue && <strong> ({t('requests.pastDeadline')})</strong>}
    </span>
  );
}
