/**
 * Prometheus metrics (prom-client), one registry per hub instance, served at `/metrics`.
 * Labels are bounded sets (operation = the root fields of the schema, sources, reasons): no
 * personal data, nothing a caller can inflate.
 *
 * - `hub_request_duration_seconds{operation,status}`: GraphQL requests, by operation (its
 *   first root field, e.g. `query.citizen`) and HTTP status;
 * - `hub_source_call_duration_seconds{source,outcome}` and `hub_source_failures_total{source,reason}`:
 *   each batch read of a source (all its attempts), `outcome` OK or the failure reason;
 * - `hub_source_breaker_state{source}`: 0 closed, 1 open, 2 half-open;
 * - `hub_audit_write_duration_seconds{outcome}`: the wait for a request's durable audit record;
 * - `hub_rejected_requests_total{reason}`: RATE_LIMITED, CONCURRENCY, STORE_UNAVAILABLE, SHUTTING_DOWN;
 * - `hub_store_up`, `hub_requests_in_flight`, and the process defaults (`hub_process_*`, `hub_nodejs_*`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerState, SourceObserver } from '../connectors/resilience';
import type { SourceFailureReason } from '../lib/errors';
import type { SourceName } from '../connectors/sources';

const BREAKER_VALUE: Record<BreakerState, number> = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 };
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type RejectionReason = 'RATE_LIMITED' | 'CONCURRENCY' | 'STORE_UNAVAILABLE' | 'SHUTTING_DOWN';

export class HubMetrics implements SourceObserver {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'hub_request_duration_seconds',
    help: 'GraphQL request latency by operation (first root field) and HTTP status',
    labelNames: ['operation', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly sourceDuration = new Histogram({
    name: 'hub_source_call_duration_seconds',
    help: 'Latency of one batch read of a source, all attempts, by outcome',
    labelNames: ['source', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly sourceFailures = new Counter({
    name: 'hub_source_failures_total',
    help: 'Batch reads of a source that failed, by reason',
    labelNames: ['source', 'reason'] as const,
    registers: [this.registry],
  });
  readonly breakerState = new Gauge({
    name: 'hub_source_breaker_state',
    help: 'Circuit breaker of each source: 0 closed, 1 open, 2 half-open',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly auditWrite = new Histogram({
    name: 'hub_audit_write_duration_seconds',
    help: "Wait for a request's durable audit record",
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'hub_rejected_requests_total',
    help: 'Requests refused before any work: rate limit, concurrency limit, store down, shutting down',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly storeUp = new Gauge({
    name: 'hub_store_up',
    help: '1 while the store answers its heartbeats',
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'hub_requests_in_flight',
    help: 'Requests being served',
    registers: [this.registry],
  });

  constructor(sources: readonly SourceName[], opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
    for (const s of sources) this.breakerState.set({ source: s }, 0);
    this.storeUp.set(1);
  }

  call(source: SourceName, outcome: 'OK' | SourceFailureReason, ms: number): void {
    this.sourceDuration.observe({ source, outcome }, ms / 1000);
    if (outcome !== 'OK') this.sourceFailures.inc({ source, reason: outcome });
  }

  breaker(source: SourceName, state: BreakerState): void {
    this.breakerState.set({ source }, BREAKER_VALUE[state]);
  }

  reject(reason: RejectionReason): void {
    this.rejected.inc({ reason });
  }
}
