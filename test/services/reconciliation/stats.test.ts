import { AreaTally, historyId } from '../../../services/reconciliation/stats';

/**
 * The cleanliness history keeps one point per run: a run whose finish is done again (resumed after
 * its lease was lost between its figures and its DONE) replaces its point, it does not add one.
 */
it('a run finished twice is one point of the history; two runs are two', () => {
  const tally = new AreaTally();
  tally.record({ province: '01', commune: null }, 'population');
  const area = { province: '01', commune: null };
  const history = (run: string, at: Date) => {
    const op = tally.ops(area, run, at).find((o) => o.id === historyId('01'));
    return Object.keys(op?.set ?? {});
  };
  const first = history('run-a', new Date('2026-12-05T06:00:00Z'));
  expect(first).toHaveLength(1);
  expect(history('run-a', new Date('2026-12-05T06:00:07Z'))).toEqual(first);
  expect(history('run-b', new Date('2026-12-05T06:00:07Z'))).not.toEqual(first);
});
