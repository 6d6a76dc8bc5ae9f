import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { loadTypeDefs } from './schema';

/** Where `npm run schema:print` writes the SDL (committed; `npm test` fails when it is stale). */
export const SCHEMA_FILE = 'docs/schema.graphql';

const HEADER =
  "# The hub's GraphQL schema, printed from schema/*.graphql by `npm run schema:print`. DO NOT EDIT.\n" +
  "# Served by the hub at /schema.graphql (outside production). Directives show each field's policy.\n\n";

/** The whole SDL, with descriptions and the policy directives on fields. */
export function printHubSchema(): string {
  return HEADER + printSchemaWithDirectives(makeExecutableSchema({ typeDefs: loadTypeDefs() })) + '\n';
}
