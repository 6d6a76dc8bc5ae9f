/**
 * Where a process makes V8 maps (hidden classes) while it runs, by the function that made them.
 * Objects built the same way share one map; a site that makes a new map for every object it
 * builds puts that map (and its descriptors) in the old generation each time, which only a full
 * collection frees. On Node 20 (V8 11.3) a copy made with object spread (`{ ...src }`) has a map
 * that is not linked to the map tree, so every property it is given afterwards, or after the
 * spread in the same literal, makes a new map (`Transition` with `prototype` as its reason in
 * V8's log: the parent map is detached, the transition is not kept).
 *
 * It reads the logs V8 writes with `--log-maps --log-code` (one per process and isolate) and
 * prints, per log, the sites that made the most maps, leaving out the `NormalizeCached` events
 * (a cached dictionary map, nothing made). Run the soak with the flags, then this:
 *
 *   rm -rf .data/maps && mkdir -p .data/maps && (cd .data/maps && NODE_ENV=production npx tsx \
 *     --max-semi-space-size=64 --v8-pool-size=1 --log-maps --no-log-maps-details --log-code \
 *     --logfile=v8.log ../../bench/resilience.ts --soak-only --soak-duration 30 \
 *     --data-dir ../bench-resilience)
 *   npm run -s bench:map-sites -- --top 40 .data/maps/isolate-*-v8.log
 *
 * The hub's process is the log marked `hub` (it ran hub/plugins/audit.ts hot). For maps per
 * request, divide by the requests it served: body-parser's `read` makes one map per request, so
 * its row (`--top 40`) counts them.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { lastAtOrBefore } from './profile-probes';

/** A code object while it was at one address: from its creation (or move there) to its move or deletion. */
interface Code {
  start: number;
  size: number;
  name: string;
  /** Log line numbers: where it appeared at `start`, and where it left (Infinity: never). */
  from: number;
  to: number;
}

/** A map event made by running code: the code address, the log line, the property (or kind). */
interface MapEvent {
  pc: number;
  line: number;
  key: string;
}

/** V8 escapes the commas in names; code states: `~` interpreted, `^` baseline, `+` Maglev, `*` TurboFan. */
const HOT_STATES = new Set(['^', '+', '*']);

/** One log, in order: the code objects with the lines they were valid for, and the map events. */
async function read(file: string) {
  const codes: Code[] = [];
  const at = new Map<number, Code>();
  const events: MapEvent[] = [];
  let hub = false;
  let first = Infinity;
  let last = 0;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    n++;
    if (line.startsWith('code-creation,')) {
      // code-creation,<type>,<kind>,<time>,<address>,<size>,<name>[,<sfi>,<state>]
      const f = line.split(',');
      const code: Code = { start: parseInt(f[4], 16), size: Number(f[5]), name: f[6] ?? '', from: n, to: Infinity };
      // The hub's process ran its request path hot: the audit plugin's code was compiled past the
      // interpreter there, not only loaded at start-up.
      if (!hub && f.length >= 9 && HOT_STATES.has(f[8]) && code.name.includes('hub/plugins/audit.ts')) hub = true;
      const replaced = at.get(code.start);
      if (replaced && replaced.to === Infinity) replaced.to = n;
      codes.push(code);
      at.set(code.start, code);
    } else if (line.startsWith('code-move,') || line.startsWith('code-delete,')) {
      // code-move,<from>,<to> | code-delete,<address>
      const f = line.split(',');
      const code = at.get(parseInt(f[1], 16));
      if (!code) continue;
      code.to = n;
      at.delete(code.start);
      if (f[0] === 'code-move') {
        const moved: Code = { ...code, start: parseInt(f[2], 16), from: n, to: Infinity };
        codes.push(moved);
        at.set(moved.start, moved);
      }
    } else if (line.startsWith('map,') && !line.startsWith('map,NormalizeCached')) {
      // map,<type>,<time>,<from>,<to>,<pc>,<line>,<column>,<reason>,<name>
      const f = line.split(',');
      const pc = parseInt(f[5], 16);
      if (!pc) continue; // made by V8 itself, not by running code
      const time = Number(f[2]);
      first = Math.min(first, time);
      last = Math.max(last, time);
      events.push({ pc, line: n, key: f[9] || f[1] });
    }
  }
  return { codes, events, hub, seconds: events.length ? (last - first) / 1e6 : 0 };
}

/** Finds, for an address and a log line, the code object that was there then. */
function resolver(codes: Code[]) {
  const sorted = [...codes].sort((a, b) => a.start - b.start);
  const maxSize = sorted.reduce((m, c) => Math.max(m, c.size), 0);
  return (pc: number, line: number): string => {
    // The last code object starting at or below pc, then back over those that could still cover it.
    for (let k = lastAtOrBefore(sorted, pc, (c) => c.start); k >= 0 && sorted[k].start > pc - maxSize; k--) {
      const c = sorted[k];
      if (pc < c.start + c.size && c.from <= line && line < c.to) return shortName(c.name);
    }
    return `(unknown code 0x${pc.toString(16)})`;
  };
}

/** "name /abs/path/node_modules/pkg/file.js:line:col": the function and a short path. */
function shortName(name: string): string {
  return name
    .replace(/\/[^ ]*node_modules\//, 'node_modules/')
    .replace(process.cwd() + '/', '')
    .trim();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const top = Number(values.top);
  if (!positionals.length || !(top > 0)) throw new Error('usage: map-sites.ts [--top N] <v8 log>...');
  for (const file of positionals) {
    const log = await read(file);
    const resolve = resolver(log.codes);
    const byFunction = new Map<string, { maps: number; keys: Map<string, number> }>();
    for (const e of log.events) {
      const fn = resolve(e.pc, e.line);
      const row = byFunction.get(fn) ?? { maps: 0, keys: new Map<string, number>() };
      row.maps++;
      row.keys.set(e.key, (row.keys.get(e.key) ?? 0) + 1);
      byFunction.set(fn, row);
    }
    console.log(
      `${relative(process.cwd(), file) || basename(file)}${log.hub ? ' (hub)' : ''}: ` +
        `${log.events.length} maps made over ${log.seconds.toFixed(1)} s`,
    );
    console.table(
      [...byFunction.entries()]
        .sort((a, b) => b[1].maps - a[1].maps)
        .slice(0, top)
        .map(([fn, row]) => ({
          maps: row.maps,
          site: fn.slice(0, 90),
          properties: [...row.keys.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 4)
            .map(([k]) => k)
            .join(' ')
            .slice(0, 60),
        })),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
