/**
 * What the workbench's screens share: loading an operation, refusals in words, paging with a
 * cursor stack (every list is paged on the hub), the commune picker, and CSV downloads (the hub's
 * CSV routes need the bearer token, so the file is fetched and handed to the browser as a blob).
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { WbCommunesDocument, type TypedDocumentString } from '../../../generated/app/graphql';
import { ApiError, request, type GqlError } from '../api/client';
import type { OfficerClaims } from '../auth/session';
import { getSession } from '../auth/session';
import { t, tx } from '../i18n';
import { fmtDayOf } from '../format';
import { Badge, Notice } from '../ui';
import { useLatest } from '../latest';
import { wt } from './i18n';
import { roleWords } from './nav-words';
import type { Role } from './sections';

const ROLES: readonly string[] = ['DATA_CLEANING', 'WORKING_GROUP', 'ACCOUNT_APPROVER', 'SUPERVISOR'];

/** How a case's status looks (a badge's tone; its word says it too). */
export const STATUS_TONE = { OPEN: 'warn', CONFIRMED: 'info', RESOLVED: 'ok', DISMISSED: 'info' } as const;

/** A GraphQL error the workbench shows in words (the role needed, not found, …). */
export class RefusedError extends Error {
  constructor(readonly error: GqlError) {
    super(error.message);
    this.name = 'RefusedError';
  }
}

/** Runs an operation; a top-level error (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT) becomes a RefusedError. */
export async function ask<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const r = await request(doc, variables);
  if (r.errors.length && (!r.data || Object.values(r.data).some((v) => v === null)))
    throw new RefusedError(r.errors[0]);
  if (!r.data) throw new ApiError('generic');
  return r.data;
}

/** A refusal or failure in words: the role needed, not found, or the API's own message. */
export function refusalWords(e: unknown): string {
  if (e instanceof RefusedError) {
    const x = e.error.extensions ?? {};
    const required = x.required as { roles?: string[] } | undefined;
    if (x.code === 'FORBIDDEN' && x.reason === 'ROLE' && required?.roles) {
      return wt('wb.forbidden', {
        roles: required.roles.map((r) => (ROLES.includes(r) ? roleWords(r as Role) : r)).join(', '),
      });
    }
    if (x.code === 'NOT_FOUND') return wt('wb.notFound');
    return e.error.message;
  }
  if (e instanceof ApiError) return tx(`error.${e.kind === 'signedOut' ? 'generic' : e.kind}`);
  return e instanceof Error ? e.message : String(e);
}

export function Refusal(props: { error: unknown; retry?: () => void }) {
  return (
    <Notice tone="bad" role="alert">
      <p>{refusalWords(props.error)}</p>
      {props.retry && (
        <button type="button" class="button secondary" onClick={props.retry}>
          {t('retry')}
        </button>
      )}
    </Notice>
  );
}

/** Loads `fn` when `deps` change; `reload` asks again. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useLatest();
  const load = useCallback(fn, deps);
  const reload = useCallback(() => {
    const current = latest.begin();
    setLoading(true);
    load().then(
      (d) => {
        if (!current()) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current()) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [load]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload, setData };
}

/** The area code an officer works on: their commune, else their province (VN: the whole country). */
export function homeArea(o: OfficerClaims): string {
  return o.area.commune ?? o.area.province;
}

/** Cursor paging: the cursors of the pages seen, so that "previous" goes back without a new count. */
export function usePager(reset: unknown[]) {
  const [stack, setStack] = useState<Array<string | null>>([null]);
  // A new filter starts again on page 1.
  useEffect(() => setStack([null]), reset);
  return {
    after: stack[stack.length - 1],
    page: stack.length,
    next: (cursor: string | null) => cursor && setStack([...stack, cursor]),
    prev: () => stack.length > 1 && setStack(stack.slice(0, -1)),
  };
}

export function Pager(props: {
  page: number;
  shown: number;
  total: number | null;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
}) {
  return (
    <nav
      class="wb-pager"
      aria-label={wt('wb.pageOf', { page: props.page, shown: props.shown, total: props.total ?? '?' })}
    >
      <button type="button" class="button secondary" disabled={props.page <= 1} onClick={props.onPrev}>
        {wt('wb.prev')}
      </button>
      <span aria-live="polite">
        {wt('wb.pageOf', { page: props.page, shown: props.shown, total: props.total ?? '?' })}
      </span>
      <button type="button" class="button secondary" disabled={!props.hasNext} onClick={props.onNext}>
        {wt('wb.next')}
      </button>
    </nav>
  );
}

/** The communes of a province to narrow a screen to one (the whole province by default). */
export function CommuneSelect(props: {
  officer: OfficerClaims;
  value: string;
  onChange: (code: string) => void;
  id: string;
}) {
  const o = props.officer;
  const [communes, setCommunes] = useState<Array<{ code: string; name: string }>>([]);
  useEffect(() => {
    if (o.area.commune || o.area.province === 'VN') return;
    ask(WbCommunesDocument, { province: o.area.province }).then(
      (d) => setCommunes(d.areaCommunes),
      () => setCommunes([]),
    );
  }, [o.area.province, o.area.commune]);
  if (o.area.commune || o.area.province === 'VN') return null;
  return (
    <div class="filter">
      <label for={props.id}>{wt('wb.commune')}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        <option value={o.area.province}>{wt('wb.allCommunes')}</option>
        {communes.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A button that downloads one of the hub's CSV exports with the session's token. */
export function CsvButton(props: { path: string; filename: string; label?: string }) {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'done' | 'failed'; text?: string }>({ kind: 'idle' });
  const download = async () => {
    setState({ kind: 'busy' });
    try {
      const token = getSession()?.accessToken;
      const res = await fetch(props.path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { errors?: GqlError[] } | null;
        throw body?.errors?.[0] ? new RefusedError(body.errors[0]) : new ApiError('generic');
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = props.filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ kind: 'done', text: wt('wb.csvDone', { file: props.filename }) });
    } catch (e) {
      setState({ kind: 'failed', text: wt('wb.csvFailed', { why: refusalWords(e) }) });
    }
  };
  return (
    <span class="wb-csv">
      <button type="button" class="button secondary" disabled={state.kind === 'busy'} onClick={() => void download()}>
        {props.label ?? wt('wb.csv')}
      </button>
      <span role="status" class={state.kind === 'failed' ? 'field-error' : 'muted'}>
        {state.kind === 'busy' ? wt('wb.csvBusy') : (state.text ?? '')}
      </span>
    </span>
  );
}

/** A labelled number of a report or a summary. */
export function Stat(props: { label: string; value: ComponentChildren; testid?: string }) {
  return (
    <div class="wb-stat" data-stat={props.testid}>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

/**
 * A citizen's correction request's legal deadline (rights: Decree 356/2025, see docs/rights.md):
 * the day, and when it has passed a badge in words and a symbol (not colour alone).
 */
export function Due(props: { dueAt: string | null; overdue: boolean | null }) {
  if (!props.dueAt) return <span class="muted">—</span>;
  return (
    <span class="wb-due" data-overdue={props.overdue ? 'true' : 'false'}>
      <time dateTime={props.dueAt}>{fmtDayOf(props.dueAt)}</time>{' '}
      {props.overdue ? (
        <Badge tone="bad">{wt('cases.overdue')}</Badge>
      ) : (
        <span class="muted">{wt('cases.dueOpen')}</span>
      )}
    </span>
  );
}

/**
 * The field a citizen's correction request names: its label in the officer's language (the
 * citizen's form's own, `cfield.*`), with the API name beside it for the data-cleaning tools.
 */
export function CorrectionField({ name }: { name: string }) {
  const label = tx(`cfield.${name}`);
  return label === name ? (
    <span class="mono">{name}</span>
  ) : (
    <span>
      {label} <span class="mono muted">({name})</span>
    </span>
  );
}
