import { WriteConcern, type Db, type Document, type WriteConcernSettings } from 'mongodb';

/**
 * Canonical JSON characters per audit insert command, at most (a lone larger record goes alone):
 * a quarter of the 16 MB a command may carry. A record's BSON is larger than its JSON's length
 * (UTF-8 bytes of Vietnamese text, array index keys), well within that margin for audit records.
 */
export const INSERT_COMMAND_JSON_CHARS = 4_000_000;

/**
 * Documents per insert command, at most. The embedded store (FerretDB v1) inserts a command's
 * documents 100 at a time, and after a duplicate `_id` in one hundred it goes on with the next even
 * when the insert is ordered: a command of more could write records after a refused one, a gap in
 * an audit chain. No more than 100 per command, an ordered insert stops at its first error there too.
 */
export const INSERT_COMMAND_MAX_DOCS = 100;

/** A write error or write-concern error of a reply, in a line (its code and message only). */
function describeWriteError(e: unknown): string {
  const w = (e ?? {}) as { code?: unknown; errmsg?: unknown };
  const code = typeof w.code === 'number' || typeof w.code === 'string' ? String(w.code) : 'no code';
  return `${code} ${typeof w.errmsg === 'string' ? w.errmsg.slice(0, 200) : ''}`.trim();
}

/**
 * Inserts documents in order, durably: `insert` commands of the documents in turn, ordered, at
 * `writeConcern` (as the driver sends it: `WriteConcern.apply`), each of at most
 * {@link INSERT_COMMAND_MAX_DOCS} documents and `maxChars` by `sizes` (each document's canonical
 * JSON length, which the audit writer has already made for the hash). Not the driver's
 * `insertMany`: its bulk path measures every document's BSON size before serialising it, a second
 * walk of each record (about 50 µs of the hub's CPU per request under load; docs/benchmarks.md).
 *
 * Resolves once every document is written. Rejects otherwise, a prefix possibly written: a command
 * error, a write error in the reply (a duplicate `_id`: another process writing the same audit
 * chain), a write-concern error, or fewer documents written than sent.
 */
export async function insertInOrder(
  db: Db,
  collection: string,
  docs: readonly Document[],
  sizes: readonly number[],
  opts: { writeConcern: WriteConcernSettings; maxChars?: number; onCommand?: () => void },
): Promise<void> {
  const maxChars = opts.maxChars ?? INSERT_COMMAND_JSON_CHARS;
  const wc = WriteConcern.fromOptions({ writeConcern: opts.writeConcern });
  for (let i = 0; i < docs.length;) {
    let j = i + 1;
    for (let chars = sizes[i]; j < docs.length && j - i < INSERT_COMMAND_MAX_DOCS; j++) {
      if (chars + sizes[j] > maxChars) break;
      chars += sizes[j];
    }
    opts.onCommand?.();
    const command: Document = { insert: collection, documents: docs.slice(i, j), ordered: true };
    if (wc) WriteConcern.apply(command, wc);
    const reply = await db.command(command);
    const writeErrors: unknown = reply.writeErrors;
    if (Array.isArray(writeErrors) && writeErrors.length)
      throw new Error(`insert refused: ${describeWriteError(writeErrors[0])}`);
    if (reply.writeConcernError) throw new Error(`insert: ${describeWriteError(reply.writeConcernError)}`);
    if (reply.n !== j - i) throw new Error(`insert wrote ${String(reply.n)} of ${j - i} documents`);
    i = j;
  }
}
