/**
 * One case: the population's record and the source's side by side, field by field, each value as
 * its agency stores it and normalised, the differing characters underlined and marked (never by
 * colour alone) with a sentence saying what differs; a FORMAT_ONLY case says only the form differs.
 * Then what can be done (the hub's state machine decides; its refusals are said in words), the
 * notes and the history (asked for this one case only: their cost).
 */
import { useState } from 'preact/hooks';
import {
  WbCaseAssignDocument,
  WbCaseConfirmDocument,
  WbCaseDismissDocument,
  WbCaseDocument,
  WbCaseNoteDocument,
  WbCaseReopenDocument,
  WbCaseResolveDocument,
  type WbCaseDetailFragment,
  type WbCasePayloadFragment,
} from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { fmtDateTime } from '../format';
import { onLinkClick } from '../router';
import { Badge, Loading, Notice } from '../ui';
import { CorrectionField, Due, Refusal, STATUS_TONE, ask, refusalWords, useLoad } from './common';
import { CaseActions, type ActionRequest } from './CaseActions';
import { charDiff, type Run } from './diff';
import { wt, wx } from './i18n';

type Cmp = NonNullable<WbCaseDetailFragment['comparison']>;

export function CaseDetail(props: { officer: OfficerClaims; id: string }) {
  const c = useLoad(() => ask(WbCaseDocument, { id: props.id }), [props.id]);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const view = c.data?.reconciliationCase ?? null;

  const act = async (r: ActionRequest) => {
    setMessage(null);
    let p: WbCasePayloadFragment;
    try {
      p = await perform(props.id, r);
    } catch (e) {
      setMessage({ tone: 'bad', text: refusalWords(e) });
      return;
    }
    if (p.userErrors.length) {
      setMessage({ tone: 'bad', text: userErrorWords(p.userErrors[0]) });
    } else if (p.case) {
      // The hub's query depth limit keeps payloads shallow: the case is asked again, whole.
      c.reload();
      setMessage({ tone: 'ok', text: wt('case.saved', { status: wx(`status.${p.case.status}`) }) });
    }
  };

  return (
    <>
      <p>
        <a href="/app/wb/cases" onClick={onLinkClick('wb/cases')}>
          ← {wt('case.back')}
        </a>
      </p>
      <h1 tabIndex={-1}>
        {wt('case.title')}: {view ? wx(`kind.${view.kind}`) : ''}
      </h1>
      {c.error !== null && <Refusal error={c.error} retry={c.reload} />}
      {c.loading && !view && <Loading />}
      {view && (
        <>
          <p class="wb-case-head">
            <Badge tone={STATUS_TONE[view.status]}>{wx(`status.${view.status}`)}</Badge>{' '}
            <span class="mono">{view.id}</span>
          </p>
          <Facts view={view} />
          {view.comparison ? (
            <Comparison cmp={view.comparison} variant={view.variant ?? null} />
          ) : (
            <Values view={view} />
          )}
          {message && (
            <Notice tone={message.tone} role={message.tone === 'bad' ? 'alert' : 'status'} title={message.text} />
          )}
          <CaseActions officer={props.officer} view={view} onAct={(r) => void act(r)} />
          <NotesAndHistory view={view} />
        </>
      )}
    </>
  );
}

async function perform(id: string, r: ActionRequest): Promise<WbCasePayloadFragment> {
  switch (r.type) {
    case 'CONFIRM':
      return (await ask(WbCaseConfirmDocument, { id, note: r.note || null })).reconciliationCaseConfirm;
    case 'RESOLVE':
      return (await ask(WbCaseResolveDocument, { id, note: r.note })).reconciliationCaseResolve;
    case 'DISMISS':
      return (await ask(WbCaseDismissDocument, { id, reason: r.note })).reconciliationCaseDismiss;
    case 'REOPEN':
      return (await ask(WbCaseReopenDocument, { id, note: r.note || null })).reconciliationCaseReopen;
    case 'ASSIGN':
      return (await ask(WbCaseAssignDocument, { id, assignee: r.assignee, note: r.note || null }))
        .reconciliationCaseAssign;
    case 'NOTE':
      return (await ask(WbCaseNoteDocument, { id, text: r.note })).reconciliationCaseNote;
  }
}

/** A refusal of the state machine in the officer's language, from its status and allowed actions. */
export function userErrorWords(e: WbCasePayloadFragment['userErrors'][number]): string {
  if (e.code === 'ILLEGAL_TRANSITION' && e.status && e.allowed) {
    return wt('case.illegal', {
      status: wx(`status.${e.status}`),
      action: wx(`case.do.${actionOf(e.message)}`),
      allowed: e.allowed.map((a) => wx(`case.do.${a}`)).join(', '),
    });
  }
  return wx(`case.err.${e.code}`) === e.code ? e.message : wx(`case.err.${e.code}`);
}

/** The refused action, from the hub's sentence ("it cannot be resolved"). */
function actionOf(message: string): string {
  const m = /cannot be (confirmed|resolved|dismissed|reopened|assigned|given a note)/.exec(message);
  const map: Record<string, string> = {
    confirmed: 'CONFIRM',
    resolved: 'RESOLVE',
    dismissed: 'DISMISS',
    reopened: 'REOPEN',
    assigned: 'ASSIGN',
    'given a note': 'NOTE',
  };
  return m ? map[m[1]] : 'NOTE';
}

function Facts(props: { view: WbCaseDetailFragment }) {
  const v = props.view;
  return (
    <dl class="fields wb-facts">
      <Fact label={wt('cases.source')}>{wx(`source.${v.source}`)}</Fact>
      <Fact label={wt('case.recordKey')}>
        <span class="mono">{v.recordKey}</span>
      </Fact>
      <Fact label={wt('cases.person')}>
        <span class="mono">{v.personalId ?? '—'}</span>
      </Fact>
      <Fact label={wt('case.area')}>{v.area?.name ?? '—'}</Fact>
      <Fact label={wt('case.assignee')}>
        {v.assignee ? <span class="mono">{v.assignee}</span> : wt('cases.unassigned')}
      </Fact>
      <Fact label={wt('case.firstSeen')}>{fmtDateTime(v.firstSeenAt)}</Fact>
      <Fact label={wt('case.lastSeen')}>{fmtDateTime(v.lastSeenAt)}</Fact>
    </dl>
  );
}

function Fact(props: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="field">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function Marked(props: { runs: Run[] }) {
  return (
    <>
      {props.runs.map((r, i) =>
        r.diff ? (
          <mark key={i} class="wb-diff">
            {r.text}
          </mark>
        ) : (
          <span key={i}>{r.text}</span>
        ),
      )}
    </>
  );
}

/** The pair compared for the highlight: both normalised; in key form when the source keeps no marks. */
function compared(cmp: Cmp): [string, string] {
  const p = cmp.population;
  const s = cmp.source;
  if (cmp.field === 'FULL_NAME' && s.key && s.normalised === s.key && p.key) return [p.key, s.key];
  return [p.normalised ?? p.raw ?? '', s.normalised ?? s.raw ?? ''];
}

function Comparison(props: { cmp: Cmp; variant: string | null }) {
  const cmp = props.cmp;
  const raw = charDiff(cmp.population.raw ?? '', cmp.source.raw ?? '');
  const [pa, sb] = compared(cmp);
  const norm = charDiff(pa, sb);
  const words = norm.changes.map((c) =>
    c.a && c.b
      ? wt('case.diffPair', { ...c })
      : c.a
        ? wt('case.diffMissing', { ...c })
        : wt('case.diffExtra', { ...c }),
  );
  const source = wx(`source.${cmp.source.source}`);
  return (
    <section aria-labelledby="cmp-head">
      <h2 id="cmp-head">
        {wt('case.compare')}: {wx(`field.${cmp.field}`)}
      </h2>
      <Notice tone={cmp.formOnly ? 'info' : 'warn'}>
        <p data-summary="kind">
          {cmp.formOnly
            ? wt('case.formOnly', { variant: props.variant ? wx(`variant.${props.variant}`) : '' })
            : wt('case.mismatch')}
        </p>
        <p data-summary="diff">
          {norm.count === 0 ? wt('case.diffNone') : wt('case.diffSummary', { n: norm.count, list: words.join('; ') })}
        </p>
        <p class="muted">{wt('case.legend')}</p>
      </Notice>
      <table class="wb-table wb-compare">
        <thead>
          <tr>
            <td />
            <th scope="col">{wt('case.side.POPULATION')}</th>
            <th scope="col">{wt('case.side.SOURCE', { source })}</th>
          </tr>
        </thead>
        <tbody>
          <tr data-row="raw">
            <th scope="row">{wt('case.raw')}</th>
            <td class="wb-value">
              <Marked runs={raw.a} />
            </td>
            <td class="wb-value">
              <Marked runs={raw.b} />
            </td>
          </tr>
          <tr data-row="normalised">
            <th scope="row">{compared(cmp)[0] === cmp.population.key ? wt('case.key') : wt('case.normalised')}</th>
            <td class="wb-value">
              <Marked runs={norm.a} />
            </td>
            <td class="wb-value">
              <Marked runs={norm.b} />
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

/** A case of another kind: the two values it names, each labelled with where it comes from. */
function Values(props: { view: WbCaseDetailFragment }) {
  const v = props.view;
  return (
    <dl class="fields">
      {v.sourceField && <Fact label={wt('case.sourceField')}>{v.sourceField}</Fact>}
      {v.correctionField && (
        <Fact label={wt('case.correctionField')}>
          <CorrectionField name={v.correctionField} />
        </Fact>
      )}
      {v.dueAt && (
        <Fact label={wt('cases.due')}>
          <Due dueAt={v.dueAt} overdue={v.overdue ?? null} />
        </Fact>
      )}
      <Fact label={`${wt('case.sourceValue')} (${wx(`source.${v.source}`)}, ${wt('case.raw')})`}>
        <span class="mono">{v.sourceValue ?? '—'}</span>
      </Fact>
      <Fact label={wt('case.populationValue')}>
        <span class="mono">{v.populationValue ?? '—'}</span>
      </Fact>
    </dl>
  );
}

function NotesAndHistory(props: { view: WbCaseDetailFragment }) {
  const v = props.view;
  return (
    <div class="wb-two">
      <section aria-labelledby="notes-head">
        <h2 id="notes-head">{wt('case.notes')}</h2>
        {v.notes.length === 0 && <p class="muted">{wt('case.noNotes')}</p>}
        <ol class="timeline">
          {v.notes.map((n, i) => (
            <li key={i}>
              <p class="timeline-when">
                {fmtDateTime(n.at)} · <span class="mono">{n.by}</span>
              </p>
              <p>{n.text}</p>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="history-head">
        <h2 id="history-head">{wt('case.history')}</h2>
        <ol class="timeline" data-history>
          {v.history.map((h, i) => (
            <li key={i}>
              <p class="timeline-when">
                {fmtDateTime(h.at)} · <span class="mono">{h.by}</span>
              </p>
              <p>
                {wt('case.event', {
                  event: wx(`case.event.${h.event}`),
                  from: wx(`status.${h.from}`),
                  to: wx(`status.${h.to}`),
                })}
                {h.assignee ? ` · ${h.assignee}` : ''}
              </p>
              {h.note && <p class="muted">{h.note}</p>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
