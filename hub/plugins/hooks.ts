import type { GraphQLRequestListener } from '@apollo/server';

/**
 * Apollo's plugin hooks return promises; most of the hub's do their work at once. `syncHook`
 * adapts a synchronous hook: it runs at once, and a throw becomes a rejection (as from an
 * `async` function), which Apollo turns into the request's error.
 */
export function syncHook<A extends unknown[]>(hook: (...args: A) => void): (...args: A) => Promise<void> {
  return (...args) =>
    new Promise<void>((resolve) => {
      hook(...args);
      resolve();
    });
}

/** A `requestDidStart` that hands every request the same listener (one that keeps no per-request state). */
export function listenWith<T extends object>(
  listener: GraphQLRequestListener<T>,
): () => Promise<GraphQLRequestListener<T>> {
  return () => Promise.resolve(listener);
}
