/**
 * The app's shell: a header (name, language, sign-out), the sections' navigation, and the screen
 * of the current route. Screens are listed once in SCREENS; a new one (the correction request,
 * sharing by QR) is a line there.
 */
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { whenSignedOut } from './api/client';
import { signOut } from './auth/oauth';
import { useSession, type Session } from './auth/session';
import { setLang, t, useLang, type MessageKey } from './i18n';
import { navigate, onLinkClick, useRoute } from './router';
import { AccessLog } from './screens/AccessLog';
import { Callback } from './screens/Callback';
import { Consents } from './screens/Consents';
import { Login } from './screens/Login';
import { Papers } from './screens/Papers';
import { Workbench, WorkbenchNav, isWorkbenchRoute } from './workbench/Workbench';
import { wt } from './workbench/i18n';

interface Screen {
  route: string;
  nav: MessageKey;
  component: ComponentType<{ session: Session }>;
}

/** The signed-in sections, in the navigation's order. */
const SCREENS: Screen[] = [
  { route: 'papers', nav: 'nav.papers', component: Papers },
  { route: 'access-log', nav: 'nav.accessLog', component: AccessLog },
  { route: 'consents', nav: 'nav.consents', component: Consents },
];

export function App() {
  const l = useLang();
  const route = useRoute();
  const session = useSession();
  const [loginMessage, setLoginMessage] = useState<MessageKey | undefined>();
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    whenSignedOut(() => {
      setLoginMessage('login.expired');
      navigate('login', { replace: true });
    });
  }, []);

  // Where the route leads: signed-out visitors to the login, signed-in ones away from it.
  const screen = SCREENS.find((s) => s.route === route);
  useEffect(() => {
    if (route === 'callback') return;
    const home = session?.officer ? 'wb' : 'papers';
    if (!session && route !== 'login') navigate('login', { replace: true });
    else if (session && (route === 'login' || route === '')) navigate(home, { replace: true });
    // Officers work in the workbench (wb/…), citizens in their own screens.
    else if (session && !!session.officer !== isWorkbenchRoute(route)) navigate(home, { replace: true });
  }, [route, session]);

  // A new screen: move the focus to its heading, so screen readers announce it.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);

  const other = l === 'vi' ? 'en' : 'vi';
  let content;
  if (route === 'callback') content = <Callback />;
  else if (!session) content = <Login message={loginMessage} />;
  else if (session.officer && isWorkbenchRoute(route)) content = <Workbench session={session} route={route} />;
  else if (screen) content = <screen.component session={session} />;
  else content = <p>{t('notFound')}</p>;

  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">
          <img src="/app/icons/icon.svg" alt="" width={28} height={28} />
          {session?.officer ? wt('wb.name') : t('app.name')}
        </span>
        <span class="top-actions">
          <button
            type="button"
            class="link-button"
            lang={other}
            aria-label={t('lang.switchLabel')}
            onClick={() => setLang(other)}
          >
            {t('lang.switch')}
          </button>
          {session && (
            <button
              type="button"
              class="link-button"
              onClick={() => {
                setLoginMessage('login.signedOut');
                void signOut(session);
              }}
            >
              {t('signOut')}
            </button>
          )}
        </span>
      </header>
      {session && session.officer && <WorkbenchNav officer={session.officer} route={route} />}
      {session && !session.officer && (
        <nav class="tabs" aria-label={t('nav.label')}>
          <ul>
            {SCREENS.map((s) => (
              <li key={s.route}>
                <a
                  href={`/app/${s.route}`}
                  aria-current={s.route === route ? 'page' : undefined}
                  onClick={onLinkClick(s.route)}
                >
                  {t(s.nav)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" ref={main} tabIndex={-1}>
        {content}
      </main>
    </>
  );
}
