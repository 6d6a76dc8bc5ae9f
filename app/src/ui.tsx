/** Small shared pieces of the screens: labelled values, status badges, notices, loading and errors. */
import type { ComponentChildren } from 'preact';
import { ApiError } from './api/client';
import { t, type MessageKey } from './i18n';

/** A labelled value of a paper (a row of a description list). */
export function Field(props: { label: string; children: ComponentChildren; unreadable?: boolean }) {
  return (
    <div class="field">
      <dt>{props.label}</dt>
      <dd>{props.unreadable ? <span class="unreadable">{t('card.unreadable')}</span> : props.children}</dd>
    </div>
  );
}

/** A status in words with a symbol, never by colour alone. */
export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  const symbol = { ok: '✓', warn: '!', bad: '✕', info: 'i' }[props.tone];
  return (
    <span class={`badge badge-${props.tone}`}>
      <span aria-hidden="true" class="badge-symbol">
        {symbol}
      </span>
      {props.children}
    </span>
  );
}

/** A message about the page: `polite` for news, `alert` for what went wrong. */
export function Notice(props: {
  tone: 'info' | 'warn' | 'bad' | 'ok';
  title?: string;
  children?: ComponentChildren;
  role?: 'status' | 'alert';
}) {
  return (
    <div class={`notice notice-${props.tone}`} role={props.role}>
      {props.title && <p class="notice-title">{props.title}</p>}
      {props.children}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('loading')}
    </p>
  );
}

const API_ERROR_WORDS: Record<ApiError['kind'], MessageKey> = {
  network: 'error.network',
  signedOut: 'login.expired',
  busy: 'error.busy',
  unavailable: 'error.unavailable',
  generic: 'error.generic',
};

/** A failed request in words, with a way to try again. */
export function ErrorView(props: { error: unknown; retry?: () => void }) {
  const kind = props.error instanceof ApiError ? props.error.kind : 'generic';
  return (
    <Notice tone="bad" role="alert">
      <p>{t(API_ERROR_WORDS[kind])}</p>
      {props.retry && (
        <button type="button" class="button" onClick={props.retry}>
          {t('retry')}
        </button>
      )}
    </Notice>
  );
}
