import { render } from 'preact';
import { App } from './app';
import { lang, setLang } from './i18n';
import './styles.css';

setLang(lang());
render(<App />, document.getElementById('root')!);

// The shell works offline once installed; papers are always asked from the hub.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  addEventListener(
    'load',
    () => void navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined),
  );
}
