/**
 * Registers a client of the hub's token service and prints its secret, once:
 *
 *   npm run client:add -- --id <id> --name <name> --scopes IDENTITY,RESIDENCE --purposes 1.001234,2.000123
 *                         [--kind TTHC_SYSTEM|VERIFIER|CITIZEN_APP|OTHER] [--public-key key.pem [--no-secret]]
 *                         [--purpose-name "1.001234=Cấp đổi giấy phép lái xe" ...]
 *
 * `--purpose-name` (repeatable) names a procedure as citizens see it before consenting.
 *
 * Uses MONGODB_URI; when it is unset, uses a running hub's embedded store on
 * 127.0.0.1:HUB_LOCALDB_PORT (default 27018), or else starts the embedded store
 * (HUB_DATA_DIR, default .data/localdb) for the duration of the run.
 * Databases are prefixed with HUB_DB_PREFIX (default "").
 */
import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { openCliStore } from './cli-store';
import { CLIENT_KINDS, ClientExistsError, registerClient, type ClientKind } from '../services/access/clients';
import type { DocumentScope } from '../services/access/auth/principal';

const USAGE =
  'usage: npm run client:add -- --id <id> --name <name> --scopes <A,B> --purposes <p1,p2> ' +
  `[--kind ${CLIENT_KINDS.join('|')}] [--public-key <file.pem> [--no-secret]] [--purpose-name <code=name> ...]`;

interface Args {
  id?: string;
  name?: string;
  scopes: string[];
  purposes: string[];
  purposeNames: Record<string, string>;
  kind: string;
  publicKeyFile?: string;
  noSecret: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scopes: [], purposes: [], purposeNames: {}, kind: 'TTHC_SYSTEM', noSecret: false };
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--id':
        args.id = value();
        break;
      case '--name':
        args.name = value();
        break;
      case '--scopes':
        args.scopes = list(value()).map((s) => s.toUpperCase());
        break;
      case '--purposes':
        args.purposes = list(value());
        break;
      case '--purpose-name': {
        const v = value();
        const eqAt = v.indexOf('=');
        if (eqAt <= 0) throw new Error(`--purpose-name takes <code>=<name>\n${USAGE}`);
        args.purposeNames[v.slice(0, eqAt).trim()] = v.slice(eqAt + 1).trim();
        break;
      }
      case '--kind':
        args.kind = value().toUpperCase();
        break;
      case '--public-key':
        args.publicKeyFile = value();
        break;
      case '--no-secret':
        args.noSecret = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  if (!args.id || !args.name || args.scopes.length === 0 || args.purposes.length === 0) {
    throw new Error(`--id, --name, --scopes and --purposes are required\n${USAGE}`);
  }
  if (args.noSecret && !args.publicKeyFile) throw new Error('--no-secret needs --public-key');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cli = await openCliStore({ maxPoolSize: 2 });
  const store = cli.store;
  try {
    const { client, secret } = await registerClient(store, {
      id: args.id!,
      name: args.name!,
      kind: args.kind as ClientKind,
      scopes: args.scopes as DocumentScope[],
      purposes: args.purposes,
      ...(Object.keys(args.purposeNames).length ? { purposeNames: args.purposeNames } : {}),
      ...(args.publicKeyFile ? { publicKeyPem: readFileSync(args.publicKeyFile, 'utf8') } : {}),
      ...(args.noSecret ? { issueSecret: false } : args.publicKeyFile ? { issueSecret: true } : {}),
    });
    process.stdout.write(`client_id=${client._id}\n`);
    if (secret !== undefined) {
      process.stdout.write(`client_secret=${secret}\n`);
      process.stderr.write('The secret is shown only this once (the hub stores a hash of it): keep it now.\n');
    }
    process.stderr.write(
      `Registered ${client.kind} "${client.name}" with scopes ${client.scopes.join(',')} and purposes ${client.purposes.join(',')}` +
        `${client.publicKeyPem ? ' (private_key_jwt key on file)' : ''}.\n`,
    );
  } finally {
    await cli.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ZodError) {
    process.stderr.write(
      `client:add: ${err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}\n${USAGE}\n`,
    );
  } else if (err instanceof ClientExistsError) {
    process.stderr.write(`client:add: ${err.message}\n`);
  } else {
    process.stderr.write(`client:add: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
