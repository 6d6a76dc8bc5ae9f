/**
 * What the driver's per-request garbage costs the collector. Runs `--requests` requests' worth of
 * store work, one after another (each: the five source reads of one citizen at once, as the
 * connectors read them; `--ping`: five `ping` commands), waits for everything to settle, then
 * forces three young-generation collections (scavenges) and one full collection, and prints how
 * much the old generation grew after each: objects that survived the scavenges although nothing
 * uses them any more are promoted there, and only a full (mark-compact) collection frees them.
 * `--control` runs the same number of requests without the driver (a promise and a socket round
 * trip to a server in this process, with garbage allocated around it), for comparison.
 * `--patterns` measures, in plain JavaScript and without I/O, how many bytes one copy of a small
 * object allocates straight in the old generation, and how many more survive the scavenges, by
 * how the copy is made: object spread then a property added (what the driver does for every
 * command and its options), against `Object.assign` then the same property, and a literal.
 *
 *   npm run bench:gc-retention -- [--requests 200] [--rounds 4] [--ping] [--control] [--patterns]
 */
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import { SOURCES, SOURCE_NAMES } from '../connectors/registry';
import { withSoakStore } from './common';

setFlagsFromString('--expose-gc');
/** `gc()` is a full collection; `gc({ type: 'minor' })` a scavenge. */
const gc = runInNewContext('gc') as (options?: { type: 'minor' }) => void;
const oldSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
const settle = () => new Promise((r) => setTimeout(r, 100));

/**
 * One round of `steps` calls of `step`, one after another: how much the old generation grew, in
 * bytes per step, during the loop (allocated there directly: the npm script's young generation is
 * large enough that no scavenge runs in the loop), after three scavenges, and after a full
 * collection.
 */
async function round(steps: number, step: (i: number) => unknown) {
  gc();
  await settle();
  gc();
  const before = oldSpaceUsed();
  for (let i = 0; i < steps; i++) await step(i);
  const afterLoop = oldSpaceUsed();
  await settle();
  for (let k = 0; k < 3; k++) gc({ type: 'minor' });
  const afterScavenges = oldSpaceUsed();
  gc();
  const afterFull = oldSpaceUsed();
  return {
    during: (afterLoop - before) / steps,
    afterScavenges: (afterScavenges - before) / steps,
    afterFull: (afterFull - before) / steps,
  };
}

/** `rounds` rounds after one of warm-up (code, pools), in KB per request. */
async function perRequest(what: string, requests: number, rounds: number, request: (i: number) => unknown) {
  const kb = (bytes: number) => +(bytes / 1024).toFixed(1);
  const out = [];
  for (let r = 0; r < rounds + 1; r++) {
    const m = await round(requests, request);
    if (r > 0)
      out.push({
        what,
        old_kb_per_request_during_loop: kb(m.during),
        promoted_kb_per_request: kb(m.afterScavenges),
        left_after_full_gc_kb_per_request: kb(m.afterFull),
      });
  }
  return out;
}

/** The control: a socket round trip and some garbage per request, no driver. */
async function control(requests: number, rounds: number) {
  const server = createServer((s) => s.on('data', (d) => s.write(d)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  const request = async (i: number) => {
    const garbage = Array.from({ length: 200 }, (_, k) => ({ i, k, s: `v${k}` }));
    const answered = once(socket, 'data');
    socket.write(Buffer.concat([Buffer.from('ping'), Buffer.alloc(60)]));
    await answered;
    return garbage.length;
  };
  const out = await perRequest('control: socket round trip, no driver', requests, rounds, request);
  socket.destroy();
  server.close();
  return out;
}

/** `--patterns`: old-generation bytes per copy, straight and after the scavenges, by copy pattern. */
async function patterns(copies: number, rounds: number) {
  const source = { ping: 1 };
  const payload = () => Array.from({ length: 10 }, (_, k) => ({ k }));
  const made: Record<string, () => object> = {
    // On Node 20 (V8 11.3) each such copy allocates in the old generation, which only a full
    // collection frees, and young objects it points to survive the scavenges meanwhile.
    'spread, then a property added': () => {
      const c: Record<string, unknown> = { ...source };
      c.$db = payload();
      return c;
    },
    'spread with the property in the literal': () => ({ ...source, $db: payload() }),
    'Object.assign, then a property added': () => {
      const c: Record<string, unknown> = Object.assign({}, source);
      c.$db = payload();
      return c;
    },
    'literal, then a property added': () => {
      const c: Record<string, unknown> = { ping: 1 };
      c.$db = payload();
      return c;
    },
  };
  const out = [];
  for (const [what, make] of Object.entries(made)) {
    const during: number[] = [];
    const kept: number[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const m = await round(copies, make);
      if (r === 0) continue; // warm-up
      during.push(m.during);
      kept.push(m.afterScavenges);
    }
    const mean = (a: number[]) => Math.round(a.reduce((x, y) => x + y, 0) / a.length);
    out.push({ what, old_bytes_per_copy: mean(during), after_scavenges_bytes_per_copy: mean(kept) });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '4' },
      ping: { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      patterns: { type: 'boolean', default: false },
    },
  });
  const requests = Number(values.requests);
  const rounds = Number(values.rounds);
  if (!(requests > 0 && rounds > 0)) throw new Error('--requests and --rounds take positive numbers');
  if (values.patterns) {
    console.table(await patterns(20_000, rounds));
    return;
  }
  if (values.control) {
    console.table(await control(requests, rounds));
    return;
  }
  await withSoakStore('gc-retention', async (store, ids) => {
    const collections = SOURCE_NAMES.map((s) => store.db(SOURCES[s].db).collection(SOURCES[s].collection));
    const request = (i: number) =>
      Promise.all(
        collections.map((c) =>
          values.ping ? store.hubDb.command({ ping: 1 }) : c.findOne({ _id: ids[i % ids.length] as never }),
        ),
      );
    console.table(await perRequest(values.ping ? 'five pings' : 'five source reads', requests, rounds, request));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
