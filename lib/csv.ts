/**
 * CSV as the hub's downloads write it (RFC 4180, CRLF line ends): the one place cells are
 * escaped. Streaming, authentication and audit of the downloads: hub/routes/csv.ts.
 */

/** One CSV cell: quoted when needed; a leading = + - @ is defused (spreadsheet formulas). */
export function csvCell(v: string | null | undefined): string {
  let s = v ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (cells escaped), with its CRLF. */
export function csvLine(cells: ReadonlyArray<string | null | undefined>): string {
  return cells.map((v) => csvCell(v)).join(',') + '\r\n';
}
