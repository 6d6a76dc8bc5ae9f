/**
 * Giving a consent: a registered client, one of its registered procedures, the papers it may read
 * (only those it is registered for, in plain words), the dossier, and until when (one year at most).
 */
import { useState } from 'preact/hooks';
import {
  ConsentGrantDocument,
  type ConsentItemFragment,
  type DocumentScope,
  type RegisteredClientsQuery,
} from '../../../generated/app/graphql';
import { request } from '../api/client';
import { addDays, endOfDay, todayInVietnam } from '../format';
import { t, tx } from '../i18n';

export type RegisteredClient = RegisteredClientsQuery['registeredClients'][number];

export function ConsentGrant(props: { clients: RegisteredClient[]; onGranted: (c: ConsentItemFragment) => void }) {
  const today = todayInVietnam();
  const [clientId, setClientId] = useState('');
  const [purpose, setPurpose] = useState('');
  const [scopes, setScopes] = useState<DocumentScope[]>([]);
  const [dossierRef, setDossierRef] = useState('');
  const [until, setUntil] = useState(addDays(today, 30));
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const client = props.clients.find((c) => c.id === clientId);

  const choose = (id: string) => {
    setClientId(id);
    const c = props.clients.find((x) => x.id === id);
    setPurpose(c?.purposes.length === 1 ? c.purposes[0].code : '');
    setScopes([]);
  };
  const toggle = (s: DocumentScope, on: boolean) => setScopes((old) => (on ? [...old, s] : old.filter((x) => x !== s)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: string[] = [];
    if (scopes.length === 0) problems.push(t('consents.needPapers'));
    if (!dossierRef.trim()) problems.push(t('consents.needDossier'));
    setErrors(problems);
    if (problems.length || !client) return;
    setBusy(true);
    try {
      const r = await request(ConsentGrantDocument, {
        input: { clientId: client.id, scopes, purpose, dossierRef: dossierRef.trim(), validUntil: endOfDay(until) },
      });
      const p = r.data?.consentGrant;
      if (p?.consent && p.userErrors.length === 0) {
        props.onGranted(p.consent);
        setClientId('');
        setScopes([]);
        setDossierRef('');
      } else {
        const codes = [...new Set((p?.userErrors ?? []).map((u) => u.code))];
        setErrors(
          codes.length ? codes.map((c) => tx(`consents.err.${c}`, {}, t('error.generic'))) : [t('error.generic')],
        );
      }
    } catch {
      setErrors([t('error.generic')]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card grant" aria-labelledby="grant-title">
      <h2 id="grant-title">{t('consents.grant')}</h2>
      {props.clients.length === 0 ? (
        <p class="muted">{t('consents.noClients')}</p>
      ) : (
        <form class="form" onSubmit={(e) => void submit(e)} noValidate>
          <label for="grant-client">{t('consents.client')}</label>
          <select
            id="grant-client"
            required
            value={clientId}
            onChange={(e) => choose((e.target as HTMLSelectElement).value)}
          >
            <option value="">{t('consents.chooseClient')}</option>
            {props.clients.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} — {tx(`consents.kind.${c.kind}`)}
              </option>
            ))}
          </select>
          {client && (
            <>
              <ClientChoices
                client={client}
                purpose={purpose}
                onPurpose={setPurpose}
                scopes={scopes}
                onToggle={toggle}
              />
              <label for="grant-dossier">{t('consents.dossier')}</label>
              <input
                id="grant-dossier"
                type="text"
                required
                maxLength={128}
                value={dossierRef}
                aria-describedby="grant-dossier-help"
                onInput={(e) => setDossierRef((e.target as HTMLInputElement).value)}
              />
              <p class="hint" id="grant-dossier-help">
                {t('consents.dossierHelp')}
              </p>
              <label for="grant-until">{t('consents.validUntil')}</label>
              <input
                id="grant-until"
                type="date"
                required
                min={today}
                max={addDays(today, 364)}
                value={until}
                aria-describedby="grant-until-help"
                onInput={(e) => setUntil((e.target as HTMLInputElement).value)}
              />
              <p class="hint" id="grant-until-help">
                {t('consents.validUntilHelp')}
              </p>
              <FormErrors errors={errors} />
              <button type="submit" class="button primary" disabled={busy || !purpose}>
                {t('consents.submit')}
              </button>
            </>
          )}
        </form>
      )}
    </section>
  );
}

/** The client's registered procedures and the papers it may read, in plain words. */
function ClientChoices(props: {
  client: RegisteredClient;
  purpose: string;
  onPurpose: (code: string) => void;
  scopes: DocumentScope[];
  onToggle: (s: DocumentScope, on: boolean) => void;
}) {
  const { client, purpose, scopes } = props;
  return (
    <>
      <label for="grant-purpose">{t('consents.purpose')}</label>
      <select
        id="grant-purpose"
        required
        value={purpose}
        onChange={(e) => props.onPurpose((e.target as HTMLSelectElement).value)}
      >
        {client.purposes.length > 1 && <option value="">{t('consents.choosePurpose')}</option>}
        {client.purposes.map((p) => (
          <option key={p.code} value={p.code}>
            {p.name
              ? `${p.name} (${t('consents.purposeCode', { code: p.code })})`
              : t('consents.purposeCode', { code: p.code })}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>{t('consents.choosePapers')}</legend>
        {client.scopes.map((s) => (
          <div class="check" key={s}>
            <input
              id={`grant-scope-${s}`}
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={(e) => props.onToggle(s, (e.target as HTMLInputElement).checked)}
              aria-describedby={`grant-scope-${s}-words`}
            />
            <label for={`grant-scope-${s}`}>
              <strong>{tx(`scope.${s}`)}</strong>
              <span id={`grant-scope-${s}-words`} class="muted">
                {' '}
                — {tx(`scopeWords.${s}`)}
              </span>
            </label>
          </div>
        ))}
      </fieldset>
    </>
  );
}

/** The form's problems, announced when they appear. */
function FormErrors(props: { errors: string[] }) {
  if (props.errors.length === 0) return null;
  return (
    <div class="field-error" role="alert">
      {props.errors.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}
