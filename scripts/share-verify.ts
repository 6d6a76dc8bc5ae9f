/**
 * Checks a share's SD-JWT offline against the hub's JWKS (docs/security.md, "Share by QR"):
 *
 *   npm run -s share:verify -- <sd-jwt | -> [--jwks <file | URL>] [--issuer <iss>] [--audience <aud>]...
 *                                           [--at <ISO time>]
 *
 * The SD-JWT comes as the argument, or on standard input with `-`. The keys: `--jwks` a JWKS file
 * (as saved from the hub's /.well-known/jwks.json, for a verifier with no network) or URL; default
 * `${HUB_URL:-http://127.0.0.1:4000}/.well-known/jwks.json`. `--issuer` and `--audience` (repeatable)
 * are checked when given; `--at` checks `iat`/`exp` at that time instead of now (a copy kept since).
 *
 * Prints the header, the registered claims and the disclosed papers as JSON. Exit code: 0 when it
 * verifies, 1 when it does not (the reason on stderr), 2 on a usage or network error.
 */
import { readFileSync } from 'node:fs';
import { ShareTokenError, verifyShareToken } from '../services/share/sd-jwt';

interface Args {
  token: string;
  jwks: string;
  issuer?: string;
  audiences: string[];
  at?: Date;
}

const USAGE =
  'usage: npm run -s share:verify -- <sd-jwt | -> [--jwks <file|url>] [--issuer <iss>] [--audience <aud>]... [--at <ISO time>]\n';

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const out: Partial<Args> & { audiences: string[] } = { audiences: [] };
  const value = (i: number, name: string) => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (a === '--jwks') out.jwks = value(++i, a);
    else if (a === '--issuer') out.issuer = value(++i, a);
    else if (a === '--audience') out.audiences.push(value(++i, a));
    else if (a === '--at') {
      const at = new Date(value(++i, a));
      if (Number.isNaN(at.getTime())) throw new UsageError('--at needs an ISO time');
      out.at = at;
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (out.token === undefined) out.token = a === '-' ? readFileSync(0, 'utf8').trim() : a;
    else throw new UsageError('give one SD-JWT');
  }
  if (!out.token) throw new UsageError('give the SD-JWT (or - to read it from standard input)');
  const hub = (process.env.HUB_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  return { ...out, token: out.token, jwks: out.jwks ?? `${hub}/.well-known/jwks.json` };
}

async function loadJwks(where: string): Promise<unknown> {
  if (!/^https?:\/\//.test(where)) return JSON.parse(readFileSync(where, 'utf8')) as unknown;
  const res = await fetch(where, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${where}: HTTP ${res.status}`);
  return await res.json();
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`share:verify: ${e.message}\n${USAGE}`);
    return 2;
  }
  const keys = await loadJwks(args.jwks);
  try {
    const v = await verifyShareToken(args.token, {
      keys,
      issuer: args.issuer,
      audiences: args.audiences.length ? args.audiences : undefined,
      now: args.at,
    });
    process.stdout.write(
      `${JSON.stringify({ valid: true, header: v.header, claims: v.claims, papers: v.papers }, null, 2)}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof ShareTokenError)) throw e;
    process.stdout.write(`${JSON.stringify({ valid: false, problem: e.problem, message: e.message })}\n`);
    process.stderr.write(`share:verify: NOT VALID (${e.problem}): ${e.message}\n`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`share:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
