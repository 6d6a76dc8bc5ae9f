import { GraphQLError } from 'graphql';
import { DateScalar, DateTimeScalar, PersonalIdScalar } from '../../hub/scalars';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e instanceof GraphQLError ? e.extensions.code : 'not a GraphQLError';
  }
  return 'no error';
}

describe('PersonalId scalar', () => {
  it('accepts exactly 12 digits, keeping leading zeros', () => {
    expect(PersonalIdScalar.parseValue('001095012345')).toBe('001095012345');
  });

  it.each([
    ['11 digits', '00109501234'],
    ['13 digits', '0010950123456'],
    ['letters', '00109501234a'],
    ['spaces', ' 001095012345'],
    ['a number (loses leading zeros)', 1095012345],
    ['an object (operator injection)', { $gt: '' }],
    ['empty', ''],
    ['9-digit CMND', '123456789'],
  ])('rejects %s with BAD_USER_INPUT', (_label, value) => {
    expect(codeOf(() => PersonalIdScalar.parseValue(value))).toBe('BAD_USER_INPUT');
  });
});

describe('Date scalar', () => {
  it('accepts real calendar dates', () => {
    expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
  });

  it.each(['2023-02-29', '2024-13-01', '2024-1-5', '01/02/2024', '2024-02-30T00:00:00Z', 20240101])(
    'rejects %p with BAD_USER_INPUT',
    (value) => {
      expect(codeOf(() => DateScalar.parseValue(value))).toBe('BAD_USER_INPUT');
    },
  );

  it('serializes Date objects to YYYY-MM-DD', () => {
    expect(DateScalar.serialize(new Date('2026-11-01T00:00:00Z'))).toBe('2026-11-01');
  });
});

describe('DateTime scalar', () => {
  it('needs a time zone', () => {
    expect(codeOf(() => DateTimeScalar.parseValue('2026-11-01T08:30:00'))).toBe('BAD_USER_INPUT');
    expect(DateTimeScalar.parseValue('2026-11-01T08:30:00+07:00').toISOString()).toBe('2026-11-01T01:30:00.000Z');
  });
});
