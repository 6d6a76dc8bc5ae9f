/**
 * The app's shell: a header (name, language, sign-out), the sections' navigation, and the screen
 * of the current route. Screens are listed once in SCREENS; a new one is a line there.
 */
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { whenSignedOut } from './api/client';
import { signOut } from './auth/oauth';
import { useSession, type Session } from './auth/session';
import { setLang, t, useLang, type MessageKey } from './i18n';
import { currentRoute, navigate, onLinkClick, useRoute } from './router';
import { AccessLog } from './screens/AccessLog';
import { Callback } from './screens/Callback';
import { Login } from './screens/Login';
import { Papers } from './screens/Papers';
import { lazyScreen } from './lazy';
import { WorkbenchNav } from './workbench/Nav';
import { isWorkbenchRoute } from './workbench/sections';
import { nt } from './workbench/nav-words';

// Screens not needed for the first load come in chunks of their own.
type ScreenProps = { session: Session };
const Share = lazyScreen<ScreenProps>(() => import('./screens/Share').then((m) => m.Share));
const Verify = lazyScreen<ScreenProps>(() => import('./screens/Verify').then((m) => m.Verify));
const Requests = lazyScreen<ScreenProps>(() => import('./screens/Requests').then((m) => m.Requests));
const Consents = lazyScreen<ScreenProps>(() => import('./screens/Consents').then((m) => m.Consents));
const loadWorkbench = () => import('./workbench/Workbench').then((m) => m.Workbench);
const Workbench = lazyScreen<{ session: Session; route: string }>(loadWorkbench);
// An officer's page opened directly (a bookmark, a reload) asks for the workbench's chunk at once,
// beside the session check, instead of after the first render (the same import: loaded once).
if (isWorkbenchRoute(currentRoute())) void loadWorkbench();

interface Screen {
  route: string;
  nav: MessageKey;
  component: ComponentType<{ session: Session }>;
}

/** The signed-in sections, by who is signed in, in the navigation's order (the first is home). */
const SCREENS: Record<Session['kind'], Screen[]> = {
  citizen: [
    { route: 'papers', nav: 'nav.papers', component: Papers },
    { route: 'access-log', nav: 'nav.accessLog', component: AccessLog },
    { route: 'consents', nav: 'nav.consents', component: Consents },
    { route: 'requests', nav: 'nav.requests', component: Requests },
    { route: 'share', nav: 'nav.share', component: Share },
  ],
  officer: [{ route: 'verify', nav: 'nav.verify', component: Verify }],
};

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
  const screens = session ? SCREENS[session.kind] : [];
  const screen = screens.find((s) => s.route === route);
  useEffect(() => {
    if (route === 'callback') return;
    if (!session && route !== 'login') navigate('login', { replace: true });
    // Officers with a role and area start in the workbench (wb/…).
    else if (session && (route === 'login' || route === ''))
      navigate(session.officer ? 'wb' : SCREENS[session.kind][0].route, { replace: true });
    else if (session && isWorkbenchRoute(route) && !session.officer)
      navigate(SCREENS[session.kind][0].route, { replace: true });
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
          {session?.officer ? nt('wb.name') : t('app.name')}
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
      {session?.officer && (
        <WorkbenchNav
          officer={session.officer}
          route={route}
          extra={screens.map((s) => ({ route: s.route, label: t(s.nav) }))}
        />
      )}
      {session && !session.officer && (
        <nav class="tabs" aria-label={t('nav.label')}>
          <ul>
            {screens.map((s) => (
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
