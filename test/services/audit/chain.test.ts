import { createHash } from 'node:crypto';
import {
  auditRecordId,
  canonicalJSON,
  hashRecord,
  parseAuditRecordId,
  stripUndefined,
} from '../../../services/audit/chain';

describe('canonicalJSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJSON({ b: 1, a: { d: [3, 1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJSON({ a: 1, b: 2 })).toBe(canonicalJSON({ b: 2, a: 1 }));
  });

  it('writes Dates as ISO strings and omits undefined members', () => {
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    expect(canonicalJSON({ at, gone: undefined, n: null })).toBe('{"at":"2025-01-02T03:04:05.678Z","n":null}');
  });

  it('escapes strings like JSON and keeps Unicode', () => {
    expect(canonicalJSON({ 'k"': 'Nguyễn "Văn"\n' })).toBe('{"k\\"":"Nguyễn \\"Văn\\"\\n"}');
  });

  it('refuses values without a stable JSON form', () => {
    expect(() => canonicalJSON({ x: NaN })).toThrow(TypeError);
    expect(() => canonicalJSON({ x: Infinity })).toThrow(TypeError);
    expect(() => canonicalJSON({ x: BigInt(1) })).toThrow(TypeError);
    expect(() => canonicalJSON({ x: new Date('nope') })).toThrow(TypeError);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => canonicalJSON(cyc)).toThrow(TypeError);
    const inArray: unknown[] = [];
    inArray.push({ again: inArray });
    expect(() => canonicalJSON({ inArray })).toThrow(TypeError);
  });

  it('writes an object met twice (not a cycle) both times', () => {
    const shared = { a: 1 };
    expect(canonicalJSON({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });
});

describe('hashRecord', () => {
  const rec = { _id: 'c:000000000001', chain: 'c', seq: 1, at: new Date(0), prevHash: '' };

  it('is sha256 over prevHash, a newline and the canonical JSON', () => {
    const expected = createHash('sha256')
      .update('\n' + canonicalJSON(rec))
      .digest('hex');
    expect(hashRecord('', rec)).toBe(expected);
    expect(hashRecord('', rec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores a hash member, depends on prevHash and on every field', () => {
    const h = hashRecord('', rec);
    expect(hashRecord('', { ...rec, hash: 'whatever' })).toBe(h);
    expect(hashRecord('x', rec)).not.toBe(h);
    expect(hashRecord('', { ...rec, seq: 2 })).not.toBe(h);
    expect(hashRecord('', { ...rec, at: new Date(1) })).not.toBe(h);
  });

  it('is stable under key order and undefined members', () => {
    const reordered = { prevHash: '', at: new Date(0), seq: 1, chain: 'c', _id: 'c:000000000001', extra: undefined };
    expect(hashRecord('', reordered)).toBe(hashRecord('', rec));
  });
});

describe('record ids', () => {
  it('pads seq to 12 digits and parses back', () => {
    expect(auditRecordId('h-ab', 42)).toBe('h-ab:000000000042');
    expect(parseAuditRecordId('h-ab:000000000042')).toEqual({ chain: 'h-ab', seq: 42 });
    expect(parseAuditRecordId('h-ab:42')).toBeNull();
    expect(parseAuditRecordId(':000000000042')).toBeNull();
    expect(parseAuditRecordId(7)).toBeNull();
  });
});

describe('stripUndefined', () => {
  it('drops undefined members deeply and keeps Dates', () => {
    const at = new Date(5);
    const out = stripUndefined({ a: undefined, b: { c: undefined, d: 1 }, e: [undefined, { f: undefined }], at });
    expect(out).toEqual({ b: { d: 1 }, e: [null, {}], at });
    expect(Object.keys(out)).toEqual(['b', 'e', 'at']);
    expect(out.at).toBeInstanceOf(Date);
  });
});
