import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjector, InjectedFault } from '../../connectors/faults';
import { SourceGuard, type BreakerState, type SourceObserver } from '../../connectors/resilience';
import { SourceUnavailableError } from '../../lib/errors';

/** The per-source guard on its own: retries, timeouts, the breaker's three states, the deadline, faults. */

function recorder() {
  const calls: Array<{ outcome: string; ms: number }> = [];
  const states: BreakerState[] = [];
  const observer: SourceObserver = {
    call: (_s, outcome, ms) => calls.push({ outcome, ms }),
    breaker: (_s, state) => states.push(state),
  };
  return { calls, states, observer };
}

function guard(
  opts: Partial<{ timeoutMs: number; retries: number; breakerFailures: number; breakerHalfOpenMs: number }> = {},
  faults = new FaultInjector(),
  observer?: SourceObserver,
) {
  return new SourceGuard(
    'healthInsurance',
    { timeoutMs: 200, retries: 2, breakerFailures: 100, breakerHalfOpenMs: 1_000, ...opts },
    faults,
    observer,
  );
}

async function failure(p: Promise<unknown>): Promise<SourceUnavailableError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceUnavailableError);
  return err as SourceUnavailableError;
}

describe('SourceGuard', () => {
  it('retries a failing read, with growing jittered pauses, and succeeds when the source does', async () => {
    const g = guard({ retries: 2 });
    const at: number[] = [];
    const out = await g.run(() => {
      at.push(Date.now());
      return at.length < 3 ? Promise.reject(new Error('store hiccup')) : Promise.resolve('ok');
    });
    expect(out).toBe('ok');
    expect(at).toHaveLength(3);
    // Backoff: some pause between attempts (cockatiel's decorrelated jitter from 20 ms).
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(1);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(1);
  });

  it('gives up after its retries with reason ERROR, naming the source, hiding the cause', async () => {
    const rec = recorder();
    const g = guard({ retries: 1 }, new FaultInjector(), rec.observer);
    let attempts = 0;
    const e = await failure(
      g.run(() => {
        attempts++;
        return Promise.reject(new Error('secret detail'));
      }),
    );
    expect(attempts).toBe(2);
    expect(e.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'healthInsurance', reason: 'ERROR' });
    expect(e.message).not.toMatch(/secret/);
    expect(rec.calls.map((c) => c.outcome)).toEqual(['ERROR']);
  });

  it('times an attempt out, and does not retry a timeout', async () => {
    const g = guard({ timeoutMs: 100, retries: 3 });
    let attempts = 0;
    let readDone = false;
    const e = await failure(
      g.run(async () => {
        attempts++;
        await sleep(5_000, undefined, { ref: false });
        readDone = true;
      }),
    );
    expect(e.reason).toBe('TIMEOUT');
    expect(attempts).toBe(1);
    // The guard gave up on the read while it was still running.
    expect(readDone).toBe(false);
  });

  it('opens after consecutive failures, fails fast while open, probes when half open, closes on success', async () => {
    const rec = recorder();
    const faults = new FaultInjector();
    const g = guard({ retries: 0, breakerFailures: 3, breakerHalfOpenMs: 300 }, faults, rec.observer);
    let reads = 0;
    const read = () => {
      reads++;
      return Promise.resolve('doc');
    };
    faults.set('healthInsurance', { errorRate: 1 });
    for (let i = 0; i < 3; i++) expect((await failure(g.run(read))).reason).toBe('ERROR');
    expect(g.state).toBe('OPEN');
    expect(rec.states).toEqual(['OPEN']);
    // Open: refused at once, the source is not even tried.
    faults.set('healthInsurance', null);
    expect((await failure(g.run(read))).reason).toBe('CIRCUIT_OPEN');
    expect(reads).toBe(0);
    await sleep(350);
    // Half open: one probe goes through; its success closes the breaker.
    expect(await g.run(read)).toBe('doc');
    expect(reads).toBe(1);
    expect(g.state).toBe('CLOSED');
    expect(rec.states).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('a failed probe opens the breaker again', async () => {
    const faults = new FaultInjector({ healthInsurance: { errorRate: 1 } });
    const g = guard({ retries: 0, breakerFailures: 1, breakerHalfOpenMs: 200 }, faults);
    await failure(g.run(() => Promise.resolve('x')));
    expect(g.state).toBe('OPEN');
    await sleep(250);
    expect((await failure(g.run(() => Promise.resolve('x')))).reason).toBe('ERROR'); // the probe
    expect(g.state).toBe('OPEN');
    expect((await failure(g.run(() => Promise.resolve('x')))).reason).toBe('CIRCUIT_OPEN');
  });

  it('a half-open probe cut short by its request deadline keeps the breaker open', async () => {
    const faults = new FaultInjector({ healthInsurance: { errorRate: 1 } });
    const g = guard({ timeoutMs: 1_000, retries: 0, breakerFailures: 1, breakerHalfOpenMs: 150 }, faults);
    await failure(g.run(() => Promise.resolve('x')));
    expect(g.state).toBe('OPEN');
    faults.set('healthInsurance', { hang: true });
    await sleep(200);
    // The probe hangs and the request's deadline ends it: that proves nothing, the breaker stays open.
    expect((await failure(g.run(() => Promise.resolve('x'), Date.now() + 80))).reason).toBe('DEADLINE');
    expect(g.state).toBe('OPEN');
  });

  it('never runs past the request deadline, and a deadline does not count against the source', async () => {
    const g = guard({ timeoutMs: 1_000, retries: 0, breakerFailures: 1 });
    let readDone = false;
    const read = async () => {
      await sleep(3_000, undefined, { ref: false });
      readDone = true;
      return 'late';
    };
    const e = await failure(g.run(read, Date.now() + 120));
    expect(e.reason).toBe('DEADLINE');
    // The guard answered at the deadline, while the read was still running.
    expect(readDone).toBe(false);
    expect(g.state).toBe('CLOSED');
    expect((await failure(g.run(() => Promise.resolve('x'), Date.now() - 1))).reason).toBe('DEADLINE');
  });
});

describe('FaultInjector', () => {
  it('answers after the latency (the read running meanwhile), fails at the error rate, hangs until lifted', async () => {
    const f = new FaultInjector({ drivingLicence: { latencyMs: 200 } });
    // The read starts at once and is over long before the latency: the answer waits for the latency.
    let readDone = false;
    const slow = f.apply('drivingLicence', () => {
      readDone = true;
      return Promise.resolve('doc');
    });
    let answered = false;
    slow.then(
      () => (answered = true),
      () => undefined, // its failure is the `await` below's
    );
    expect(readDone).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    expect(await slow).toBe('doc');
    expect(await f.apply('population', () => Promise.resolve('at once'))).toBe('at once'); // no fault
    f.set('drivingLicence', { errorRate: 1 });
    await expect(f.apply('drivingLicence', () => Promise.resolve('x'))).rejects.toBeInstanceOf(InjectedFault);
    f.set('drivingLicence', { errorRate: 0 });
    await expect(f.apply('drivingLicence', () => Promise.resolve('x'))).resolves.toBe('x');
    f.set('drivingLicence', { hang: true });
    const hung = f.apply('drivingLicence', () => Promise.resolve('never')).catch((e: unknown) => e);
    expect(await f.whenStalled(1)).toEqual(['drivingLicence']);
    f.clear();
    expect(await hung).toBeInstanceOf(InjectedFault);
    expect(f.stalled()).toEqual([]);
    expect(f.active).toEqual({});
  });

  it('holds attempts until lifted, then reads; it tells which attempts are stalled at the same time', async () => {
    const f = new FaultInjector({ population: { hold: true }, healthRecord: { hold: true } });
    let reads = 0;
    const read = (doc: string) => () => {
      reads++;
      return Promise.resolve(doc);
    };
    const held = [f.apply('population', read('p')), f.apply('healthRecord', read('h'))];
    expect((await f.whenStalled(2)).sort()).toEqual(['healthRecord', 'population']);
    expect(reads).toBe(0);
    f.clear();
    expect(await Promise.all(held)).toEqual(['p', 'h']);
    expect(reads).toBe(2);
    expect(f.stalled()).toEqual([]);
  });

  it('refuses a bad specification', () => {
    const f = new FaultInjector();
    expect(() => f.set('healthRecord', { errorRate: 2 })).toThrow();
    expect(() => f.set('healthRecord', { latencyMs: -1 })).toThrow();
  });
});
