/**
 * Share by QR: the citizen picks papers or single fields (a Level 1 account: identity only), the
 * hub signs them and answers a code valid 60 seconds, usable once; the app shows it as a QR code
 * with a countdown, and as text a verifier can type.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  MyAccountLevelDocument,
  ShareCreateDocument,
  type ShareAudience,
  type ShareCreateMutation,
  type ShareField,
} from '../../../generated/app/graphql';
import { request } from '../api/client';
import { t, tx } from '../i18n';
import { SHARE_PAPERS } from '../share/fields';
import { Qr } from '../share/Qr';
import { ErrorView, Loading, Notice } from '../ui';

type Share = NonNullable<ShareCreateMutation['shareCreate']>;

export function Share() {
  const [account, setAccount] = useState<{ level: number; status: string } | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [share, setShare] = useState<Share | null>(null);
  useEffect(() => {
    request(MyAccountLevelDocument, {}).then(
      (r) => setAccount(r.data?.myAccount ?? null),
      (e: unknown) => setError(e),
    );
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>{t('share.title')}</h1>
      {error !== null && <ErrorView error={error} />}
      {account === undefined && error === null && <Loading />}
      {account !== undefined && !share && (
        <SharePicker level={account?.level ?? 1} active={account?.status === 'ACTIVE'} onShare={setShare} />
      )}
      {share && <ShareCode share={share} onBack={() => setShare(null)} />}
    </>
  );
}

function SharePicker(props: { level: number; active: boolean; onShare: (s: Share) => void }) {
  const [fields, setFields] = useState<ShareField[]>([]);
  const [audience, setAudience] = useState<ShareAudience>('ANY_VERIFIER');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const papers = props.level >= 2 ? SHARE_PAPERS : SHARE_PAPERS.filter((p) => p.paper === 'IDENTITY');
  const toggle = (list: ShareField[], on: boolean) =>
    setFields((old) => (on ? [...new Set([...old, ...list])] : old.filter((f) => !list.includes(f))));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (fields.length === 0) {
      setProblem(t('share.needFields'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const r = await request(ShareCreateDocument, { input: { fields, audience } });
      if (r.data?.shareCreate) props.onShare(r.data.shareCreate);
      else {
        const ext = r.errors[0]?.extensions;
        setProblem(tx(`share.err.${String(ext?.reason ?? ext?.code ?? '')}`, {}, t('error.generic')));
      }
    } catch {
      setProblem(t('error.generic'));
    } finally {
      setBusy(false);
    }
  };

  if (!props.active) return <Notice tone="info" title={t('share.inactive')} />;
  return (
    <form class="form" onSubmit={(e) => void submit(e)} noValidate>
      <p class="intro">{t('share.intro')}</p>
      {props.level < 2 && <Notice tone="info" title={t('share.level1')} />}
      {papers.map(({ paper, fields: list }) => {
        const all = list.every((f) => fields.includes(f));
        return (
          <fieldset key={paper} class="card share-paper">
            <legend>{tx(`scope.${paper}`)}</legend>
            <div class="check check-all">
              <input
                id={`share-all-${paper}`}
                type="checkbox"
                checked={all}
                onChange={(e) => toggle(list, (e.target as HTMLInputElement).checked)}
              />
              <label for={`share-all-${paper}`}>{t('share.all')}</label>
            </div>
            {list.map((f) => (
              <div class="check" key={f}>
                <input
                  id={`share-${f}`}
                  type="checkbox"
                  checked={fields.includes(f)}
                  onChange={(e) => toggle([f], (e.target as HTMLInputElement).checked)}
                />
                <label for={`share-${f}`}>{tx(`sf.${f}`)}</label>
              </div>
            ))}
          </fieldset>
        );
      })}
      <fieldset>
        <legend>{t('share.audience')}</legend>
        {(['ANY_VERIFIER', 'OFFICER'] as const).map((a) => (
          <div class="check" key={a}>
            <input
              id={`share-aud-${a}`}
              type="radio"
              name="audience"
              checked={audience === a}
              onChange={() => setAudience(a)}
            />
            <label for={`share-aud-${a}`}>{t(`share.${a}`)}</label>
          </div>
        ))}
      </fieldset>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" class="button primary wide" disabled={busy}>
        {t('share.create')}
      </button>
    </form>
  );
}

function secondsLeft(expiresAt: string): number {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));
}

function ShareCode(props: { share: Share; onBack: () => void }) {
  const { share } = props;
  const [left, setLeft] = useState(secondsLeft(share.expiresAt));
  useEffect(() => {
    const timer = setInterval(() => setLeft(secondsLeft(share.expiresAt)), 1000);
    return () => clearInterval(timer);
  }, [share.expiresAt]);
  const expired = left === 0;
  return (
    <section class="card share-code" aria-labelledby="share-code-title">
      <h2 id="share-code-title" class="visually-hidden">
        {t('share.qrLabel', { n: share.fields.length })}
      </h2>
      {expired ? (
        <Notice tone="warn" role="status" title={t('share.expired')} />
      ) : (
        <>
          <Qr text={share.code} label={t('share.qrLabel', { n: share.fields.length })} />
          {/* Read out every 10 s (and the last 5), not every second: a screen reader would never stop. */}
          <p class="countdown" role="timer" aria-live={left % 10 === 0 || left <= 5 ? 'polite' : 'off'}>
            {t('share.expiresIn', { s: left })}
          </p>
          <p class="hint">{t('share.code')}</p>
          <p class="mono share-text" data-share-code>
            {share.code}
          </p>
        </>
      )}
      <details>
        <summary>{t('share.sharing')}</summary>
        <ul class="list">
          {share.fields.map((f) => (
            <li key={f}>{tx(`sf.${f}`)}</li>
          ))}
        </ul>
      </details>
      <div class="dialog-actions">
        <button type="button" class="button secondary" onClick={props.onBack}>
          {expired ? t('share.again') : t('share.back')}
        </button>
      </div>
    </section>
  );
}
