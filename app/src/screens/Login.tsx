/**
 * Sign-in through the hub's doors: authorization code with PKCE (auth/oauth.ts). The hub's page
 * asks who signs in (a citizen, or an officer for the verifier page) and a one-time code, then
 * sends the browser back to /app/callback.
 */
import { useEffect, useState } from 'preact/hooks';
import { discovery, startSignIn, type Discovery } from '../auth/oauth';
import { t, type MessageKey } from '../i18n';
import { Loading, Notice } from '../ui';

export function Login(props: { message?: MessageKey }) {
  const [doors, setDoors] = useState<Discovery | null | undefined>(undefined);
  useEffect(() => void discovery().then(setDoors), []);
  return (
    <div class="login">
      <h1 tabIndex={-1}>{t('login.title')}</h1>
      {props.message && <Notice tone="info" role="status" title={t(props.message)} />}
      <p>{t('login.intro')}</p>
      {doors === undefined && <Loading />}
      {doors && (
        <button type="button" class="button primary wide" onClick={() => void startSignIn(doors)}>
          {t('login.button')}
        </button>
      )}
      {doors === null && <Notice tone="warn" role="alert" title={t('login.unavailable')} />}
      <p class="hint">{t('login.officerHint')}</p>
    </div>
  );
}
