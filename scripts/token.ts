/**
 * Prints an access token signed by the development identity provider.
 *
 *   npm run -s token -- citizen <personalId>
 *   npm run -s token -- officer --area <01|01012> --role <ROLE> [--id <officerId>] [--unit <name>]
 *
 * Options for both: --ttl <seconds> (default 3600).
 * Env: HUB_KEYS_DIR (default .keys, created at first use), HUB_AUDIENCE.
 */
import { issueDevToken, devIdpKey, parseArea } from '../services/access/auth/dev-idp';
import { OFFICER_ROLES, type OfficerRole } from '../services/access/auth/principal';
import { authEnv } from '../services/access/auth/trust';

const USAGE = `usage:
  npm run -s token -- citizen <personalId> [--ttl <s>]
  npm run -s token -- officer --area <2-digit province | 5-digit commune | VN (SUPERVISOR only)> --role <${OFFICER_ROLES.join('|')}> [--id <officerId>] [--unit <name>] [--ttl <s>]`;

function parseFlags(args: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const v = args[i + 1];
        if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
        flags.set(a.slice(2), v);
        i++;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

function main(argv: string[]): void {
  const [kind, ...rest] = argv;
  if (kind !== 'citizen' && kind !== 'officer') throw new Error(USAGE);
  const { positional, flags } = parseFlags(rest);
  const known = kind === 'citizen' ? ['ttl'] : ['area', 'role', 'id', 'unit', 'ttl'];
  for (const f of flags.keys()) if (!known.includes(f)) throw new Error(`unknown option --${f}\n${USAGE}`);
  const ttl = flags.has('ttl') ? Number(flags.get('ttl')) : 3600;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  const env = authEnv();
  const key = devIdpKey(env.keysDir);
  const opts = { key, audience: env.audience, expiresInS: ttl };
  let token: string;
  if (kind === 'citizen') {
    if (positional.length !== 1) throw new Error(USAGE);
    token = issueDevToken('citizen', { personalId: positional[0] }, opts);
  } else {
    if (positional.length !== 0) throw new Error(USAGE);
    const areaCode = flags.get('area');
    const role = flags.get('role');
    if (!areaCode || !role) throw new Error(USAGE);
    if (!(OFFICER_ROLES as readonly string[]).includes(role))
      throw new Error(`--role must be one of ${OFFICER_ROLES.join(', ')}`);
    token = issueDevToken(
      'officer',
      { area: parseArea(areaCode), role: role as OfficerRole, officerId: flags.get('id'), unit: flags.get('unit') },
      opts,
    );
  }
  process.stdout.write(token + '\n');
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`token: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
