/**
 * The working groups' activation report for the officer's province or commune and a period: records
 * collected by level, activated, approved but not activated, people 14+ without an account, the
 * activation rate; charts of the activation rate per commune (bars) and of the daily registrations
 * and activations against the targets (lines), each with its numbers as a table. Every number is the
 * hub's `accountReport`, shown as it comes.
 */
import { useState } from 'preact/hooks';
import { WbReportDocument, type WbReportQuery } from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { addDays, fmtDate, todayInVietnam } from '../format';
import { Loading } from '../ui';
import { BarChart, LineChart } from './charts';
import { CommuneSelect, Refusal, Stat, ask, homeArea, useLoad } from './common';
import { num, pct, wt } from './i18n';

type Report = WbReportQuery['accountReport'];

export function Report(props: { officer: OfficerClaims }) {
  const today = todayInVietnam();
  const [query, setQuery] = useState({ area: homeArea(props.officer), from: addDays(today, -29), to: today });
  const [draft, setDraft] = useState(query);
  const [bad, setBad] = useState(false);
  const report = useLoad(() => ask(WbReportDocument, query), [query]);
  const r = report.data?.accountReport;
  return (
    <>
      <h1 tabIndex={-1}>{wt('report.title')}</h1>
      <form
        class="filters wb-bar"
        aria-label={wt('report.period')}
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.from > draft.to) return setBad(true);
          setBad(false);
          setQuery(draft);
        }}
      >
        <CommuneSelect
          officer={props.officer}
          value={draft.area}
          onChange={(area) => setDraft({ ...draft, area })}
          id="report-area"
        />
        <div class="filter">
          <label for="report-from">{wt('report.from')}</label>
          <input
            id="report-from"
            type="date"
            value={draft.from}
            max={today}
            onInput={(e) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="filter">
          <label for="report-to">{wt('report.to')}</label>
          <input
            id="report-to"
            type="date"
            value={draft.to}
            max={today}
            onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })}
          />
        </div>
        {bad && (
          <p class="field-error" role="alert">
            {wt('report.badPeriod')}
          </p>
        )}
        <div class="filter-actions">
          <button type="submit" class="button primary">
            {wt('report.show')}
          </button>
        </div>
      </form>
      {report.error !== null && <Refusal error={report.error} retry={report.reload} />}
      {report.loading && !r && <Loading />}
      {r && <ReportBody r={r} />}
    </>
  );
}

function ReportBody(props: { r: Report }) {
  const r = props.r;
  return (
    <>
      <h2>
        {r.area.name} · {fmtDate(r.from)} – {fmtDate(r.to)}
      </h2>
      <dl class="wb-stats">
        <Stat
          testid="collected"
          label={wt('report.collected')}
          value={`${num(r.period.collected.total)} (${wt('report.level1')}: ${num(r.period.collected.level1)} · ${wt('report.level2')}: ${num(r.period.collected.level2)})`}
        />
        <Stat testid="activated" label={wt('report.activated')} value={num(r.period.activated.total)} />
        <Stat
          testid="approvedNotActivated"
          label={wt('report.approvedNotActivated')}
          value={num(r.atEnd.approvedNotActivated)}
        />
        <Stat testid="notRegistered" label={wt('report.notRegistered')} value={num(r.population?.notRegistered)} />
        <Stat testid="without" label={wt('report.without')} value={num(r.withoutActivatedAccount)} />
        <Stat testid="rate" label={wt('report.rate')} value={pct(r.cumulative.activationRate)} />
        <Stat testid="periodRate" label={wt('report.periodRate')} value={pct(r.period.activationRate)} />
        <Stat testid="overdue" label={wt('report.overdue')} value={num(r.approvalsOverdue)} />
      </dl>
      {r.communes.length > 0 && <CommuneBars r={r} />}
      <Daily r={r} />
    </>
  );
}

function CommuneBars(props: { r: Report }) {
  const communes = [...props.r.communes].sort(
    (a, b) => (b.cumulative.activationRate ?? -1) - (a.cumulative.activationRate ?? -1),
  );
  return (
    <BarChart
      id="commune-rate"
      title={wt('report.byCommune')}
      max={1}
      bars={communes.map((c) => ({
        label: c.area.name,
        value: c.cumulative.activationRate ?? null,
        text: pct(c.cumulative.activationRate),
      }))}
      table={
        <table class="wb-table" data-table="commune-rate">
          <thead>
            <tr>
              <th scope="col">{wt('wb.commune')}</th>
              <th scope="col" class="num">
                {wt('report.collectedLine')}
              </th>
              <th scope="col" class="num">
                {wt('report.activatedLine')}
              </th>
              <th scope="col" class="num">
                {wt('report.rate')}
              </th>
            </tr>
          </thead>
          <tbody>
            {communes.map((c) => (
              <tr key={c.area.code} data-commune={c.area.code}>
                <th scope="row">{c.area.name}</th>
                <td class="num">{num(c.cumulative.collected.total)}</td>
                <td class="num">{num(c.cumulative.activated.total)}</td>
                <td class="num">{pct(c.cumulative.activationRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function Daily(props: { r: Report }) {
  const d = props.r.daily;
  const hasTarget = d.some((x) => x.collectedTarget !== null || x.activatedTarget !== null);
  return (
    <>
      <LineChart
        id="daily"
        title={wt('report.daily')}
        labels={d.map((x) => fmtDate(x.date).slice(0, 5))}
        format={(v) => num(v)}
        series={[
          { name: wt('report.collectedLine'), values: d.map((x) => x.collected), marker: 'circle', className: 's1' },
          { name: wt('report.activatedLine'), values: d.map((x) => x.activated), marker: 'square', className: 's2' },
          ...(hasTarget
            ? [
                {
                  name: wt('report.collectedTarget'),
                  values: d.map((x) => x.collectedTarget ?? null),
                  marker: 'none' as const,
                  dashed: true,
                  className: 's1',
                },
                {
                  name: wt('report.activatedTarget'),
                  values: d.map((x) => x.activatedTarget ?? null),
                  marker: 'none' as const,
                  dashed: true,
                  className: 's2',
                },
              ]
            : []),
        ]}
        table={
          <table class="wb-table" data-table="daily">
            <thead>
              <tr>
                <th scope="col">{wt('report.date')}</th>
                <th scope="col" class="num">
                  {wt('report.collectedLine')}
                </th>
                <th scope="col" class="num">
                  {wt('report.collectedTarget')}
                </th>
                <th scope="col" class="num">
                  {wt('report.activatedLine')}
                </th>
                <th scope="col" class="num">
                  {wt('report.activatedTarget')}
                </th>
              </tr>
            </thead>
            <tbody>
              {d.map((x) => (
                <tr key={x.date}>
                  <th scope="row">{fmtDate(x.date)}</th>
                  <td class="num">{num(x.collected)}</td>
                  <td class="num">{num(x.collectedTarget)}</td>
                  <td class="num">{num(x.activated)}</td>
                  <td class="num">{num(x.activatedTarget)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      {!hasTarget && <p class="muted">{wt('report.noTarget')}</p>}
    </>
  );
}
