/** /app/callback: the hub sends the browser back here with the code; exchange it and go to the papers. */
import { useEffect, useState } from 'preact/hooks';
import { MeDocument } from '../../../generated/app/graphql';
import { request } from '../api/client';
import { completeSignIn, discovery } from '../auth/oauth';
import { t } from '../i18n';
import { navigate } from '../router';
import { Loading, Notice } from '../ui';

/** The signed-in citizen's personal ID (`me`); null for an officer (their id is the token's subject). */
async function whoAmI(token: string): Promise<string | null> {
  try {
    return (await request(MeDocument, {}, { token })).data?.me?.personalId ?? null;
  } catch {
    return null;
  }
}

export function Callback() {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    void (async () => {
      const d = await discovery();
      if (!d) throw new Error('no OAuth doors');
      const s = await completeSignIn(d, new URLSearchParams(location.search), whoAmI);
      navigate(s.officer ? 'wb' : s.kind === 'officer' ? 'verify' : 'papers', { replace: true });
    })().catch(() => setFailed(true));
  }, []);
  return (
    <div class="login">
      <h1 tabIndex={-1}>{t('login.title')}</h1>
      {failed ? (
        <Notice tone="bad" role="alert" title={t('login.failed')}>
          <p>
            <a href="/app/login">{t('login.button')}</a>
          </p>
        </Notice>
      ) : (
        <Loading />
      )}
    </div>
  );
}
