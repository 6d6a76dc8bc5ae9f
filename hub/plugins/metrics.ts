import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { HubContext } from '../context';
import type { HubMetrics } from '../metrics';

/** `query.citizen`: the operation type and its first root field (a schema name: bounded). */
export function operationLabel(op: OperationDefinitionNode | undefined): string {
  if (!op) return 'invalid';
  const first = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return `${op.operation}.${first && first.kind === Kind.FIELD ? first.name.value : 'fragment'}`;
}

/** Records each GraphQL request's latency, from its arrival, by operation and final HTTP status. */
export function metricsPlugin(metrics: HubMetrics): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation }) {
          const status = String(response.http.status ?? 200);
          const started = contextValue?.startedAt ?? Date.now();
          metrics.requestDuration.observe(
            { operation: operationLabel(operation), status },
            (Date.now() - started) / 1000,
          );
        },
      };
    },
  };
}
