/**
 * Per-area cleanliness: the share of clean records per source after each reconciliation run of the
 * area (a line per source, with the numbers as a table), today's figures per source, and the CSV of
 * the open cases.
 */
import { useState } from 'preact/hooks';
import { WbCleanlinessDocument, WbSummaryDocument } from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { fmtDateTime, fmtDayOf } from '../format';
import { Loading, Notice } from '../ui';
import { LineChart, type Series } from './charts';
import { CommuneSelect, CsvButton, Refusal, ask, homeArea, useLoad } from './common';
import { num, pct, wt, wx } from './i18n';

const STYLES: Array<Pick<Series, 'marker' | 'dashed' | 'className'>> = [
  { marker: 'circle', className: 's1' },
  { marker: 'square', className: 's2' },
  { marker: 'circle', dashed: true, className: 's3' },
  { marker: 'square', dashed: true, className: 's4' },
  { marker: 'diamond', className: 's5' },
];

export function Cleanliness(props: { officer: OfficerClaims }) {
  const [area, setArea] = useState(homeArea(props.officer));
  const history = useLoad(() => ask(WbCleanlinessDocument, { area }), [area]);
  const summary = useLoad(() => ask(WbSummaryDocument, { area }), [area]);
  const points = history.data?.reconciliationCleanliness ?? [];
  const s = summary.data?.reconciliationSummary;
  const sources = points[0]?.sources.map((x) => x.source) ?? s?.sources.map((x) => x.source) ?? [];
  const series: Series[] = sources.map((src, i) => ({
    name: wx(`source.${src}`),
    values: points.map((p) => p.sources.find((x) => x.source === src)?.cleanShare ?? null),
    ...STYLES[i % STYLES.length],
  }));
  // Runs of one day are told apart by their time.
  const days = points.map((p) => fmtDayOf(p.at));
  const labels = new Set(days).size === days.length ? days : points.map((p) => fmtDateTime(p.at));

  return (
    <>
      <h1 tabIndex={-1}>{wt('clean.title')}</h1>
      <p class="intro">{wt('clean.intro')}</p>
      <div class="filters wb-bar">
        <CommuneSelect officer={props.officer} value={area} onChange={setArea} id="clean-area" />
        <div class="filter-actions">
          <CsvButton
            path={`/reconciliation/cases.csv?area=${encodeURIComponent(area)}`}
            filename={`reconciliation-cases-${area}.csv`}
            label={wt('cases.exportOpen')}
          />
        </div>
      </div>
      {history.error !== null && <Refusal error={history.error} retry={history.reload} />}
      {(history.loading || summary.loading) && !s && <Loading />}
      {history.data && points.length === 0 && <Notice tone="info" title={wt('clean.never')} />}
      {points.length > 0 && (
        <LineChart
          id="cleanliness"
          title={wt('clean.chart')}
          labels={labels}
          series={series}
          max={1}
          format={(v) => pct(v)}
          table={
            <table class="wb-table">
              <thead>
                <tr>
                  <th scope="col">{wt('runs.when')}</th>
                  {sources.map((src) => (
                    <th key={src} scope="col" class="num">
                      {wx(`source.${src}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.runId}>
                    <th scope="row">{fmtDateTime(p.at)}</th>
                    {p.sources.map((x) => (
                      <td key={x.source} class="num">
                        {pct(x.cleanShare)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}
      {s && (
        <section aria-labelledby="clean-now">
          <h2 id="clean-now">{wt('clean.now')}</h2>
          <table class="wb-table" data-table="cleanliness-now">
            <thead>
              <tr>
                <th scope="col">{wt('cases.source')}</th>
                <th scope="col" class="num">
                  {wt('clean.records')}
                </th>
                <th scope="col" class="num">
                  {wt('clean.withFindings')}
                </th>
                <th scope="col" class="num">
                  {wt('clean.share')}
                </th>
                <th scope="col" class="num">
                  {wt('clean.open')}
                </th>
              </tr>
            </thead>
            <tbody>
              {s.sources.map((x) => (
                <tr key={x.source}>
                  <th scope="row">{wx(`source.${x.source}`)}</th>
                  <td class="num">{num(x.records)}</td>
                  <td class="num">{num(x.recordsWithFindings)}</td>
                  <td class="num">{pct(x.cleanShare)}</td>
                  <td class="num">{num(x.openCases.reduce((a, c) => a + c.count, 0))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
