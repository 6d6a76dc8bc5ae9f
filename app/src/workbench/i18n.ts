/** The workbench's words, in the app's current language (app/src/i18n decides which). */
import { lang } from '../i18n';
import { wbEn } from './i18n-en';
import { wbVi, type WbDict } from './i18n-vi';

export type WbKey = keyof WbDict;

/** The workbench message in the current language, `{name}` placeholders filled from `params`. */
export function wt(key: WbKey, params: Record<string, string | number> = {}): string {
  const text = (lang() === 'en' ? wbEn : wbVi)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A message whose key is built from a code of the API (`kind.${k}`); the code itself when unknown. */
export function wx(key: string, params: Record<string, string | number> = {}): string {
  return key in wbVi ? wt(key as WbKey, params) : key.slice(key.indexOf('.') + 1);
}

/** A number in the current language (thousands separated). */
export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(n);
}

/** A share (0..1) as a percentage, one decimal. */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${num(x * 100, 1)} %`;
}

/** A duration in seconds as "1 giờ 5 phút" / "1 h 5 min". */
export function duration(s: number): string {
  const vi = lang() === 'vi';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  if (h) return vi ? `${h} giờ ${m} phút` : `${h} h ${m} min`;
  if (m) return vi ? `${m} phút ${sec} giây` : `${m} min ${sec} s`;
  return vi ? `${sec} giây` : `${sec} s`;
}
