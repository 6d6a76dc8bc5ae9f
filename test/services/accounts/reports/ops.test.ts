import {
  applyInMemory,
  dayKey,
  flowOf,
  mergeOp,
  opsForTransition,
  toUpdate,
  type DocOp,
  type TransitionFact,
} from '../../../../services/accounts/reports/ops';
import { conflicting } from '../../../../services/accounts/reports/writer';
import { factsOf } from '../../../../services/accounts/reports/rebuild';
import type { AccountDoc } from '../../../../services/accounts/store';

/** The report operations of one transition, as pure data (no store). */

const AREA = { province: '79', commune: '79009' };
const AT = new Date('2026-03-10T03:00:00Z'); // 10:00 in Vietnam, 2026-03-10

function fact(over: Partial<TransitionFact>): TransitionFact {
  return {
    personalId: '079200001234',
    area: AREA,
    at: AT,
    event: 'REGISTER_L1',
    from: null,
    to: 'PENDING',
    levelBefore: null,
    levelAfter: 1,
    ...over,
  };
}

const counterOp = (ops: DocOp[], id: string) => ops.find((o) => o.target === 'counters' && o.id === id);
const listOp = (ops: DocOp[], id: string) => ops.find((o) => o.target === 'lists' && o.id === id);
const counterIds = (ops: DocOp[]) =>
  ops
    .filter((o) => o.target === 'counters')
    .map((o) => o.id)
    .sort();

describe('flowOf', () => {
  it.each<[Partial<TransitionFact>, string | null]>([
    [{ event: 'REGISTER_L1', from: null, to: 'PENDING', levelAfter: 1 }, 'registered_l1'],
    [{ event: 'REGISTER_L2', from: null, to: 'PENDING', levelAfter: 2 }, 'registered_l2'],
    [{ event: 'UPGRADE_TO_L2', from: 'ACTIVE', to: 'ACTIVE', levelAfter: 1 }, 'upgrade_requested'],
    [{ event: 'APPROVE', from: 'PENDING', to: 'APPROVED', levelAfter: 1 }, 'approved'],
    [{ event: 'APPROVE', from: 'ACTIVE', to: 'ACTIVE', levelAfter: 2 }, 'upgraded'],
    [{ event: 'APPROVE', from: 'LOCKED', to: 'LOCKED', levelAfter: 2 }, 'upgraded'],
    [{ event: 'REJECT', from: 'PENDING', to: 'REJECTED', levelAfter: 1 }, 'rejected'],
    [{ event: 'REJECT', from: 'ACTIVE', to: 'ACTIVE', levelAfter: 1 }, 'upgrade_rejected'],
    [{ event: 'NOTIFY', from: 'APPROVED', to: 'APPROVED', levelAfter: 1 }, 'notified'],
    [{ event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', levelAfter: 1 }, 'activated_l1'],
    [{ event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', levelAfter: 2 }, 'activated_l2'],
    [{ event: 'EXPIRE_ACTIVATION', from: 'APPROVED', to: 'ACTIVATION_EXPIRED', levelAfter: 1 }, 'activation_expired'],
    [{ event: 'REOPEN', from: 'ACTIVATION_EXPIRED', to: 'APPROVED', levelAfter: 1 }, 'reopened'],
    [{ event: 'LOCK', from: 'ACTIVE', to: 'LOCKED', levelAfter: 1 }, 'locked'],
    [{ event: 'LOCK', from: 'LOCKED', to: 'LOCKED', levelAfter: 1 }, null],
    [{ event: 'UNLOCK', from: 'LOCKED', to: 'ACTIVE', levelAfter: 1 }, 'unlocked'],
    [{ event: 'PHONE_CHANGE', from: 'ACTIVE', to: 'ACTIVE', levelAfter: 1 }, 'phone_changed'],
  ])('%o counts as %s', (f, flow) => {
    expect(flowOf(fact(f))).toBe(flow);
  });
});

describe('opsForTransition: counters', () => {
  it('a registration adds one to the new state and counts the flow, in the commune and the province', () => {
    const ops = opsForTransition(fact({}));
    expect(counterIds(ops)).toEqual(['D|79009|2026-03', 'D|79|2026-03', 'S|79009', 'S|79'].sort());
    for (const area of ['79009', '79']) {
      expect(counterOp(ops, `S|${area}`)).toMatchObject({
        inc: { 'stock.PENDING_1': 1, 'total.registered_l1': 1 },
        setOnInsert: { area, province: '79' },
      });
      // The person leaves the citizens 14+ without an account (kept live between refreshes).
      expect(counterOp(ops, `S|${area}`)!.inc).toEqual({
        'stock.PENDING_1': 1,
        'total.registered_l1': 1,
        'population.notRegistered': -1,
      });
      expect(counterOp(ops, `D|${area}|2026-03`)).toMatchObject({
        inc: { 'days.10.s.PENDING_1': 1, 'days.10.f.registered_l1': 1 },
        setOnInsert: { area, month: '2026-03' },
      });
      expect(Object.keys(counterOp(ops, `D|${area}|2026-03`)!.inc!)).toHaveLength(2);
    }
  });

  it('a status change moves one account from the old state to the new one', () => {
    const ops = opsForTransition(fact({ event: 'APPROVE', from: 'PENDING', to: 'APPROVED', levelBefore: 1 }));
    expect(counterOp(ops, 'S|79009')!.inc).toEqual({
      'stock.PENDING_1': -1,
      'stock.APPROVED_1': 1,
      'total.approved': 1,
    });
    expect(counterOp(ops, 'D|79|2026-03')!.inc).toEqual({
      'days.10.s.PENDING_1': -1,
      'days.10.s.APPROVED_1': 1,
      'days.10.f.approved': 1,
    });
  });

  it('a level change (upgrade approved) moves ACTIVE_1 to ACTIVE_2', () => {
    const ops = opsForTransition(
      fact({ event: 'APPROVE', from: 'ACTIVE', to: 'ACTIVE', levelBefore: 1, levelAfter: 2 }),
    );
    expect(counterOp(ops, 'S|79')!.inc).toEqual({
      'stock.ACTIVE_1': -1,
      'stock.ACTIVE_2': 1,
      'total.upgraded': 1,
    });
  });

  it('NOTIFY counts the flow but moves no stock', () => {
    const ops = opsForTransition(fact({ event: 'NOTIFY', from: 'APPROVED', to: 'APPROVED', levelBefore: 1 }));
    expect(counterOp(ops, 'S|79009')!.inc).toEqual({ 'total.notified': 1 });
    expect(counterOp(ops, 'D|79009|2026-03')!.inc).toEqual({ 'days.10.f.notified': 1 });
  });

  it('a LOCK of a LOCKED account (reason superseded) touches no counter', () => {
    const ops = opsForTransition(fact({ event: 'LOCK', from: 'LOCKED', to: 'LOCKED', levelBefore: 1 }));
    expect(counterIds(ops)).toEqual([]);
  });

  it('population.notRegistered: -1 on a registration, +1 on the rejection of a first request, else untouched', () => {
    const notRegistered = (f: Partial<TransitionFact>) =>
      ['S|79009', 'S|79'].map((id) => counterOp(opsForTransition(fact(f)), id)?.inc?.['population.notRegistered']);
    expect(notRegistered({ event: 'REGISTER_L2', levelAfter: 2 })).toEqual([-1, -1]);
    expect(notRegistered({ event: 'REJECT', from: 'PENDING', to: 'REJECTED', levelBefore: 1 })).toEqual([1, 1]);
    // A re-registration after a rejection leaves it again.
    expect(
      notRegistered({ event: 'REGISTER_L1', from: 'REJECTED', to: 'PENDING', levelBefore: 2, levelAfter: 1 }),
    ).toEqual([-1, -1]);
    for (const f of [
      { event: 'REJECT', from: 'ACTIVE', to: 'ACTIVE', levelBefore: 1 }, // an upgrade refused: still registered
      { event: 'APPROVE', from: 'PENDING', to: 'APPROVED', levelBefore: 1 },
      { event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', levelBefore: 1 },
      { event: 'LOCK', from: 'ACTIVE', to: 'LOCKED', levelBefore: 1 },
    ] as Partial<TransitionFact>[]) {
      expect(notRegistered(f)).toEqual([undefined, undefined]);
    }
    // Never on the day documents.
    const ops = opsForTransition(fact({ event: 'REJECT', from: 'PENDING', to: 'REJECTED', levelBefore: 1 }));
    for (const id of ['D|79009|2026-03', 'D|79|2026-03']) {
      expect(Object.keys(counterOp(ops, id)!.inc!).filter((k) => k.includes('population'))).toEqual([]);
    }
  });

  it('emits no zero increment, and no counter op when everything cancels out', () => {
    // A move within the province (old and new commune of 79) that keeps its state: the province nets to zero.
    const moved = { areaBefore: { province: '79', commune: '79004' } };
    const phone = opsForTransition(
      fact({ ...moved, event: 'PHONE_CHANGE', from: 'ACTIVE', to: 'ACTIVE', levelBefore: 1 }),
    );
    expect(counterOp(phone, 'S|79')!.inc).toEqual({ 'total.phone_changed': 1 });
    expect(counterOp(phone, 'D|79|2026-03')!.inc).toEqual({ 'days.10.f.phone_changed': 1 });
    expect(counterOp(phone, 'S|79004')!.inc).toEqual({ 'stock.ACTIVE_1': -1 });
    expect(counterOp(phone, 'S|79009')!.inc).toEqual({ 'stock.ACTIVE_1': 1, 'total.phone_changed': 1 });
    const relock = opsForTransition(fact({ ...moved, event: 'LOCK', from: 'LOCKED', to: 'LOCKED', levelBefore: 1 }));
    expect(counterIds(relock)).toEqual(['D|79004|2026-03', 'D|79009|2026-03', 'S|79004', 'S|79009']);
    for (const f of [
      fact({}),
      fact({ event: 'NOTIFY', from: 'APPROVED', to: 'APPROVED', levelBefore: 1 }),
      fact({ event: 'LOCK', from: 'LOCKED', to: 'LOCKED', levelBefore: 1 }),
      fact({ ...moved, event: 'PHONE_CHANGE', from: 'ACTIVE', to: 'ACTIVE', levelBefore: 1 }),
      fact({ ...moved, event: 'LOCK', from: 'LOCKED', to: 'LOCKED', levelBefore: 1 }),
    ]) {
      for (const op of opsForTransition(f).filter((o) => o.target === 'counters')) {
        expect({ id: op.id, zero: Object.entries(op.inc!).filter(([, v]) => v === 0) }).toEqual({
          id: op.id,
          zero: [],
        });
        expect(Object.keys(op.inc!).length).toBeGreaterThan(0);
      }
    }
  });

  it('ACTIVATE counts activated by the level after', () => {
    const l2 = opsForTransition(
      fact({ event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', levelBefore: 2, levelAfter: 2 }),
    );
    expect(counterOp(l2, 'S|79009')!.inc).toEqual({
      'stock.APPROVED_2': -1,
      'stock.ACTIVE_2': 1,
      'total.activated_l2': 1,
    });
  });

  it('the day is the Vietnam date: 2026-11-22T18:30Z counts on 11-23', () => {
    const at = new Date('2026-11-22T18:30:00Z');
    expect(dayKey(at)).toEqual(['2026-11', '23']);
    expect(dayKey(new Date('2026-11-22T16:59:59.999Z'))).toEqual(['2026-11', '22']);
    expect(dayKey(new Date('2026-12-31T17:00:00Z'))).toEqual(['2027-01', '01']);
    const ops = opsForTransition(fact({ at }));
    expect(Object.keys(counterOp(ops, 'D|79009|2026-11')!.inc!)).toEqual(
      expect.arrayContaining(['days.23.f.registered_l1', 'days.23.s.PENDING_1']),
    );
    // New Year's Eve in UTC is already next year in Vietnam: another year's document.
    const ny = opsForTransition(fact({ at: new Date('2026-12-31T17:30:00Z') }));
    expect(counterIds(ny)).toContain('D|79009|2027-01');
  });
});

describe('opsForTransition: a re-registration in another area (areaBefore)', () => {
  const OLD = { province: '01', commune: '01004' };
  const due = new Date('2026-03-19T16:59:59.999Z');
  const again = (over: Partial<TransitionFact> = {}) =>
    fact({
      event: 'REGISTER_L1',
      from: 'REJECTED',
      to: 'PENDING',
      levelBefore: 2,
      levelAfter: 1,
      areaBefore: OLD,
      approvalDueAt: due,
      ...over,
    });

  it('moves the stock out of the old commune and province; the flow and notRegistered count in the new area', () => {
    const ops = opsForTransition(again());
    expect(counterIds(ops)).toEqual(
      [
        'S|01004',
        'S|01',
        'D|01004|2026-03',
        'D|01|2026-03',
        'S|79009',
        'S|79',
        'D|79009|2026-03',
        'D|79|2026-03',
      ].sort(),
    );
    for (const area of ['01004', '01']) {
      expect(counterOp(ops, `S|${area}`)).toEqual({
        target: 'counters',
        id: `S|${area}`,
        inc: { 'stock.REJECTED_2': -1 },
        setOnInsert: { area, province: '01' },
      });
      expect(counterOp(ops, `D|${area}|2026-03`)!.inc).toEqual({ 'days.10.s.REJECTED_2': -1 });
    }
    for (const area of ['79009', '79']) {
      expect(counterOp(ops, `S|${area}`)).toEqual({
        target: 'counters',
        id: `S|${area}`,
        inc: { 'stock.PENDING_1': 1, 'total.registered_l1': 1, 'population.notRegistered': -1 },
        setOnInsert: { area, province: '79' },
      });
      expect(counterOp(ops, `D|${area}|2026-03`)!.inc).toEqual({
        'days.10.s.PENDING_1': 1,
        'days.10.f.registered_l1': 1,
      });
    }
  });

  it('removes the person from every list of the old commune, and lists them in the new one', () => {
    const ops = opsForTransition(again());
    const at = (list: string, commune: string) => {
      const op = listOp(ops, `L|${list}|${commune}`);
      if (!op) return 'untouched';
      if (op.unset?.includes('m.079200001234')) return 'removed';
      return op.set?.['m.079200001234'];
    };
    for (const list of ['PENDING_APPROVAL', 'APPROVED_NOT_ACTIVATED', 'NOT_REGISTERED']) {
      expect([list, at(list, '01004')]).toEqual([list, 'removed']);
      expect(listOp(ops, `L|${list}|01004`)!.setOnInsert).toEqual({ list, commune: '01004', province: '01' });
    }
    expect(at('PENDING_APPROVAL', '79009')).toBe(due.toISOString());
    expect(at('APPROVED_NOT_ACTIVATED', '79009')).toBe('removed');
    expect(at('NOT_REGISTERED', '79009')).toBe('removed');
  });

  it('replayed, the old area ends with nothing of the person and the new one with one PENDING_1', () => {
    const docs: Record<string, Record<string, unknown>> = {};
    const rejectedThere = fact({
      area: OLD,
      event: 'REJECT',
      from: 'PENDING',
      to: 'REJECTED',
      levelBefore: 2,
      levelAfter: 2,
    });
    for (const f of [fact({ area: OLD, event: 'REGISTER_L2', levelAfter: 2 }), rejectedThere, again()]) {
      for (const o of opsForTransition(f)) applyInMemory((docs[o.id] ??= {}), o, false);
    }
    expect(docs['S|01004'].stock).toEqual({ PENDING_2: 0, REJECTED_2: 0 });
    expect(docs['S|01'].stock).toEqual({ PENDING_2: 0, REJECTED_2: 0 });
    expect(docs['S|79009'].stock).toEqual({ PENDING_1: 1 });
    expect(docs['S|79'].stock).toEqual({ PENDING_1: 1 });
    for (const list of ['PENDING_APPROVAL', 'APPROVED_NOT_ACTIVATED', 'NOT_REGISTERED']) {
      expect(Object.keys((docs[`L|${list}|01004`].m as object | undefined) ?? {})).toEqual([]);
    }
    expect(docs['L|PENDING_APPROVAL|79009'].m).toEqual({ '079200001234': due.toISOString() });
  });

  it('with areaBefore equal to the area (or null), nothing is moved out', () => {
    const same = opsForTransition(again({ areaBefore: AREA }));
    expect(same).toEqual(opsForTransition(again({ areaBefore: null })));
    expect(same).toEqual(opsForTransition(again({ areaBefore: undefined })));
    expect(counterIds(same)).toEqual(['D|79009|2026-03', 'D|79|2026-03', 'S|79009', 'S|79'].sort());
    expect(counterOp(same, 'S|79009')!.inc).toEqual({
      'stock.REJECTED_2': -1,
      'stock.PENDING_1': 1,
      'total.registered_l1': 1,
      'population.notRegistered': -1,
    });
    expect(same.filter((o) => o.target === 'lists').every((o) => o.id.endsWith('|79009'))).toBe(true);
  });
});

describe('opsForTransition: lists', () => {
  const L = (list: string) => `L|${list}|79009`;
  const member = (ops: DocOp[], list: string) => {
    const op = listOp(ops, L(list));
    if (!op) return 'untouched';
    if (op.unset?.includes('m.079200001234')) return 'removed';
    return op.set?.['m.079200001234'];
  };

  it('a registration leaves NOT_REGISTERED and joins PENDING_APPROVAL with the deadline', () => {
    const due = new Date('2026-03-19T16:59:59.999Z');
    const ops = opsForTransition(fact({ approvalDueAt: due }));
    expect(member(ops, 'NOT_REGISTERED')).toBe('removed');
    expect(member(ops, 'PENDING_APPROVAL')).toBe(due.toISOString());
    expect(member(ops, 'APPROVED_NOT_ACTIVATED')).toBe('removed');
    expect(listOp(ops, L('NOT_REGISTERED'))!.setOnInsert).toEqual({
      list: 'NOT_REGISTERED',
      commune: '79009',
      province: '79',
    });
  });

  it('an approval joins APPROVED_NOT_ACTIVATED ("" before the notice, then the notice instant)', () => {
    const ops = opsForTransition(fact({ event: 'APPROVE', from: 'PENDING', to: 'APPROVED', levelBefore: 1 }));
    expect(member(ops, 'APPROVED_NOT_ACTIVATED')).toBe('');
    expect(member(ops, 'PENDING_APPROVAL')).toBe('removed');
    expect(member(ops, 'NOT_REGISTERED')).toBe('untouched');
    const notifiedAt = new Date('2026-03-10T03:01:00Z');
    const n = opsForTransition(fact({ event: 'NOTIFY', from: 'APPROVED', to: 'APPROVED', levelBefore: 1, notifiedAt }));
    expect(member(n, 'APPROVED_NOT_ACTIVATED')).toBe(notifiedAt.toISOString());
  });

  it('EXPIRE_ACTIVATION keeps the member; ACTIVATE removes it', () => {
    const notifiedAt = new Date('2026-03-01T03:01:00Z');
    const exp = opsForTransition(
      fact({ event: 'EXPIRE_ACTIVATION', from: 'APPROVED', to: 'ACTIVATION_EXPIRED', levelBefore: 1, notifiedAt }),
    );
    expect(member(exp, 'APPROVED_NOT_ACTIVATED')).toBe(notifiedAt.toISOString());
    const act = opsForTransition(fact({ event: 'ACTIVATE', from: 'APPROVED', to: 'ACTIVE', levelBefore: 1 }));
    expect(member(act, 'APPROVED_NOT_ACTIVATED')).toBe('removed');
    expect(member(act, 'NOT_REGISTERED')).toBe('untouched');
  });

  it('a rejected registration returns to NOT_REGISTERED', () => {
    const ops = opsForTransition(fact({ event: 'REJECT', from: 'PENDING', to: 'REJECTED', levelBefore: 1 }));
    expect(member(ops, 'NOT_REGISTERED')).toBe(1);
    expect(member(ops, 'PENDING_APPROVAL')).toBe('removed');
  });

  it('a pending upgrade is on PENDING_APPROVAL until decided', () => {
    const due = new Date('2026-03-20T16:59:59.999Z');
    const up = opsForTransition(
      fact({
        event: 'UPGRADE_TO_L2',
        from: 'ACTIVE',
        to: 'ACTIVE',
        levelBefore: 1,
        pendingUpgradeAfter: true,
        approvalDueAt: due,
      }),
    );
    expect(member(up, 'PENDING_APPROVAL')).toBe(due.toISOString());
    expect(counterOp(up, 'S|79009')!.inc).toEqual({ 'total.upgrade_requested': 1 });
    const ok = opsForTransition(
      fact({ event: 'APPROVE', from: 'ACTIVE', to: 'ACTIVE', levelBefore: 1, levelAfter: 2, approvalDueAt: due }),
    );
    expect(member(ok, 'PENDING_APPROVAL')).toBe('removed');
  });
});

describe('mergeOp / toUpdate / applyInMemory', () => {
  it('adds increments and drops the zero ones from the update', () => {
    const acc = mergeOp({ target: 'counters', id: 'S|79' }, { target: 'counters', id: 'S|79', inc: { a: 1, b: 1 } });
    mergeOp(acc, { target: 'counters', id: 'S|79', inc: { a: -1, c: 2 } });
    expect(acc.inc).toEqual({ a: 0, b: 1, c: 2 });
    expect(toUpdate(acc)).toEqual({ $inc: { b: 1, c: 2 } });
    expect(toUpdate({ target: 'counters', id: 'x', inc: { a: 0 }, setOnInsert: { area: '79' } })).toBeNull();
  });

  it('does not modify the first op it merges', () => {
    const first: DocOp = { target: 'counters', id: 'S|79', inc: { a: 1 }, set: { s: 1 } };
    const acc = mergeOp({ target: 'counters', id: 'S|79' }, first);
    mergeOp(acc, { target: 'counters', id: 'S|79', inc: { a: 1 }, set: { s: 2 } });
    expect(first).toEqual({ target: 'counters', id: 'S|79', inc: { a: 1 }, set: { s: 1 } });
  });

  it('a later unset wins over a set, and a later set over an unset', () => {
    const acc = mergeOp({ target: 'lists', id: 'L' }, { target: 'lists', id: 'L', set: { 'm.1': 'x' } });
    mergeOp(acc, { target: 'lists', id: 'L', unset: ['m.1'] });
    expect(toUpdate(acc)).toEqual({ $unset: { 'm.1': '' } });
    mergeOp(acc, { target: 'lists', id: 'L', set: { 'm.1': 'y' } });
    expect(toUpdate(acc)).toEqual({ $set: { 'm.1': 'y' } });
  });

  it('keeps set-on-insert fields out of $setOnInsert when they are $set', () => {
    const u = toUpdate({
      target: 'counters',
      id: 'S|79',
      set: { population: { eligible14: 1 }, area: '79' },
      setOnInsert: { area: '79', province: '79' },
    });
    expect(u).toEqual({ $set: { population: { eligible14: 1 }, area: '79' }, $setOnInsert: { province: '79' } });
  });

  it('applies an op in memory as the store would', () => {
    const doc: Record<string, unknown> = { _id: 'S|79', stock: { PENDING_1: 2 }, m: { a: 1 } };
    applyInMemory(
      doc,
      {
        target: 'counters',
        id: 'S|79',
        inc: { 'stock.PENDING_1': -1, 'stock.APPROVED_1': 1, 'total.x': 0 },
        set: { 'm.b': 2 },
        unset: ['m.a', 'nope.x'],
        setOnInsert: { area: '79' },
      },
      false,
    );
    expect(doc).toEqual({ _id: 'S|79', stock: { PENDING_1: 1, APPROVED_1: 1 }, m: { b: 2 } });
  });
});

describe('conflicting (what one coalesced update cannot express)', () => {
  const op = (o: Partial<DocOp>): DocOp => ({ target: 'lists', id: 'L', ...o });
  it('a whole map and one of its members conflict, either way round', () => {
    expect(conflicting(op({ set: { m: {} } }), op({ set: { 'm.x': 1 } }))).toBe(true);
    expect(conflicting(op({ unset: ['m.x'] }), op({ set: { m: {} } }))).toBe(true);
    expect(conflicting(op({ inc: { 'days.01.f.a': 1 } }), op({ set: { days: {} } }))).toBe(true);
  });
  it('an increment and a set of the same path conflict; two increments or two sets do not', () => {
    expect(conflicting(op({ inc: { a: 1 } }), op({ set: { a: 1 } }))).toBe(true);
    expect(conflicting(op({ inc: { a: 1 } }), op({ inc: { a: 1 } }))).toBe(false);
    expect(conflicting(op({ set: { 'm.x': 1 } }), op({ unset: ['m.x'] }))).toBe(false);
  });
  it('siblings and shared prefixes that are not path prefixes do not conflict', () => {
    expect(conflicting(op({ set: { 'm.x': 1 } }), op({ set: { 'm.y': 1 } }))).toBe(false);
    expect(conflicting(op({ set: { 'm.x': 1 } }), op({ set: { 'm.xy': 1 } }))).toBe(false);
    expect(conflicting(op({ inc: { 'stock.A_1': 1 } }), op({ inc: { 'stock.A_12': 1 } }))).toBe(false);
  });
  it('the live transitions of a commune never conflict with each other', () => {
    const a = opsForTransition(fact({ personalId: '079200000001' }));
    const b = opsForTransition(
      fact({ personalId: '079200000002', event: 'APPROVE', from: 'PENDING', to: 'APPROVED', levelBefore: 1 }),
    );
    for (const x of a) for (const y of b) if (x.id === y.id) expect(conflicting(x, y)).toBe(false);
  });
});

describe('factsOf (the rebuild replays the history)', () => {
  it('gives the same facts as the live path for a registration to activation, then an upgrade', () => {
    const t = (m: number) => new Date(AT.getTime() + m * 60_000);
    const due = new Date('2026-03-25T16:59:59.999Z');
    const account: AccountDoc = {
      _id: '079200001234',
      level: 2,
      status: 'ACTIVE',
      phone: '+84912345678',
      area: AREA,
      hasChipCard: true,
      registeredAt: t(0),
      notifiedAt: t(2),
      approvalDueAt: due,
      updatedAt: t(5),
      history: [
        { event: 'REGISTER_L1', at: t(0), from: null, to: 'PENDING', level: 1, by: 'citizen' },
        { event: 'APPROVE', at: t(1), from: 'PENDING', to: 'APPROVED', level: 1, by: 'system' },
        { event: 'NOTIFY', at: t(2), from: 'APPROVED', to: 'APPROVED', level: 1, by: 'system' },
        { event: 'ACTIVATE', at: t(3), from: 'APPROVED', to: 'ACTIVE', level: 1, by: 'citizen' },
        { event: 'UPGRADE_TO_L2', at: t(4), from: 'ACTIVE', to: 'ACTIVE', level: 1, by: 'officer:x' },
        { event: 'APPROVE', at: t(5), from: 'ACTIVE', to: 'ACTIVE', level: 2, by: 'officer:x' },
      ],
    };
    const facts = factsOf(account);
    expect(facts.map((f) => [f.event, f.from, f.to, f.levelBefore, f.levelAfter, !!f.pendingUpgradeAfter])).toEqual([
      ['REGISTER_L1', null, 'PENDING', null, 1, false],
      ['APPROVE', 'PENDING', 'APPROVED', 1, 1, false],
      ['NOTIFY', 'APPROVED', 'APPROVED', 1, 1, false],
      ['ACTIVATE', 'APPROVED', 'ACTIVE', 1, 1, false],
      ['UPGRADE_TO_L2', 'ACTIVE', 'ACTIVE', 1, 1, true],
      ['APPROVE', 'ACTIVE', 'ACTIVE', 1, 2, false],
    ]);
    expect(facts.map((f) => flowOf(f))).toEqual([
      'registered_l1',
      'approved',
      'notified',
      'activated_l1',
      'upgrade_requested',
      'upgraded',
    ]);
    // Replayed, the account ends as one ACTIVE_2 in stock and on no list.
    const doc: Record<string, unknown> = {};
    const lists: Record<string, Record<string, unknown>> = {};
    for (const f of facts) {
      for (const o of opsForTransition(f)) {
        if (o.id === 'S|79009') applyInMemory(doc, o, false);
        if (o.target === 'lists') applyInMemory((lists[o.id] ??= {}), o, false);
      }
    }
    expect(doc.stock).toEqual({ PENDING_1: 0, APPROVED_1: 0, ACTIVE_1: 0, ACTIVE_2: 1 });
    for (const l of Object.values(lists)) expect(Object.keys((l.m as object | undefined) ?? {})).toEqual([]);
  });
});
