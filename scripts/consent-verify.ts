/**
 * Verifies a signed consent statement (docs/rights.md) against the hub's published keys:
 *
 *   npm run -s consent:verify -- <jws | -> [--jwks <URL or file>] [--issuer <iss>]
 *
 * `-` reads the statement from standard input. The keys: `--jwks` (a URL, or a JWKS file), else
 * `${HUB_PUBLIC_URL}/.well-known/jwks.json` (default http://127.0.0.1:${PORT ?? 4000}). Anyone can run
 * it: it needs no store and no secret.
 *
 * Prints the statement and exits 0 when it verifies; prints why and exits 1 when it does not;
 * exits 2 when the keys cannot be read.
 */
import { readFileSync } from 'node:fs';
import { verifyConsentStatement } from '../services/rights/statements';

function parseArgs(argv: string[]): { jws: string; jwks: string; issuer?: string } {
  let jws: string | undefined;
  let jwks = `${process.env.HUB_PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 4000}`}/.well-known/jwks.json`;
  let issuer: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--jwks') jwks = argv[++i];
    else if (a === '--issuer') issuer = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run -s consent:verify -- <jws | -> [--jwks <URL or file>] [--issuer <iss>]\n');
      process.exit(0);
    } else if (jws === undefined) jws = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (jws === undefined) throw new Error('give the statement (or - to read it from standard input)');
  if (jws === '-') jws = readFileSync(0, 'utf8');
  return { jws: jws.trim(), jwks, issuer };
}

async function readJwks(where: string): Promise<unknown> {
  if (/^https?:\/\//.test(where)) {
    const res = await fetch(where);
    if (!res.ok) throw new Error(`${where} answered ${res.status}`);
    return res.json();
  }
  return JSON.parse(readFileSync(where, 'utf8')) as unknown;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const jwks = await readJwks(args.jwks);
  const check = verifyConsentStatement(args.jws, jwks, { issuer: args.issuer });
  if (!check.valid) {
    process.stdout.write(`INVALID: ${check.reason}\n`);
    return 1;
  }
  const c = check.claims.consent;
  process.stdout.write(
    `VALID: signed by ${check.claims.iss} (key ${check.kid}) at ${new Date(check.claims.iat * 1000).toISOString()}\n` +
      `consent ${c.id}: citizen ${c.citizenId} to ${c.client.name} (${c.client.id}), ${c.scopes.join(', ')}, ` +
      `purpose ${c.purpose}, dossier ${c.dossierRef}, valid ${c.validFrom} to ${c.validUntil}, ` +
      `granted ${c.grantedAt}${c.revokedAt ? `, withdrawn ${c.revokedAt}` : ''}; ${c.status}` +
      `${c.restricted ? ' (processing restricted)' : ''}\n` +
      JSON.stringify(check.claims, null, 2) +
      '\n',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`consent:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
