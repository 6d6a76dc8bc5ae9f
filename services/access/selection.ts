/**
 * What a request's selection asks of a citizen: the `@disclose` scopes of the Citizen fields it
 * selects, and the prefetch of the documents that will be disclosed.
 */
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import type { Loaders } from '../../connectors/registry';
import type { SourceName } from '../../connectors/sources';
import type { DocumentScope } from './auth/principal';

/** The `@disclose` scopes of the Citizen fields a selection asks for (fragments included). */
export function requestedScopes(
  info: GraphQLResolveInfo,
  scopeOf: ReadonlyMap<string, DocumentScope>,
): Set<DocumentScope> {
  const scopes = new Set<DocumentScope>();
  const walk = (selections: readonly SelectionNode[]) => {
    for (const sel of selections) {
      if (sel.kind === Kind.FIELD) {
        const scope = scopeOf.get(sel.name.value);
        if (scope) scopes.add(scope);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet.selections);
      } else {
        const fragment = info.fragments[sel.name.value];
        if (fragment) walk(fragment.selectionSet.selections);
      }
    }
  };
  for (const node of info.fieldNodes) if (node.selectionSet) walk(node.selectionSet.selections);
  return scopes;
}

/** The sources other than the population, by the scope of their document. */
const SOURCE_OF_SCOPE: Partial<Record<DocumentScope, Exclude<SourceName, 'population'>>> = {
  DRIVING_LICENCE: 'drivingLicence',
  HEALTH_INSURANCE: 'healthInsurance',
  SOCIAL_INSURANCE: 'socialInsurance',
  HEALTH_RECORD: 'healthRecord',
};

/**
 * Asks the sources of the documents that will be disclosed at the same time as the population
 * (one round trip instead of two: the field resolvers then find them in the request's loaders).
 * Only scopes already allowed are prefetched, so a withheld document's source is never asked.
 */
export function prefetch(ctx: { loaders: Loaders }, ids: readonly string[], scopes: Iterable<DocumentScope>): void {
  for (const scope of scopes) {
    const source = SOURCE_OF_SCOPE[scope];
    if (!source) continue;
    for (const id of ids) void ctx.loaders[source].load(id).catch(() => undefined);
  }
}
