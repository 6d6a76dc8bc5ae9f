import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import type { HubContext } from './context';
import { unauthenticated } from './errors';

/**
 * The one place that decides whether personal data may leave. It wraps every
 * field marked `@personalData`; resolvers hold no permission checks.
 *
 * Until consent-scoped tokens land, the only way to read personal data is the
 * explicit development mode (HUB_AUTH=off, refused in production); otherwise
 * every such field fails with UNAUTHENTICATED and no source is asked.
 */
export function applyDisclosurePolicy(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      if (!getDirective(schema, field, 'personalData')?.[0]) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve(source, args, ctx: HubContext, info) {
          if (ctx.auth.mode !== 'off') {
            throw unauthenticated('Personal data needs an authenticated caller');
          }
          return resolve(source, args, ctx, info);
        },
      };
    },
  });
}
