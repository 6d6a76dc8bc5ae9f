import { tailLine, tailShape, type GcPause } from '../../bench/tail-shape';

/** Requests due every 10 ms from t = 0 for 10 s, each taking `latency(due)` ms. */
function requests(latency: (due: number) => number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let due = 0; due < 10_000; due += 10) out.push([due, latency(due)]);
  return out;
}

describe('the shape of a soak tail', () => {
  it('finds the slow requests, their bursts, and the GC pauses they met', () => {
    // A 50 ms pause every second (at 500, 1500, …); the requests due during one, or within
    // 20 ms after it, take 40 ms; every other request takes 4 ms.
    const pauses: GcPause[] = [];
    for (let at = 500; at < 10_000; at += 1000) pauses.push({ at, ms: 50, kind: 'minor' });
    pauses.push({ at: 5_300, ms: 8, kind: 'major' });
    const slowAt = (due: number) => due % 1000 >= 500 && due % 1000 < 570;
    const t = tailShape(
      requests((due) => (slowAt(due) ? 40 : 4)),
      pauses,
    );
    expect(t.p50_ms).toBe(4);
    expect(t.slow_share).toBeCloseTo(70 / 1000, 3); // 7 of every 100
    expect(t.slow_in_bursts_share).toBe(1);
    expect(t.bursts_per_s).toBeCloseTo(10 / 9.99, 2);
    // The pause spans 500–550 (its end included): the slow requests due at 500 … 550 meet it,
    // 6 of the 7; the one due at 560 is due within 30 ms after it.
    expect(t.slow_during_gc_share).toBeCloseTo(6 / 7, 3);
    expect(t.slow_during_or_after_gc_share).toBe(1);
    // A fast request (4 ms) due before a pause ends before it: of all requests, only the 6 slow
    // ones a second and the one due as the major pause began meet a pause (61 of 1,000).
    expect(t.all_during_gc_share).toBeCloseTo(61 / 1000, 3);
    expect(t.scavenges_per_s).toBeCloseTo(10 / 9.99, 2);
    expect(t.scavenge_p50_ms).toBe(50);
    expect(t.major_gcs).toBe(1);
    expect(tailLine(t)).toContain('86% of the slow');
  });

  it('counts slow requests that come alone as outside any burst', () => {
    // One slow request every 2 s, nothing else slow, no pauses at all.
    const t = tailShape(
      requests((due) => (due % 2000 === 0 ? 100 : 5)),
      [],
    );
    expect(t.slow_share).toBeCloseTo(5 / 1000, 3);
    expect(t.slow_in_bursts_share).toBe(0);
    expect(t.bursts_per_s).toBe(0);
    expect(t.slow_during_gc_share).toBe(0);
    expect(t.scavenges_per_s).toBe(0);
    expect(t.major_gcs).toBe(0);
  });

  it('is all zeros for a run with no answered request', () => {
    const t = tailShape([], []);
    expect(t).toMatchObject({ p50_ms: 0, slow_share: 0, bursts_per_s: 0, scavenges_per_s: 0 });
  });
});
