import { gcTraceInterval, traceReport, type Tracer } from '../../bench/profile-trace';

describe('bench:profile --trace', () => {
  it("reads a Go gctrace line as the cycle's interval, ending when it was received", () => {
    const line =
      'gc 12 @3.456s 2%: 0.015+12+0.021 ms clock, 0.030+0.5/6.1/0+0.042 ms cpu, 40->41->20 MB, 42 MB goal, 2 P';
    const gc = gcTraceInterval(line, 10_000);
    expect(gc).not.toBeNull();
    expect(gc!.ms).toBeCloseTo(12.036, 3);
    expect(gc!.at).toBeCloseTo(10_000 - 12.036, 3);
    expect(gcTraceInterval('localdb: listening on 127.0.0.1:27018', 10_000)).toBeNull();
  });

  it('joins each request with the run-queue time and the events within its lifetime', () => {
    // Samples every 10 ms from t = 1000 to 2000; the hub's main thread waits 5 ms of every 10
    // between 1500 and 1600, and never otherwise.
    const samples = [];
    let wait = 0;
    for (let at = 1000; at <= 2000; at += 10) {
      if (at > 1500 && at <= 1600) wait += 5e6;
      samples.push({ at, hubRun: 0, hubWait: wait, hubOtherRun: 0, storeRun: 0, storeWait: 0, genRun: 0, genWait: 0 });
    }
    const tracer = { samples, loopGaps: [] } as unknown as Tracer;
    // 100 requests of 5 ms spread over the second, and one of 100 ms over the waiting stretch.
    const requests: Array<[number, number]> = Array.from({ length: 100 }, (_, i) => [1000 + i * 9, 5]);
    requests.push([1500, 100]);
    const t = traceReport(requests, tracer, {
      hubGc: [{ at: 1550, ms: 10 }],
      storeGc: [],
      batches: [],
      passes: [{ at: 1990, ms: 20 }],
    });
    const slowest = t.slowest[0];
    expect(slowest.latency_ms).toBe(100);
    expect(slowest.hub_runqueue_ms).toBeCloseTo(50, 0);
    expect(slowest.hub_gc_ms).toBe(10);
    // The pass that began at 1990 ends after the last sample: requests beyond the samples are left out.
    expect(slowest.index_pass_ms).toBe(0);
    // The slowest 1 % of 101: the long request and the last 5 ms one (due at 1891, after the wait).
    const [middle, , slow] = t.contrast;
    expect(slow.requests).toBe('slowest 1 % (2)');
    expect(slow.hub_gc_share).toBe(0.5);
    expect(slow.hub_runqueue_ms).toBeCloseTo(25, 0);
    expect(Number(middle.hub_runqueue_ms)).toBeLessThan(5);
    expect(t.slowWindows).toEqual(expect.arrayContaining([[1500, 1600]]));
    expect(t.slowWindows).toHaveLength(2);
  });
});
