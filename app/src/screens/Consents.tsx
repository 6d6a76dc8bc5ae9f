/**
 * Consents: what the citizen has let registered systems read (client, papers, procedure, dossier,
 * validity, times used), a way to give a new one (ConsentGrant.tsx), and to withdraw one after a
 * confirmation.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  ConsentRevokeDocument,
  MyConsentsDocument,
  RegisteredClientsDocument,
  type ConsentItemFragment,
} from '../../../generated/app/graphql';
import { request } from '../api/client';
import { fmtDateTime, fmtDayOf } from '../format';
import { t, tx } from '../i18n';
import { Badge, ErrorView, Field, Loading, Notice } from '../ui';
import { useLatest } from '../latest';
import { ConsentGrant, type RegisteredClient } from './ConsentGrant';

const PAGE = 50;

export function Consents() {
  const [consents, setConsents] = useState<ConsentItemFragment[] | null>(null);
  const [more, setMore] = useState(false);
  const [clients, setClients] = useState<RegisteredClient[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [news, setNews] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ConsentItemFragment | null>(null);

  const latest = useLatest();
  const load = useCallback(async (after: string | null = null) => {
    const current = latest.begin();
    setError(null);
    try {
      const [list, registered] = await Promise.all([
        request(MyConsentsDocument, { first: PAGE, after }),
        after ? null : request(RegisteredClientsDocument, {}),
      ]);
      if (!current()) return;
      if (!list.data) throw new Error('no data');
      const page = list.data.myConsents;
      setConsents((old) => (after && old ? [...old, ...page] : page));
      setMore(page.length === PAGE);
      if (registered?.data) setClients(registered.data.registeredClients);
    } catch (e) {
      if (current()) setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);

  const purposeName = (c: ConsentItemFragment) =>
    clients.find((x) => x.id === c.client.id)?.purposes.find((p) => p.code === c.purpose)?.name ?? null;

  return (
    <>
      <h1 tabIndex={-1}>{t('consents.title')}</h1>
      <p class="intro">{t('consents.intro')}</p>
      {news && <Notice tone="ok" role="status" title={news} />}
      {error !== null && <ErrorView error={error} retry={() => void load()} />}
      {consents === null && error === null && <Loading />}
      {consents?.length === 0 && <Notice tone="info" title={t('consents.empty')} />}
      {consents && consents.length > 0 && (
        <ul class="cards plain">
          {consents.map((c) => (
            <li key={c.id}>
              <ConsentCard consent={c} purposeName={purposeName(c)} onRevoke={() => setRevoking(c)} />
            </li>
          ))}
        </ul>
      )}
      {more && (
        <button type="button" class="button secondary wide" onClick={() => void load(consents?.at(-1)?.id ?? null)}>
          {t('consents.more')}
        </button>
      )}
      {consents && (
        <ConsentGrant
          clients={clients}
          onGranted={(c) => {
            setNews(t('consents.granted', { client: c.client.name }));
            setConsents((old) => [c, ...(old ?? [])]);
          }}
        />
      )}
      {revoking && (
        <RevokeDialog
          consent={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(c) => {
            setRevoking(null);
            setNews(t('consents.revoked', { client: c.client.name }));
            setConsents((old) => (old ?? []).map((x) => (x.id === c.id ? c : x)));
          }}
        />
      )}
    </>
  );
}

function ConsentCard(props: { consent: ConsentItemFragment; purposeName: string | null; onRevoke: () => void }) {
  const c = props.consent;
  const tone = c.status === 'ACTIVE' ? 'ok' : c.status === 'REVOKED' ? 'bad' : 'info';
  const headingId = `consent-${c.id}`;
  return (
    <section class="card" aria-labelledby={headingId} data-consent={c.id}>
      <h2 id={headingId}>{c.client.name}</h2>
      <p class="card-lead">
        <Badge tone={tone}>{tx(`consents.${c.status}`)}</Badge>
      </p>
      <dl class="fields">
        <Field label={t('consents.papers')}>{c.scopes.map((s) => tx(`scope.${s}`)).join(', ')}</Field>
        <Field label={t('consents.purpose')}>
          {props.purposeName ?? ''} <span class="muted mono">{t('consents.purposeCode', { code: c.purpose })}</span>
        </Field>
        <Field label={t('consents.dossier')}>
          <span class="mono">{c.dossierRef}</span>
        </Field>
        <Field label={t('consents.validity')}>
          {t('consents.validRange', { from: fmtDayOf(c.validFrom), to: fmtDayOf(c.validUntil) })}
        </Field>
        <Field label={t('consents.used')}>
          {t('consents.usedValue', { n: c.useCount })}
          {c.lastUsedAt ? ` · ${t('consents.lastUsed', { date: fmtDateTime(c.lastUsedAt) })}` : ''}
        </Field>
      </dl>
      {c.status === 'ACTIVE' && (
        <button type="button" class="button danger" onClick={props.onRevoke}>
          {t('consents.revoke')}
        </button>
      )}
    </section>
  );
}

/** A modal confirmation (the native <dialog>: focus stays inside, Escape closes it). */
function RevokeDialog(props: {
  consent: ConsentItemFragment;
  onClose: () => void;
  onRevoked: (c: ConsentItemFragment) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await request(ConsentRevokeDocument, { id: props.consent.id });
      const p = r.data?.consentRevoke;
      if (p?.consent && p.userErrors.length === 0) props.onRevoked(p.consent);
      else setError(tx(`consents.err.${p?.userErrors[0]?.code ?? ''}`, {}, t('error.generic')));
    } catch {
      setError(t('error.generic'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="revoke-title"
      aria-describedby="revoke-body"
      onClose={props.onClose}
    >
      <h2 id="revoke-title">{t('consents.revokeTitle', { client: props.consent.client.name })}</h2>
      <p id="revoke-body">{t('consents.revokeBody')}</p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="button secondary" onClick={() => ref.current?.close()}>
          {t('cancel')}
        </button>
        <button type="button" class="button danger" disabled={busy} onClick={() => void confirm()}>
          {t('consents.revokeConfirm')}
        </button>
      </div>
    </dialog>
  );
}
