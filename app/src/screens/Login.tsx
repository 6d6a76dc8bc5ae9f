/**
 * Sign-in: through the hub's OAuth doors (authorization code + PKCE) when the hub publishes them;
 * otherwise the development sign-in, a pasted citizen token from `npm run token`.
 */
import { useEffect, useState } from 'preact/hooks';
import { discovery, startSignIn, type Discovery } from '../auth/oauth';
import { sessionFromToken, setSession } from '../auth/session';
import { t, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { Loading, Notice } from '../ui';

export function Login(props: { message?: MessageKey }) {
  const [doors, setDoors] = useState<Discovery | null | undefined>(undefined);
  const [token, setToken] = useState('');
  const [error, setError] = useState<MessageKey | null>(null);
  useEffect(() => void discovery().then(setDoors), []);

  const devSignIn = (e: Event) => {
    e.preventDefault();
    const s = sessionFromToken(token);
    if (!s) {
      setError('login.badToken');
      return;
    }
    setSession(s);
    navigate(s.kind === 'officer' ? 'verify' : 'papers', { replace: true });
  };

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
      {doors === null && (
        <form class="form" onSubmit={devSignIn}>
          <h2>{t('login.devTitle')}</h2>
          <p class="hint" id="token-help">
            {t('login.devHelp')}
          </p>
          <label for="token">{t('login.tokenLabel')}</label>
          <textarea
            id="token"
            name="token"
            rows={4}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="token-help"
            aria-invalid={error ? 'true' : undefined}
            value={token}
            onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
          />
          {error && (
            <p class="field-error" role="alert">
              {t(error)}
            </p>
          )}
          <button type="submit" class="button primary">
            {t('login.devButton')}
          </button>
        </form>
      )}
    </div>
  );
}
