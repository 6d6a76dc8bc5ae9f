/** The workbench's links that other screens build. */

/** The link to one case (its id holds colons: encoded as one path segment). */
export function caseRoute(id: string): string {
  // A dot would make the hub take the path for a file: encoded too.
  return `wb/case/${encodeURIComponent(id).replace(/\./g, '%2E')}`;
}
