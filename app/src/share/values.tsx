/**
 * A shared field's value (JSON as the hub's API shows it) in words: dates, yes/no, addresses,
 * licence classes, identity documents, contribution periods, visits, vaccinations.
 */
import { fmtDate, fmtMonth } from '../format';
import { t, tx } from '../i18n';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
type Obj = Record<string, unknown>;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (typeof v === 'string') {
    if (DATE.test(v)) return fmtDate(v);
    return tx(`identity.${v}`, {}, tx(`licence.${v}`, {}, tx(`idcard.${v}`, {}, tx(`si.${v}`, {}, v))));
  }
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** One item of a list, by the shape the hub gives it. */
function describe(o: Obj): string {
  if ('code' in o && 'expiresOn' in o) {
    const when = o.expired
      ? t('licence.classExpired')
      : o.expiresOn
        ? t('licence.classExpires', { date: fmtDate(str(o.expiresOn)) })
        : t('licence.classNoExpiry');
    return `${scalar(o.code)}: ${when}`;
  }
  if ('kind' in o && 'number' in o) {
    return `${tx(`idcard.${String(o.kind)}`, {}, '—')} ${scalar(o.number)} · ${t('idcard.issuedOn')} ${fmtDate(str(o.issuedOn))}`;
  }
  if ('from' in o && 'employer' in o) {
    return `${fmtMonth(str(o.from))} – ${o.to ? fmtMonth(str(o.to)) : t('si.now')} · ${scalar(o.employer)} · ${scalar(o.scheme)}`;
  }
  if ('diagnoses' in o) {
    const facility = (o.facility as Obj | null)?.name;
    const diagnoses = Array.isArray(o.diagnoses) ? (o.diagnoses as Obj[]).map((d) => scalar(d.name)).join(', ') : '';
    return [fmtDate(str(o.date)), scalar(facility), diagnoses].filter(Boolean).join(' · ');
  }
  if ('vaccine' in o)
    return `${scalar(o.vaccine)} · ${fmtDate(str(o.date))}${typeof o.dose === 'number' ? ` · ${t('hr.dose', { n: o.dose })}` : ''}`;
  if (typeof o.formatted === 'string') return o.formatted;
  if (typeof o.name === 'string') return `${o.name}${typeof o.icd10 === 'string' ? ` (${o.icd10})` : ''}`;
  return Object.values(o)
    .filter((x) => x !== null && x !== undefined && typeof x !== 'object' && typeof x !== 'boolean')
    .map(scalar)
    .join(' · ');
}

export function Value(props: { value: unknown }) {
  const v = props.value;
  if (Array.isArray(v)) {
    if (v.length === 0) return <>—</>;
    return (
      <ul class="plain">
        {v.map((item, i) => (
          <li key={i}>{item && typeof item === 'object' ? describe(item as Obj) : scalar(item)}</li>
        ))}
      </ul>
    );
  }
  if (v && typeof v === 'object') return <>{describe(v as Obj)}</>;
  return <>{scalar(v)}</>;
}
