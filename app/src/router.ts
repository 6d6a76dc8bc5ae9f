/**
 * A very small router over the History API: the app lives under /app/ and its screens are
 * /app/<name>. The hub answers every /app/<name> with the app's index.html.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app/';
const listeners = new Set<() => void>();

/** The screen name of the current location (`papers`, `consents`, … or '' for /app/). */
export function currentRoute(): string {
  const p = location.pathname;
  return p.startsWith(BASE) ? p.slice(BASE.length).replace(/\/+$/, '') : '';
}

/** Goes to a screen (`replace` keeps the history entry, e.g. after sign-in). */
export function navigate(route: string, opts: { replace?: boolean } = {}): void {
  const url = BASE + route;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((f) => f());
}

addEventListener('popstate', () => listeners.forEach((f) => f()));

/** The current route; the component re-renders when it changes. */
export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const f = () => setRoute(currentRoute());
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return route;
}

/** A click handler for in-app links: plain clicks navigate without a reload. */
export function onLinkClick(route: string) {
  return (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  };
}
