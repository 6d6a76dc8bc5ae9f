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
 *   mkdir -p .data/maps && cd .data/maps && NODE_ENV=production npx tsx --max-semi-space-size=64 \
 *     --v8-pool-size=1 --log-maps --no-log-maps-details --log-code --logfile=v8.log \
 *     ../../bench/resilience.ts --soak-only --soak-duration 30; cd ../..
 *   npm run -s bench:map-sites -- [--top 25] .data/maps/isolate-*-v8.log
 *
 * The hub's process is the log marked `hub` (it ran hub/plugins/audit.ts hot). For maps per
 * request, divide by the requests it served: body-parser's `read` makes one map per request, so
 * its row (`--top 40`) counts them.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, relative } from 'node:path';
import { parseArgs } from 'node:util';

interface Code {
  at: number;
  start: number;
  size: number;
  name: string;
}

interface Site {
  count: number;
  /** Time of its first event (µs), to pick the code object that was there then. */
  firstAt: number;
  keys: Map<string, number>;
}

/** One log: the code objects it created and the map events by the code address that made them. */
async function read(file: string) {
  const codes: Code[] = [];
  const byPc = new Map<string, Site>();
  let events = 0;
  let hub = false;
  let first = Infinity;
  let last = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line.startsWith('code-creation,')) {
      // code-creation,<type>,<kind>,<time>,<address>,<size>,<name…>,<sfi>,<state>
      const f = line.split(',');
      const name = f.slice(6, f.length - 2).join(',');
      // The hub's process ran its request path: the audit plugin's code was optimized there
      // (state `*`, or `^` for the baseline compiler), not only compiled at start-up (`~`).
      if (!hub && name.includes('hub/plugins/audit.ts') && f[f.length - 1] !== '~') hub = true;
      codes.push({ at: Number(f[3]), start: parseInt(f[4], 16), size: Number(f[5]), name });
    } else if (line.startsWith('map,') && !line.startsWith('map,NormalizeCached')) {
      // map,<type>,<time>,<from>,<to>,<pc>,<line>,<column>,<reason>,<name>
      const f = line.split(',');
      const at = Number(f[2]);
      if (f[5] === '0x000000000000') continue; // made by V8 itself, not by running code
      events++;
      first = Math.min(first, at);
      last = Math.max(last, at);
      const site = byPc.get(f[5]) ?? { count: 0, firstAt: at, keys: new Map<string, number>() };
      site.count++;
      const key = f.slice(9).join(',') || f[1];
      site.keys.set(key, (site.keys.get(key) ?? 0) + 1);
      byPc.set(f[5], site);
    }
  }
  return { codes, byPc, events, hub, seconds: events ? (last - first) / 1e6 : 0 };
}

/** The function whose code held `pc` when `at` came (the latest code object there before it). */
function resolve(codes: Code[], pc: number, at: number): string {
  let best: Code | null = null;
  for (const c of codes)
    if (pc >= c.start && pc < c.start + c.size && c.at <= at && (!best || c.at >= best.at)) best = c;
  if (!best) return `(unknown code 0x${pc.toString(16)})`;
  // "JS,~,name /abs/path/file.ts:line:col" or a builtin's name: keep the function and a short path.
  return best.name
    .replace(/^[^,]*,[^,]*,/, '')
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
    // Resolving is a scan of every code object: only for the busiest addresses.
    const busiest = [...log.byPc.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, top * 8);
    const byFunction = new Map<string, { maps: number; keys: Map<string, number> }>();
    for (const [pc, site] of busiest) {
      const fn = resolve(log.codes, parseInt(pc, 16), site.firstAt);
      const row = byFunction.get(fn) ?? { maps: 0, keys: new Map<string, number>() };
      row.maps += site.count;
      for (const [k, n] of site.keys) row.keys.set(k, (row.keys.get(k) ?? 0) + n);
      byFunction.set(fn, row);
    }
    console.log(
      `${relative(process.cwd(), file) || basename(file)}${log.hub ? ' (hub)' : ''}: ` +
        `${log.events} maps made over ${log.seconds.toFixed(1)} s`,
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
