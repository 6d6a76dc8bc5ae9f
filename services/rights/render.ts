/**
 * The human-readable copies of a data export (export.ts): plain text, and HTML (one page, no
 * scripts, every value escaped). Both walk the same JSON document, section by section.
 */

const SECTIONS: Array<[key: string, title: string]> = [
  ['subject', 'Who this copy is about'],
  ['papers', 'Papers from the national databases (as you may see them)'],
  ['account', 'E-identity account'],
  ['consents', 'Consents you gave'],
  ['accessLog', 'Who read your data'],
  ['requests', 'Your requests'],
];

/** A scalar of the JSON document as text (objects and arrays are walked, never stringified). */
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

const label = (k: string) => k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ');

function textLines(v: unknown, indent: string, out: string[]): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${indent}(none)`);
    v.forEach((x, i) => {
      if (x !== null && typeof x === 'object') {
        out.push(`${indent}- #${i + 1}`);
        textLines(x, indent + '    ', out);
      } else out.push(`${indent}- ${str(x)}`);
    });
    return;
  }
  if (typeof v !== 'object') {
    out.push(`${indent}${str(v)}`);
    return;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || x === undefined) continue;
    if (typeof x === 'object') {
      out.push(`${indent}${label(k)}:`);
      textLines(x, indent + '  ', out);
    } else out.push(`${indent}${label(k)}: ${str(x)}`);
  }
}

function header(doc: Record<string, unknown>): string[] {
  return [
    'COPY OF YOUR PERSONAL DATA',
    `Generated: ${String(doc.generatedAt)}`,
    `Controller: ${String((doc.controller as { name?: string } | undefined)?.name ?? '')}`,
    `Legal basis: ${String(doc.legalBasis)}`,
    'A machine-readable copy is at /rights/export.json (or myDataExport { json }).',
  ];
}

/** The export as plain text. */
export function renderText(doc: Record<string, unknown>): string {
  const out = header(doc);
  for (const [key, title] of SECTIONS) {
    out.push('', title.toUpperCase(), '='.repeat(title.length));
    const v = doc[key];
    if (v === null || v === undefined) out.push('(none)');
    else textLines(v, '', out);
  }
  return out.join('\n') + '\n';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(v: unknown): string {
  if (v === null || v === undefined) return '<p>(none)</p>';
  if (Array.isArray(v)) {
    if (v.length === 0) return '<p>(none)</p>';
    return `<ol>${v.map((x) => `<li>${x !== null && typeof x === 'object' ? html(x) : escapeHtml(str(x))}</li>`).join('')}</ol>`;
  }
  if (typeof v !== 'object') return `<p>${escapeHtml(str(v))}</p>`;
  const rows = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== null && x !== undefined)
    .map(
      ([k, x]) => `<dt>${escapeHtml(label(k))}</dt><dd>${typeof x === 'object' ? html(x) : escapeHtml(str(x))}</dd>`,
    );
  return `<dl>${rows.join('')}</dl>`;
}

/** The export as one HTML page. */
export function renderHtml(doc: Record<string, unknown>): string {
  const [title, ...lines] = header(doc);
  const body = SECTIONS.map(([key, t]) => `<section><h2>${escapeHtml(t)}</h2>${html(doc[key])}</section>`).join('\n');
  return [
    '<!doctype html>',
    '<html lang="vi"><head><meta charset="utf-8"><title>Copy of your personal data</title>',
    '<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}dt{font-weight:bold}dd{margin:0 0 .3rem 1.5rem}</style>',
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    body,
    '</body></html>',
  ].join('\n');
}
