/**
 * "This is wrong": a paper's control to ask its source for a correction (issue 14). It opens a small
 * form (which field, a required note of at most 500 characters, as the API allows), sends
 * `correctionRequest` and confirms with the request's status and its legal deadlines in words.
 */
import { useRef, useState } from 'preact/hooks';
import { CorrectionRequestDocument, type DataSource, type RequestItemFragment } from '../../../generated/app/graphql';
import { request } from '../api/client';
import { fmtDeadline } from '../format';
import { t, tx } from '../i18n';
import { onLinkClick } from '../router';
import { ErrorView, Notice } from '../ui';

/** At most this many characters in the note (`CorrectionRequestInput.note`, docs/rights.md). */
export const NOTE_MAX = 500;

/** The fields a citizen can name, by card (their API names, docs/rights.md). */
export const CORRECTABLE: Record<string, { source: DataSource; fields: string[] }> = {
  identity: { source: 'POPULATION', fields: ['fullName', 'dateOfBirth', 'sex', 'ethnicity', 'nationality'] },
  'identity-card': { source: 'POPULATION', fields: ['identityCard'] },
  residence: { source: 'POPULATION', fields: ['residence'] },
  family: { source: 'POPULATION', fields: ['household', 'family'] },
  'driving-licence': {
    source: 'DRIVING_LICENCE',
    fields: ['holderName', 'number', 'classes', 'status', 'points', 'issuedOn', 'issuedBy'],
  },
  'health-insurance': {
    source: 'HEALTH_INSURANCE',
    fields: [
      'cardNumber',
      'socialInsuranceCode',
      'benefitLevel',
      'validFrom',
      'validTo',
      'primaryCareFacility',
      'fiveYearsContinuousFrom',
      'issuedOn',
      'form',
    ],
  },
  'social-insurance': {
    source: 'SOCIAL_INSURANCE',
    fields: [
      'socialInsuranceNumber',
      'legacySocialInsuranceNumber',
      'holderNameAtSource',
      'contributionPeriods',
      'totalMonths',
      'benefits',
    ],
  },
  'health-record': {
    source: 'HEALTH_RECORD',
    fields: ['bloodType', 'allergies', 'chronicConditions', 'visits', 'vaccinations', 'treatmentEpisodes'],
  },
};

type Sent = { kind: 'sent'; request: RequestItemFragment } | { kind: 'failed'; error: unknown };

/** The control under a paper: a disclosure button, then the form or the confirmation. */
export function CorrectionControl(props: { card: string; title: string }) {
  const spec = CORRECTABLE[props.card];
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<RequestItemFragment | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  if (!spec) return null;
  const formId = `correction-${props.card}`;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div class="correction" data-correction={props.card}>
      {sent ? (
        <Confirmation request={sent} />
      ) : (
        <button
          ref={button}
          type="button"
          class="button secondary"
          aria-expanded={open}
          aria-controls={formId}
          aria-label={t('correction.buttonLabel', { paper: props.title })}
          onClick={() => setOpen(!open)}
        >
          {t('correction.button')}
        </button>
      )}
      {open && !sent && (
        <CorrectionForm
          id={formId}
          title={props.title}
          source={spec.source}
          fields={spec.fields}
          onCancel={close}
          onSent={(r) => {
            setOpen(false);
            setSent(r);
          }}
        />
      )}
    </div>
  );
}

function CorrectionForm(props: {
  id: string;
  title: string;
  source: DataSource;
  fields: string[];
  onCancel: () => void;
  onSent: (r: RequestItemFragment) => void;
}) {
  const [field, setField] = useState(props.fields[0]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<Sent | null>(null);
  const ids = { field: `${props.id}-field`, note: `${props.id}-note`, hint: `${props.id}-hint` };

  async function submit(e: Event) {
    e.preventDefault();
    if (note.trim() === '') {
      setProblem(t('correction.noteRequired'));
      return;
    }
    setBusy(true);
    setProblem(null);
    setFailure(null);
    try {
      const r = await request(CorrectionRequestDocument, { input: { source: props.source, field, note: note.trim() } });
      const payload = r.data?.correctionRequest;
      const userError = payload?.userErrors[0];
      if (payload?.request) props.onSent(payload.request);
      else if (userError) setProblem(tx(`correction.error.${userError.code}`, {}, t('error.generic')));
      else setFailure({ kind: 'failed', error: new Error('no request') });
    } catch (error) {
      setFailure({ kind: 'failed', error });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id={props.id} class="form correction-form" onSubmit={(e) => void submit(e)} noValidate>
      <p class="notice-title">{t('correction.formTitle', { paper: props.title })}</p>
      <label for={ids.field}>{t('correction.field')}</label>
      <select id={ids.field} value={field} onChange={(e) => setField(e.currentTarget.value)}>
        {props.fields.map((f) => (
          <option key={f} value={f}>
            {tx(`cfield.${f}`)}
          </option>
        ))}
      </select>
      <label for={ids.note}>{t('correction.note')}</label>
      <textarea
        id={ids.note}
        rows={4}
        required
        aria-required="true"
        maxLength={NOTE_MAX}
        aria-invalid={problem ? true : undefined}
        aria-describedby={ids.hint}
        value={note}
        onInput={(e) => {
          setNote(e.currentTarget.value);
          if (e.currentTarget.value.trim() !== '') setProblem(null);
        }}
      />
      <p id={ids.hint} class="muted">
        {t('correction.noteHint', { n: NOTE_MAX - note.length, max: NOTE_MAX })}
      </p>
      {problem && <Notice tone="bad" role="alert" title={problem} />}
      {failure?.kind === 'failed' && <ErrorView error={failure.error} />}
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? t('correction.sending') : t('correction.send')}
        </button>
        <button type="button" class="button secondary" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function Confirmation(props: { request: RequestItemFragment }) {
  const r = props.request;
  return (
    <Notice tone="ok" role="status" title={t('correction.sent')}>
      <p>{t('correction.sentStatus', { status: tx(`request.status.${r.status}`) })}</p>
      <p>{t('request.acknowledgeBy', { date: fmtDeadline(r.acknowledgeBy) })}</p>
      <p>{t('request.actBy', { date: fmtDeadline(r.actBy) })}</p>
      <p>
        <a href="/app/requests" onClick={onLinkClick('requests')}>
          {t('correction.seeRequests')}
        </a>
      </p>
    </Notice>
  );
}
