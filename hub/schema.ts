import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { unreadableError, unreadableOf } from '../connectors/fields';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { resolvers } from '../resolvers';
import { applyAuditCoverage } from '../services/audit/coverage';
import { applyDisclosurePolicy } from '../services/access/policy';
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
  return applyListLimits(applyAuditCoverage(applyDisclosurePolicy(withUnreadableFields(schema))));
}

/**
 * A field the connector could not read from its source (connectors/fields.ts) is answered with
 * a SOURCE_DATA_INVALID error at its path instead of its value: null in the response, the rest
 * of the document served. Innermost, so that the policy decides first (a withheld field is
 * FORBIDDEN whatever its data) and the audit sees the failure (a failed field is not disclosed).
 */
export function withUnreadableFields(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type) || roots.has(type)) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve(source, args, ctx, info) {
          const bad = unreadableOf(source, fieldName);
          if (bad) throw unreadableError(bad);
          return resolve(source, args, ctx, info);
        },
      };
    },
  });
}
