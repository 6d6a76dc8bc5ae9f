/** Random identifiers the hub shows to people (in the apps, in CSV downloads, on command lines). */
import { randomBytes } from 'node:crypto';

/**
 * `bytes` random bytes, base64url, never beginning with `-`: a CSV download defuses a cell that
 * begins with one (lib/csv.ts: a spreadsheet would read it as a formula) and a command line reads
 * it as an option, so an id that did would not be the same id everywhere. One id in 64 is drawn
 * again; the others are as drawn.
 */
export function randomId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * An instant (epoch ms) as the fixed-width start or part of a string `_id` (13 digits: until the
 * year 2286), so that `_id`s sort, and range-read, in time order. Before 1970: 0.
 */
export function msKey(ms: number): string {
  return String(Math.max(0, Math.min(Math.floor(ms), 9_999_999_999_999))).padStart(13, '0');
}
