/**
 * The approval queue of an account approver's area: requests awaiting approval with their
 * working-day deadline, the overdue ones first (their own list on the hub, then the others), each
 * approved or rejected with a reason; refusals in the hub's words.
 */
import { useState } from 'preact/hooks';
import { WbApproveDocument, WbRejectDocument, WbWorkListDocument } from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { fmtDateTime } from '../format';
import { Badge, Loading, Notice } from '../ui';
import { Pager, Refusal, ask, homeArea, refusalWords, useLoad, usePager } from './common';
import { wt } from './i18n';

const PAGE = 20;

type Item = {
  personalId: string;
  fullName?: string | null;
  commune: { name: string };
  since?: string | null;
  overdue: boolean;
};

export function Approvals(props: { officer: OfficerClaims }) {
  const area = homeArea(props.officer);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [version, setVersion] = useState(0);
  const latePager = usePager([version]);
  const overdue = useLoad(
    () =>
      ask(WbWorkListDocument, {
        list: 'PENDING_APPROVAL',
        area,
        overdueOnly: true,
        first: PAGE,
        after: latePager.after,
      }),
    [area, latePager.after, version],
  );
  const pager = usePager([version]);
  const all = useLoad(
    () => ask(WbWorkListDocument, { list: 'PENDING_APPROVAL', area, first: PAGE, after: pager.after }),
    [area, pager.after, version],
  );

  const decide = async (item: Item, how: 'approve' | 'reject', reason: string) => {
    setMessage(null);
    try {
      const r =
        how === 'approve'
          ? (await ask(WbApproveDocument, { personalId: item.personalId })).accountApprove
          : (await ask(WbRejectDocument, { personalId: item.personalId, reason })).accountReject;
      if (r.userErrors.length) setMessage({ tone: 'bad', text: wt('wb.refused', { why: r.userErrors[0].message }) });
      else {
        const name = item.fullName ?? item.personalId;
        setMessage({ tone: 'ok', text: wt(how === 'approve' ? 'approvals.approved' : 'approvals.rejected', { name }) });
        setVersion(version + 1);
      }
    } catch (e) {
      setMessage({ tone: 'bad', text: refusalWords(e) });
    }
  };

  const lateList = overdue.data?.accountWorkList;
  const late = lateList?.nodes ?? [];
  const page = all.data?.accountWorkList;
  const onTime = (page?.nodes ?? []).filter((n) => !n.overdue);
  return (
    <>
      <h1 tabIndex={-1}>{wt('approvals.title')}</h1>
      <p class="intro">{wt('approvals.intro')}</p>
      {message && (
        <Notice tone={message.tone} role={message.tone === 'bad' ? 'alert' : 'status'} title={message.text} />
      )}
      {(overdue.error ?? all.error) !== null && <Refusal error={overdue.error ?? all.error} />}
      {(overdue.loading || all.loading) && !page && <Loading />}
      <h2>{wt('approvals.overdueSection')}</h2>
      {overdue.data && late.length === 0 && <p class="muted">{wt('wb.none')}</p>}
      <ul class="plain wb-requests">
        {late.map((n) => (
          <Request key={n.personalId} item={n} onDecide={decide} />
        ))}
      </ul>
      {lateList && (lateList.pageInfo.hasNextPage || latePager.page > 1) && (
        <Pager
          page={latePager.page}
          shown={late.length}
          total={lateList.totalCount}
          hasNext={lateList.pageInfo.hasNextPage}
          onPrev={latePager.prev}
          onNext={() => latePager.next(lateList.pageInfo.endCursor ?? null)}
        />
      )}
      <h2>{wt('approvals.pendingSection')}</h2>
      {page && onTime.length === 0 && <p class="muted">{wt('wb.none')}</p>}
      <ul class="plain wb-requests">
        {onTime.map((n) => (
          <Request key={n.personalId} item={n} onDecide={decide} />
        ))}
      </ul>
      {page && (
        <Pager
          page={pager.page}
          shown={page.nodes.length}
          total={page.totalCount}
          hasNext={page.pageInfo.hasNextPage}
          onPrev={pager.prev}
          onNext={() => pager.next(page.pageInfo.endCursor ?? null)}
        />
      )}
    </>
  );
}

function Request(props: {
  item: Item;
  onDecide: (i: Item, how: 'approve' | 'reject', reason: string) => Promise<void>;
}) {
  const n = props.item;
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const id = `reason-${n.personalId}`;
  return (
    <li class="card wb-request" data-request={n.personalId}>
      <p>
        <strong>{n.fullName ?? '—'}</strong> · <span class="mono">{n.personalId}</span> · {n.commune.name}
      </p>
      <p>
        {wt('approvals.due')}: {fmtDateTime(n.since)}{' '}
        <Badge tone={n.overdue ? 'bad' : 'ok'}>{wt(n.overdue ? 'approvals.overdue' : 'approvals.onTime')}</Badge>
      </p>
      <div class="wb-decide">
        <button
          type="button"
          class="button primary"
          aria-label={`${wt('approvals.approve')}: ${n.fullName ?? n.personalId}`}
          onClick={() => void props.onDecide(n, 'approve', '')}
        >
          {wt('approvals.approve')}
        </button>
        <label for={id}>{wt('approvals.reason')}</label>
        <input
          id={id}
          type="text"
          value={reason}
          aria-invalid={missing ? 'true' : undefined}
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />
        <button
          type="button"
          class="button secondary"
          aria-label={`${wt('approvals.reject')}: ${n.fullName ?? n.personalId}`}
          onClick={() => {
            if (!reason.trim()) return setMissing(true);
            setMissing(false);
            void props.onDecide(n, 'reject', reason);
          }}
        >
          {wt('approvals.reject')}
        </button>
        {missing && (
          <p class="field-error" role="alert">
            {wt('approvals.reason')}
          </p>
        )}
      </div>
    </li>
  );
}
