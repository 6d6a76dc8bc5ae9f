/**
 * Charts drawn as SVG: horizontal bars (one value per label) and lines over days (several series,
 * a target drawn dashed). Each is a figure whose picture is described in words (`role="img"` and a
 * label) and followed by the same numbers as a table, the accessible alternative; series differ by
 * line style and marker shape as well as by colour.
 */
import type { ComponentChildren } from 'preact';
import { wt } from './i18n';

export interface Bar {
  label: string;
  value: number | null;
  /** The value as text (a percentage). */
  text: string;
}

const BAR_H = 22;
const LABEL_W = 200;
const CHART_W = 720;

export function BarChart(props: { id: string; title: string; bars: Bar[]; max?: number; table: ComponentChildren }) {
  const max = props.max ?? Math.max(1e-9, ...props.bars.map((b) => b.value ?? 0));
  const plot = CHART_W - LABEL_W - 70;
  const h = props.bars.length * (BAR_H + 6) + 10;
  return (
    <figure class="wb-chart" aria-labelledby={`${props.id}-cap`}>
      <figcaption id={`${props.id}-cap`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${CHART_W} ${h}`}
        width="100%"
        role="img"
        aria-label={`${props.title}: ${props.bars.map((b) => `${b.label} ${b.text}`).join('; ')}`}
        data-chart={props.id}
      >
        {props.bars.map((b, i) => {
          const y = 5 + i * (BAR_H + 6);
          const w = b.value === null ? 0 : Math.max(1, (b.value / max) * plot);
          return (
            <g key={b.label} data-bar={b.label} data-value={b.value ?? ''}>
              <text x={LABEL_W - 8} y={y + BAR_H / 2 + 5} text-anchor="end" class="wb-axis">
                {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
              </text>
              <rect x={LABEL_W} y={y} width={w} height={BAR_H} class="wb-bar" />
              <text x={LABEL_W + w + 6} y={y + BAR_H / 2 + 5} class="wb-axis">
                {b.text}
              </text>
            </g>
          );
        })}
      </svg>
      <details class="wb-table-alt">
        <summary>{wt('wb.table')}</summary>
        {props.table}
      </details>
    </figure>
  );
}

/** A point's marker: a circle, a square or a diamond (series differ by shape, not by colour alone). */
function Marker(props: { shape: Series['marker']; x: number; y: number; className: string; value?: number }) {
  const { x, y } = props;
  const cls = `wb-dot ${props.className}`;
  if (props.shape === 'circle') return <circle cx={x} cy={y} r={3.5} class={cls} data-value={props.value} />;
  if (props.shape === 'square')
    return <rect x={x - 3.5} y={y - 3.5} width={7} height={7} class={cls} data-value={props.value} />;
  return (
    <polygon points={`${x},${y - 5} ${x + 5},${y} ${x},${y + 5} ${x - 5},${y}`} class={cls} data-value={props.value} />
  );
}

export interface Series {
  name: string;
  values: Array<number | null>;
  /** Drawn dashed (a target). */
  dashed?: boolean;
  /** Marker shape, so that series differ without colour. */
  marker: 'circle' | 'square' | 'diamond' | 'none';
  className: string;
}

const LINE_H = 260;
const PAD = { l: 56, r: 16, t: 12, b: 40 };

export function LineChart(props: {
  id: string;
  title: string;
  labels: string[];
  series: Series[];
  /** Fixed top of the scale (a share: 1). */
  max?: number;
  format: (v: number) => string;
  table: ComponentChildren;
}) {
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  // Counts: whole steps from 0 (four of them); a share (max 1) starts near its smallest value,
  // so that small changes show.
  const step = Math.max(1, Math.ceil(Math.max(1, ...all) / 4));
  const max = props.max ?? step * 4;
  const min = props.max !== undefined && all.length ? Math.max(0, Math.floor((Math.min(...all) - 0.05) * 10) / 10) : 0;
  const n = props.labels.length;
  const w = CHART_W - PAD.l - PAD.r;
  const h = LINE_H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (n <= 1 ? w / 2 : (i / (n - 1)) * w);
  const y = (v: number) => PAD.t + h - ((v - min) / (max - min || 1)) * h;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => min + f * (max - min));
  const every = Math.max(1, Math.ceil(n / 8));
  return (
    <figure class="wb-chart" aria-labelledby={`${props.id}-cap`}>
      <figcaption id={`${props.id}-cap`}>{props.title}</figcaption>
      <ul class="wb-legend" aria-hidden="true">
        {props.series.map((s) => (
          <li key={s.name}>
            <svg width="34" height="12">
              <line
                x1="0"
                y1="6"
                x2="34"
                y2="6"
                class={`wb-line ${s.className}`}
                stroke-dasharray={s.dashed ? '6 4' : undefined}
              />
              {s.marker !== 'none' && <Marker shape={s.marker} x={17} y={6} className={s.className} />}
            </svg>
            {s.name}
          </li>
        ))}
      </ul>
      <svg
        viewBox={`0 0 ${CHART_W} ${LINE_H}`}
        width="100%"
        role="img"
        aria-label={`${props.title}. ${props.series
          .map((s) => `${s.name}: ${s.values.map((v) => (v === null ? '—' : props.format(v))).join(', ')}`)
          .join('. ')}`}
        data-chart={props.id}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.l} x2={CHART_W - PAD.r} y1={y(t)} y2={y(t)} class="wb-grid" />
            <text x={PAD.l - 6} y={y(t) + 4} text-anchor="end" class="wb-axis">
              {props.format(t)}
            </text>
          </g>
        ))}
        {props.labels.map((l, i) =>
          i % every === 0 || i === n - 1 ? (
            <text
              key={`${i}-${l}`}
              x={x(i)}
              y={LINE_H - 12}
              text-anchor={n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle'}
              class="wb-axis"
            >
              {l}
            </text>
          ) : null,
        )}
        {props.series.map((s) => (
          <g key={s.name} data-series={s.name}>
            <polyline
              class={`wb-line ${s.className}`}
              stroke-dasharray={s.dashed ? '6 4' : undefined}
              points={s.values
                .map((v, i) => (v === null ? null : `${x(i)},${y(v)}`))
                .filter(Boolean)
                .join(' ')}
            />
            {s.marker !== 'none' &&
              s.values.map((v, i) =>
                v === null ? null : (
                  <Marker key={i} shape={s.marker} x={x(i)} y={y(v)} className={s.className} value={v} />
                ),
              )}
          </g>
        ))}
      </svg>
      <details class="wb-table-alt">
        <summary>{wt('wb.table')}</summary>
        {props.table}
      </details>
    </figure>
  );
}
