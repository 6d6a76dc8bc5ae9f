import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { HubContext } from '../../services/context';
import type { HubMetrics } from '../metrics';
import { listenWith, syncHook } from './hooks';

/** `query.citizen`: the operation type and its first root field (a schema name: bounded). */
export function operationLabel(op: OperationDefinitionNode | undefined): string {
  if (!op) return 'invalid';
  const first = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return `${op.operation}.${first && first.kind === Kind.FIELD ? first.name.value : 'fragment'}`;
}

/**
 * Names each GraphQL request's operation for the latency metric. The latency itself is recorded
 * when the response has gone ({@link observeRequest}): other plugins' `willSendResponse` run at
 * the same time as this one's and may still change the status (the audit's 503).
 */
export function metricsPlugin(): ApolloServerPlugin<HubContext> {
  return {
    requestDidStart: listenWith({
      willSendResponse: syncHook(({ contextValue, operation }) => {
        if (contextValue) contextValue.operation.label = operationLabel(operation);
      }),
    }),
  };
}

/**
 * Records a GraphQL request's latency, from its arrival to its last byte, by operation and
 * final HTTP status, when the response is done (`invalid` when no operation was resolved;
 * status `aborted` when the client went away first, so slow requests are not left out).
 */
export function observeRequest(
  metrics: HubMetrics,
  res: { once(event: 'close', fn: () => void): unknown; statusCode: number; writableFinished: boolean },
  ctx: Pick<HubContext, 'startedAt' | 'operation'>,
): void {
  res.once('close', () => {
    metrics.requestDuration.observe(
      {
        operation: ctx.operation.label ?? 'invalid',
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      },
      (Date.now() - ctx.startedAt) / 1000,
    );
  });
}
