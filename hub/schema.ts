import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { resolvers } from '../resolvers';
import { applyAuditCoverage } from './audit/coverage';
import { applyDisclosurePolicy } from './policy';
import { applyListLimits, assertEveryListIsBounded } from './limits';

const SCHEMA_DIR = join(__dirname, '..', 'schema');

/** The SDL of every module, `schema/*.graphql`, base first. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  return files.map((f) => readFileSync(join(dir, f), 'utf8'));
}

/**
 * The executable schema with the disclosure policy and the audit coverage applied, and around
 * them the list limits (a list over its maximum is refused before the policy records anything);
 * throws (the server does not start) when a field has no policy, a root field no audit treatment,
 * or a list no maximum. `extraTypeDefs` are for tests of those checks.
 */
export function buildSchema(extraTypeDefs: string[] = []): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: [...loadTypeDefs(), ...extraTypeDefs],
    resolvers: resolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
  assertEveryListIsBounded(schema);
  return applyListLimits(applyAuditCoverage(applyDisclosurePolicy(schema)));
}
