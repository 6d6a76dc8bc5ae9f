import { expect } from '@jest/globals';
import { jest } from '@jest/globals';
import { MongoServerError, type Document } from 'mongodb';
import { Store } from '../../../store/connection';
import { INSERT_COMMAND_MAX_DOCS, insertInOrder } from '../../../services/audit/insert';

let store: Store;
const wc = { w: 'majority' as const, j: true };
const coll = () => store.hubDb.collection<{ _id: string; n: number }>('inserts');

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  store = await Store.connect({ uri, dbPrefix: 'auditinsert_', maxPoolSize: 4 });
  await store.hubDb.dropDatabase();
});
afterAll(async () => {
  await store.hubDb.dropDatabase();
  await store.close();
});

const docs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ _id: `d${from + i}`, n: from + i }));

/**
 * Documents `from`… (`n` of them) inserted in order over one already there at position `dupAt`:
 * the insert must be refused on the duplicate; returns what was written of them.
 */
async function insertOverDuplicate(from: number, n: number, dupAt: number) {
  await coll().insertOne({ _id: `d${from + dupAt}`, n: -1 });
  await expect(
    insertInOrder(store.hubDb, 'inserts', docs(from, n), Array(n).fill(1), { writeConcern: wc }),
  ).rejects.toThrow(/insert refused: 11000/);
  return coll()
    .find({ n: { $gte: from } })
    .toArray();
}

describe('insertInOrder', () => {
  it('writes every document in order, in commands of at most maxChars by the sizes given', async () => {
    let commands = 0;
    // Sizes 10 each, 35 per command: three to a command, 10 documents in four commands.
    await insertInOrder(store.hubDb, 'inserts', docs(0, 10), Array(10).fill(10), {
      writeConcern: wc,
      maxChars: 35,
      onCommand: () => commands++,
    });
    expect(commands).toBe(4);
    expect((await coll().find({}).toArray()).map((d) => d.n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
  });

  it('sends a document larger than maxChars alone', async () => {
    let commands = 0;
    await insertInOrder(store.hubDb, 'inserts', docs(100, 3), [10, 500, 10], {
      writeConcern: wc,
      maxChars: 35,
      onCommand: () => commands++,
    });
    expect(commands).toBe(3);
    expect(await coll().countDocuments({ n: { $gte: 100, $lt: 103 } })).toBe(3);
  });

  it('rejects on a duplicate _id in the reply, the documents before it written and none after', async () => {
    const written = await insertOverDuplicate(200, 5, 2);
    expect(written.map((d) => d._id).sort()).toEqual(['d200', 'd201']);
  });

  it('sends at most INSERT_COMMAND_MAX_DOCS documents per command', async () => {
    let commands = 0;
    await insertInOrder(store.hubDb, 'inserts', docs(1000, 250), Array(250).fill(1), {
      writeConcern: wc,
      onCommand: () => commands++,
    });
    expect(commands).toBe(Math.ceil(250 / INSERT_COMMAND_MAX_DOCS));
    expect(await coll().countDocuments({ n: { $gte: 1000, $lt: 1250 } })).toBe(250);
  });

  it('writes nothing after a refused document, past the embedded store’s batches of 100 too', async () => {
    const written = await insertOverDuplicate(2000, 150, 50);
    expect(written.map((d) => d.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 2000 + i));
  });

  it('sends the write concern as the driver does (w, j, wtimeout)', async () => {
    const sent: Document[] = [];
    const spy = jest.spyOn(store.hubDb, 'command');
    spy.mockImplementation((cmd: Document) => {
      sent.push(cmd);
      spy.mockRestore();
      return store.hubDb.command(cmd);
    });
    await insertInOrder(store.hubDb, 'inserts', docs(3000, 1), [1], {
      writeConcern: { w: 'majority', journal: true, wtimeoutMS: 5000 },
    });
    expect(sent[0].writeConcern).toEqual({ w: 'majority', j: true, wtimeout: 5000 });
  });

  it('rejects a reply with a write-concern error, or fewer documents written than sent', async () => {
    const spy = jest.spyOn(store.hubDb, 'command');
    spy.mockResolvedValueOnce({
      ok: 1,
      n: 1,
      writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' },
    });
    await expect(insertInOrder(store.hubDb, 'inserts', docs(4000, 1), [1], { writeConcern: wc })).rejects.toThrow(
      /insert: 64 waiting for replication/,
    );
    spy.mockResolvedValueOnce({ ok: 1, n: 1 });
    await expect(insertInOrder(store.hubDb, 'inserts', docs(4001, 2), [1, 1], { writeConcern: wc })).rejects.toThrow(
      /wrote 1 of 2/,
    );
    spy.mockRestore();
  });

  it('rejects when the command fails', async () => {
    await expect(insertInOrder(store.hubDb, '', docs(300, 1), [10], { writeConcern: wc })).rejects.toBeInstanceOf(
      MongoServerError,
    );
  });
});
