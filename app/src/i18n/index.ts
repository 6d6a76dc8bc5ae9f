/**
 * The app's two languages: Vietnamese by default, English on request; the choice is kept in
 * localStorage and written to <html lang>. `t(key, params)` fills `{name}` placeholders.
 */
import { useEffect, useState } from 'preact/hooks';
import { en } from './en';
import { vi, type Dict } from './vi';

export type Lang = 'vi' | 'en';
export type MessageKey = keyof Dict;

const DICTS: Record<Lang, Dict> = { vi, en };
const STORAGE_KEY = 'app.lang';
const listeners = new Set<(l: Lang) => void>();

function stored(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

let current: Lang = stored();

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = l;
  document.title = t('app.name');
  listeners.forEach((f) => f(l));
}

/** The message in the current language, `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = DICTS[current][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Re-renders the calling component when the language changes; returns it. */
export function useLang(): Lang {
  const [l, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return l;
}

/** Whether a key exists (codes from the API mapped to words, with a fallback). */
export function has(key: string): key is MessageKey {
  return key in vi;
}

/** A message whose key is built from a code of the API (`scope.${s}`); `fallback` when unknown. */
export function tx(key: string, params: Record<string, string | number> = {}, fallback = ''): string {
  return has(key) ? t(key, params) : fallback || key.slice(key.indexOf('.') + 1);
}
