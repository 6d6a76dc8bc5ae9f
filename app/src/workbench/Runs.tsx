/**
 * Reconciliation runs of the officer's area: start one (or join the running one), follow its
 * progress (the run is asked again every second while it runs: processed / total, rate, ETA),
 * cancel it, and the past runs, newest first, paged on the hub.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  WbRunCancelDocument,
  WbRunDocument,
  WbRunStartDocument,
  WbRunsDocument,
  type WbRunFragment,
} from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { fmtDateTime } from '../format';
import { onLinkClick } from '../router';
import { Badge, Loading, Notice } from '../ui';
import { CommuneSelect, Pager, Refusal, ask, homeArea, useLoad, usePager } from './common';
import { duration, num, wt, wx } from './i18n';

const PAGE = 10;
const POLL_MS = 1000;

const TONE = { RUNNING: 'info', DONE: 'ok', CANCELLED: 'warn', FAILED: 'bad' } as const;

export function Runs(props: { officer: OfficerClaims }) {
  const o = props.officer;
  const [area, setArea] = useState(homeArea(o));
  const [current, setCurrent] = useState<WbRunFragment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pager = usePager([area]);
  const past = useLoad(() => ask(WbRunsDocument, { area, first: PAGE, after: pager.after }), [area, pager.after]);

  // The latest run of the area, if still running, is followed here.
  useEffect(() => {
    const latest = past.data?.reconciliationRuns.nodes[0];
    if (pager.page === 1 && latest?.status === 'RUNNING' && current?.id !== latest.id) setCurrent(latest);
  }, [past.data]);

  // Poll while it runs; when it ends, the list of past runs is asked again.
  useEffect(() => {
    if (!current || current.status !== 'RUNNING') return;
    const timer = setTimeout(() => {
      ask(WbRunDocument, { id: current.id }).then(
        (d) => {
          setCurrent(d.reconciliationRun);
          if (d.reconciliationRun && d.reconciliationRun.status !== 'RUNNING') past.reload();
        },
        (e: unknown) => setError(e),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [current]);

  const start = () => {
    setError(null);
    ask(WbRunStartDocument, { area }).then((d) => {
      setCurrent(d.reconciliationRunStart);
      past.reload();
    }, setError);
  };
  const cancel = () => {
    if (!current) return;
    ask(WbRunCancelDocument, { id: current.id }).then((d) => {
      setCurrent(d.reconciliationRunCancel);
      past.reload();
    }, setError);
  };

  const runs = past.data?.reconciliationRuns;
  return (
    <>
      <h1 tabIndex={-1}>{wt('runs.title')}</h1>
      <p class="intro">{wt('runs.intro')}</p>
      <div class="filters wb-bar">
        <CommuneSelect officer={o} value={area} onChange={setArea} id="run-area" />
        <div class="filter-actions">
          <button type="button" class="button primary" disabled={current?.status === 'RUNNING'} onClick={start}>
            {wt('runs.start', { area })}
          </button>
        </div>
      </div>
      {error !== null && <Refusal error={error} />}
      {current && <RunProgress run={current} onCancel={cancel} />}
      <h2>{wt('runs.past')}</h2>
      {past.error !== null && <Refusal error={past.error} retry={past.reload} />}
      {past.loading && !runs && <Loading />}
      {runs && runs.nodes.length === 0 && <Notice tone="info" title={wt('wb.none')} />}
      {runs && runs.nodes.length > 0 && (
        <>
          <table class="wb-table">
            <caption class="visually-hidden">{wt('runs.past')}</caption>
            <thead>
              <tr>
                <th scope="col">{wt('runs.when')}</th>
                <th scope="col">{wt('runs.status')}</th>
                <th scope="col" class="num">
                  {wt('runs.findings')}
                </th>
                <th scope="col">{wt('runs.by')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.nodes.map((r) => (
                <tr key={r.id}>
                  <td>{fmtDateTime(r.createdAt)}</td>
                  <td>
                    <Badge tone={TONE[r.status]}>{wx(`runs.status.${r.status}`)}</Badge>
                  </td>
                  <td class="num">{num(r.findings)}</td>
                  <td class="mono">{r.startedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={pager.page}
            shown={runs.nodes.length}
            total={runs.totalCount}
            hasNext={runs.pageInfo.hasNextPage}
            onPrev={pager.prev}
            onNext={() => pager.next(runs.pageInfo.endCursor ?? null)}
          />
        </>
      )}
    </>
  );
}

function RunProgress(props: { run: WbRunFragment; onCancel: () => void }) {
  const r = props.run;
  const p = r.progress;
  const total = Math.max(p.total, p.processed, 1);
  const percent = Math.min(100, Math.round((p.processed / total) * 100));
  return (
    <section class="card wb-run" aria-labelledby="run-head" data-run={r.id} data-status={r.status}>
      <h2 id="run-head">
        {wt('runs.current')} · {r.area.name} <Badge tone={TONE[r.status]}>{wx(`runs.status.${r.status}`)}</Badge>
      </h2>
      <label for="run-progress">{wt('runs.progress')}</label>
      <progress id="run-progress" max={total} value={p.processed} aria-valuetext={`${percent}%`}>
        {percent}%
      </progress>
      <p aria-live="polite" class="wb-run-figures">
        {p.total === 0
          ? wt('runs.estimating')
          : wt('runs.processed', { processed: num(p.processed), total: num(p.total), percent })}
        <br />
        {wt('runs.rate', { rate: num(p.ratePerS) })} ·{' '}
        {p.etaS === null || p.etaS === undefined ? wt('runs.etaUnknown') : wt('runs.eta', { eta: duration(p.etaS) })}
        <br />
        {wt('runs.phase', { phase: wx(`runs.phase.${r.phase}`) })}
      </p>
      {r.status === 'RUNNING' && (
        <button type="button" class="button danger" onClick={props.onCancel}>
          {wt('runs.cancel')}
        </button>
      )}
      {r.status === 'DONE' && (
        <Notice tone="ok" role="status" title={wt('runs.done', { findings: num(r.findings) })}>
          <p>
            <a href="/app/wb/cases" onClick={onLinkClick('wb/cases')}>
              {wt('runs.openCases')}
            </a>
          </p>
        </Notice>
      )}
      {r.error && <Notice tone="bad" role="alert" title={r.error} />}
    </section>
  );
}
