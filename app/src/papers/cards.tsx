/** The content of each paper's card (what the hub served; unreadable fields said in words). */
import type { MyPapersQuery } from '../../../generated/app/graphql';
import { t, tx } from '../i18n';
import { fmtDate, fmtMonth } from '../format';
import { Badge, Field } from '../ui';

type Citizen = NonNullable<MyPapersQuery['me']>;
/** Whether the field at this path (relative to the card's document) was unreadable at its source. */
export type Bad = (rel: string) => boolean;

export function IdentityCardBody(props: { card: NonNullable<Citizen['identityCard']>; bad: Bad }) {
  const { card, bad } = props;
  const chip = card.kind === 'CCCD_CHIP' || card.kind === 'IDENTITY_CARD';
  const history = card.history ?? [];
  return (
    <>
      <p class="card-lead">
        {tx(`idcard.${card.kind ?? ''}`, {}, '—')}{' '}
        {card.expired === true ? (
          <Badge tone="bad">{t('idcard.expired')}</Badge>
        ) : card.expired === false ? (
          <Badge tone="ok">{t('idcard.valid')}</Badge>
        ) : null}
      </p>
      <dl class="fields">
        <Field label={t('idcard.number')} unreadable={bad('number')}>
          <span class="mono">{card.number}</span>
        </Field>
        <Field label={t('idcard.issuedOn')} unreadable={bad('issuedOn')}>
          {fmtDate(card.issuedOn)}
        </Field>
        <Field label={t('idcard.expiresOn')} unreadable={bad('expiresOn')}>
          {card.expiresOn ? fmtDate(card.expiresOn) : t('idcard.noExpiry')}
        </Field>
        <Field label={t('idcard.issuedBy')} unreadable={bad('issuedBy')}>
          {card.issuedBy ?? '—'}
        </Field>
        <Field label={t('idcard.chipLabel')}>{chip ? t('idcard.chip') : t('idcard.noChip')}</Field>
      </dl>
      {history.length > 0 && (
        <details>
          <summary>{t('idcard.history', { n: history.length })}</summary>
          <ol class="list">
            {history.map((h, i) => (
              <li key={i}>
                <strong>{tx(`idcard.${h.kind ?? ''}`, {}, '—')}</strong> <span class="mono">{h.number}</span>
                <br />
                {t('idcard.issuedOn')}: {fmtDate(h.issuedOn)}
                {h.expiresOn ? ` · ${t('idcard.expiresOn')}: ${fmtDate(h.expiresOn)}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}

export function ResidenceBody(props: { residence: NonNullable<Citizen['residence']>; bad: Bad }) {
  const { residence: r, bad } = props;
  const legacy = r.permanentAddress.legacy || r.currentAddress?.legacy;
  return (
    <>
      <dl class="fields">
        <Field label={t('residence.permanent')} unreadable={bad('permanentAddress.formatted')}>
          {r.permanentAddress.formatted ?? '—'}
        </Field>
        <Field label={t('residence.registeredOn')} unreadable={bad('registeredOn')}>
          {fmtDate(r.registeredOn)}
        </Field>
        {r.currentAddress && (
          <Field label={t('residence.current')} unreadable={bad('currentAddress.formatted')}>
            {r.currentAddress.formatted ?? '—'}
          </Field>
        )}
        {r.placeOfOrigin && (
          <Field label={t('residence.origin')} unreadable={bad('placeOfOrigin.formatted')}>
            {r.placeOfOrigin.formatted ?? '—'}
          </Field>
        )}
      </dl>
      {legacy && <p class="hint">{t('residence.legacy')}</p>}
    </>
  );
}

export function FamilyBody(props: { household: Citizen['household']; family: Citizen['family'] }) {
  const { household: h, family: f } = props;
  const members = h?.members ?? [];
  const dependants = f?.dependants ?? [];
  return (
    <>
      {h && (
        <dl class="fields">
          <Field label={t('household.number')}>
            <span class="mono">{h.householdNumber ?? '—'}</span>
          </Field>
          <Field label={t('household.relationship')}>{h.relationshipToHead ?? '—'}</Field>
        </dl>
      )}
      {members.length > 0 && (
        <details>
          <summary>{t('household.members', { n: members.length })}</summary>
          <ul class="list">
            {members.map((m, i) => (
              <li key={i}>
                {m.fullName ?? '—'} <span class="muted">({m.relationshipToHead ?? '—'})</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {f && (
        <dl class="fields">
          {f.father && <Field label={t('family.father')}>{f.father.fullName ?? '—'}</Field>}
          {f.mother && <Field label={t('family.mother')}>{f.mother.fullName ?? '—'}</Field>}
          {f.spouse && <Field label={t('family.spouse')}>{f.spouse.fullName ?? '—'}</Field>}
          {dependants.length > 0 && (
            <Field label={t('family.dependants')}>
              <ul class="plain">
                {dependants.map((d, i) => (
                  <li key={i}>
                    {d.fullName ?? '—'} · {fmtDate(d.dateOfBirth)} · {tx(`family.${d.relationship ?? ''}`, {}, '—')}
                  </li>
                ))}
              </ul>
            </Field>
          )}
        </dl>
      )}
    </>
  );
}

export function DrivingLicenceBody(props: { licence: NonNullable<Citizen['drivingLicence']>; bad: Bad }) {
  const { licence: l, bad } = props;
  const tone = l.status === 'ACTIVE' ? 'ok' : l.status === 'SUSPENDED' ? 'warn' : 'bad';
  return (
    <>
      <p class="card-lead">
        {l.status ? (
          <Badge tone={tone}>{tx(`licence.${l.status}`)}</Badge>
        ) : (
          <span class="unreadable">{t('card.unreadable')}</span>
        )}
      </p>
      <dl class="fields">
        <Field label={t('licence.number')} unreadable={bad('number')}>
          <span class="mono">{l.number}</span>
        </Field>
        <Field label={t('licence.points')} unreadable={bad('points')}>
          {l.points === null ? '—' : t('licence.pointsValue', { n: l.points })}
        </Field>
        <Field label={t('licence.issuedOn')} unreadable={bad('issuedOn')}>
          {fmtDate(l.issuedOn)}
        </Field>
        <Field label={t('licence.issuedBy')} unreadable={bad('issuedBy')}>
          {l.issuedBy ?? '—'}
        </Field>
        <Field label={t('licence.classes')}>
          <ul class="plain">
            {(l.classes ?? []).map((c, i) => (
              <li key={i}>
                <strong>{c.code ?? '—'}</strong>{' '}
                {bad(`classes.${i}.expiresOn`) ? (
                  <span class="unreadable">{t('card.unreadable')}</span>
                ) : c.expired ? (
                  <Badge tone="bad">{t('licence.classExpired')}</Badge>
                ) : c.expiresOn ? (
                  t('licence.classExpires', { date: fmtDate(c.expiresOn) })
                ) : (
                  t('licence.classNoExpiry')
                )}
              </li>
            ))}
          </ul>
        </Field>
      </dl>
    </>
  );
}

export function HealthInsuranceBody(props: { card: NonNullable<Citizen['healthInsurance']>; bad: Bad }) {
  const { card: c, bad } = props;
  return (
    <>
      <p class="card-lead">
        {c.valid === true ? (
          <Badge tone="ok">{t('hi.valid')}</Badge>
        ) : c.valid === false ? (
          <Badge tone="bad">{t('hi.invalid')}</Badge>
        ) : null}
      </p>
      <dl class="fields">
        <Field label={t('hi.cardNumber')} unreadable={bad('cardNumber')}>
          <span class="mono">{c.cardNumber}</span>
        </Field>
        <Field label={t('hi.validity')} unreadable={bad('validFrom') || bad('validTo')}>
          {t('hi.validRange', { from: fmtDate(c.validFrom), to: fmtDate(c.validTo) })}
        </Field>
        <Field label={t('hi.benefitLevel')} unreadable={bad('benefitLevel')}>
          {c.benefitLevel === null ? '—' : t('hi.benefitValue', { n: c.benefitLevel })}
        </Field>
        <Field label={t('hi.primaryCare')} unreadable={bad('primaryCareFacility.name')}>
          {c.primaryCareFacility?.name ?? '—'}
          {c.primaryCareFacility?.code && <span class="muted mono"> ({c.primaryCareFacility.code})</span>}
        </Field>
        {c.fiveYearsContinuousFrom && (
          <Field label={t('hi.fiveYears')} unreadable={bad('fiveYearsContinuousFrom')}>
            {fmtDate(c.fiveYearsContinuousFrom)}
          </Field>
        )}
        {(c.form || bad('form')) && (
          <Field label={t('hi.form')} unreadable={bad('form')}>
            {tx(`hi.${c.form ?? ''}`, {}, '—')}
            {c.issuedOn && <span class="muted"> · {`${t('hi.issuedOn')} ${fmtDate(c.issuedOn)}`}</span>}
          </Field>
        )}
      </dl>
    </>
  );
}

export function SocialInsuranceBody(props: { si: NonNullable<Citizen['socialInsurance']>; bad: Bad }) {
  const { si, bad } = props;
  const periods = si.contributionPeriods ?? [];
  const total = si.totalMonths;
  return (
    <>
      <dl class="fields">
        <Field label={t('si.number')} unreadable={bad('socialInsuranceNumber')}>
          <span class="mono">{si.socialInsuranceNumber}</span>
          {si.socialInsuranceNumberKind && <span class="muted"> · {tx(`si.${si.socialInsuranceNumberKind}`)}</span>}
        </Field>
        {si.legacySocialInsuranceNumber && si.socialInsuranceNumberKind === 'PERSONAL_ID' && (
          <Field label={t('si.legacy')} unreadable={bad('legacySocialInsuranceNumber')}>
            <span class="mono">{si.legacySocialInsuranceNumber}</span>
          </Field>
        )}
        <Field label={t('si.total')} unreadable={bad('totalMonths')}>
          {total === null ? '—' : t('si.totalValue', { n: total, y: Math.floor(total / 12), m: total % 12 })}
        </Field>
      </dl>
      {periods.length > 0 && (
        <>
          <h3>{t('si.timeline')}</h3>
          <ol class="timeline">
            {[...periods].reverse().map((p, i) => (
              <li key={i}>
                <span class="timeline-when">
                  {fmtMonth(p.from)} – {p.to ? fmtMonth(p.to) : t('si.now')}
                </span>
                <span>{p.employer ?? '—'}</span>
                <span class="muted">{tx(`si.${p.scheme ?? ''}`, {}, '—')}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

export function HealthRecordBody(props: { hr: NonNullable<Citizen['healthRecord']>; bad: Bad }) {
  const { hr, bad } = props;
  const visits = hr.visits ?? [];
  const vaccinations = hr.vaccinations ?? [];
  const chronic = hr.chronicConditions ?? [];
  const episodes = hr.treatmentEpisodes ?? [];
  return (
    <>
      <p class="hint">{t('hr.sensitive')}</p>
      <dl class="fields">
        <Field label={t('hr.bloodType')} unreadable={bad('bloodType')}>
          {hr.bloodType ?? '—'}
        </Field>
        <Field label={t('hr.allergies')}>{hr.allergies?.length ? hr.allergies.join(', ') : t('hr.noAllergies')}</Field>
        {chronic.length > 0 && (
          <Field label={t('hr.chronic')}>
            <ul class="plain">
              {chronic.map((c, i) => (
                <li key={i}>
                  {c.name ?? '—'} <span class="muted mono">{c.icd10}</span>
                  {c.since ? ` · ${t('hr.since', { date: fmtDate(c.since) })}` : ''}
                </li>
              ))}
            </ul>
          </Field>
        )}
      </dl>
      {visits.length > 0 && (
        <details>
          <summary>{t('hr.visits', { n: visits.length })}</summary>
          <ol class="list">
            {visits.map((v, i) => (
              <li key={i}>
                <strong>{fmtDate(v.date)}</strong> · {v.facility?.name ?? '—'}
                <Diagnoses list={v.diagnoses} />
              </li>
            ))}
          </ol>
        </details>
      )}
      {vaccinations.length > 0 && (
        <details>
          <summary>{t('hr.vaccinations', { n: vaccinations.length })}</summary>
          <ul class="list">
            {vaccinations.map((v, i) => (
              <li key={i}>
                {v.vaccine ?? '—'} · {fmtDate(v.date)}
                {v.dose ? ` · ${t('hr.dose', { n: v.dose })}` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
      {episodes.length > 0 && (
        <details>
          <summary>{t('hr.episodes', { n: episodes.length })}</summary>
          <ol class="list">
            {episodes.map((e, i) => (
              <li key={i}>
                <strong>
                  {fmtDate(e.start)} – {e.end ? fmtDate(e.end) : t('hr.ongoing')}
                </strong>{' '}
                · {tx(`hr.${e.kind ?? ''}`, {}, '—')} · {e.facility?.name ?? '—'}
                {e.outcome ? ` · ${tx(`hr.${e.outcome}`)}` : ''}
                <Diagnoses list={e.diagnoses} />
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}

/** A visit's or a treatment episode's diagnoses: name and ICD-10 code. */
function Diagnoses(props: { list: ReadonlyArray<{ name?: string | null; icd10?: string | null }> | null | undefined }) {
  return (
    <ul class="plain">
      {(props.list ?? []).map((d, j) => (
        <li key={j}>
          {d.name ?? '—'} <span class="muted mono">{d.icd10}</span>
        </li>
      ))}
    </ul>
  );
}
