import type { Db, Document, WriteConcernSettings } from 'mongodb';

/**
 * Canonical JSON characters per audit insert command, at most (a lone larger record goes alone):
 * a quarter of the 16 MB a command may carry, a record's BSON being of its JSON's size.
 */
export const INSERT_COMMAND_JSON_CHARS = 4_000_000;

/** A write error or write-concern error of a reply, in a line (its code and message only). */
function describeWriteError(e: unknown): string {
  const w = (e ?? {}) as { code?: unknown; errmsg?: unknown };
  const code = typeof w.code === 'number' || typeof w.code === 'string' ? String(w.code) : 'no code';
  return `${code} ${typeof w.errmsg === 'string' ? w.errmsg.slice(0, 200) : ''}`.trim();
}

/**
 * Inserts documents in order, durably: `insert` commands of the documents in turn, ordered, at
 * `writeConcern`, each under `maxChars` by `sizes` (each document's canonical JSON length, which
 * the audit writer has already made for the hash). Not the driver's `insertMany`: its bulk path
 * measures every document's BSON size before serialising it, a second walk of each record (about
 * 50 µs of the hub's CPU per request under load; docs/benchmarks.md).
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
  for (let i = 0; i < docs.length;) {
    let j = i + 1;
    for (let chars = sizes[i]; j < docs.length && chars + sizes[j] <= maxChars; j++) chars += sizes[j];
    opts.onCommand?.();
    const reply = await db.command({
      insert: collection,
      documents: docs.slice(i, j),
      ordered: true,
      writeConcern: opts.writeConcern,
    });
    const writeErrors: unknown = reply.writeErrors;
    if (Array.isArray(writeErrors) && writeErrors.length)
      throw new Error(`insert refused: ${describeWriteError(writeErrors[0])}`);
    if (reply.writeConcernError) throw new Error(`insert: ${describeWriteError(reply.writeConcernError)}`);
    if (reply.n !== j - i) throw new Error(`insert wrote ${String(reply.n)} of ${j - i} documents`);
    i = j;
  }
}
