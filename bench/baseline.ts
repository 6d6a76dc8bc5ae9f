import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/connection';
import { SOURCES, SOURCE_NAMES } from '../connectors/registry';

/**
 * The throughput baseline: a bare node:http handler doing the same store reads as
 * the hub's single-citizen all-papers query (one `_id` read per source, through
 * the driver) and answering with JSON.stringify of the raw documents. No GraphQL,
 * no mapping, no validation: the floor the hub's overhead is measured against.
 */
export async function startBaseline(store: Store, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const collections = SOURCE_NAMES.map((s) => store.db(SOURCES[s].db).collection(SOURCES[s].collection));
  // Never rejects: any failure is answered with a 500.
  const answer = async (raw: Buffer, res: http.ServerResponse): Promise<void> => {
    try {
      const body = JSON.parse(raw.toString()) as { variables: { id: string } };
      const id = body.variables.id;
      const [person, ...papers] = await Promise.all(collections.map((c) => c.findOne({ _id: id as never })));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { citizen: person ? { person, papers } : null } }));
    } catch {
      res.writeHead(500).end();
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // Fire-and-forget: `answer` handles its own errors.
    req.on('end', () => void answer(Buffer.concat(chunks), res));
  });
  // The hub's keep-alive defaults (hub/http.ts), so both are measured over the same connections:
  // with Node's 5 s a load generator's idle pooled connection can be closed as it is reused.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
