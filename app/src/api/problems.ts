/**
 * The hub answers partial data with an error per path: a withheld document (FORBIDDEN and the
 * reason), a source that did not answer (SOURCE_UNAVAILABLE), a field its source holds in a form
 * that cannot be read (SOURCE_DATA_INVALID). These helpers find them for one card.
 */
import type { GqlError } from './client';

export type Problem = { kind: 'withheld'; reason: string } | { kind: 'unavailable' } | { kind: 'other'; code: string };

type Path = ReadonlyArray<string | number>;

function samePath(a: Path | undefined, b: Path): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

function within(a: Path | undefined, prefix: Path): boolean {
  return !!a && a.length >= prefix.length && prefix.every((x, i) => a[i] === x);
}

/** What stopped the document at `path` from being served, if anything. */
export function problemAt(errors: GqlError[], path: Path): Problem | null {
  const e = errors.find((x) => samePath(x.path, path));
  if (!e) return null;
  const code = e.extensions?.code ?? '';
  if (code === 'FORBIDDEN') return { kind: 'withheld', reason: e.extensions?.reason ?? '' };
  if (code === 'SOURCE_UNAVAILABLE') return { kind: 'unavailable' };
  return { kind: 'other', code };
}

/**
 * The unreadable fields under `prefix`, as dotted paths relative to it (`classes.0.expiresOn`):
 * `bad('classes.0.expiresOn')` says whether that field could not be read at its source.
 */
export function unreadableUnder(errors: GqlError[], prefix: Path): (rel: string) => boolean {
  const set = new Set(
    errors
      .filter((e) => e.extensions?.code === 'SOURCE_DATA_INVALID' && within(e.path, prefix))
      .map((e) => e.path!.slice(prefix.length).join('.')),
  );
  return (rel) => set.has(rel);
}

/** The reasons of every FORBIDDEN error under `prefix` (LEVEL_TOO_LOW, ACCOUNT_INACTIVE, …). */
export function withheldReasons(errors: GqlError[], prefix: Path): Set<string> {
  return new Set(
    errors
      .filter((e) => e.extensions?.code === 'FORBIDDEN' && within(e.path, prefix))
      .map((e) => e.extensions?.reason ?? ''),
  );
}
