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
