import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isCalendarDate } from '../lib/dates';
import { badUserInput } from '../lib/errors';

/**
 * Custom scalars. Input is checked while the request is validated, so a bad value
 * is rejected with BAD_USER_INPUT before any source is asked.
 */

const PERSONAL_ID = /^\d{12}$/;

function parsePersonalId(value: unknown): string {
  if (typeof value !== 'string' || !PERSONAL_ID.test(value)) {
    throw badUserInput('PersonalId must be a string of exactly 12 digits');
  }
  return value;
}

function literalString(ast: ValueNode, name: string): string {
  if (ast.kind !== Kind.STRING) throw badUserInput(`${name} must be given as a string`);
  return ast.value;
}

export const PersonalIdScalar = new GraphQLScalarType<string, string>({
  name: 'PersonalId',
  description: 'A 12-digit Vietnamese personal ID number, as a string.',
  serialize: (v) => String(v),
  parseValue: parsePersonalId,
  parseLiteral: (ast) => parsePersonalId(literalString(ast, 'PersonalId')),
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: unknown): string {
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!m || !isCalendarDate(+m[1], +m[2], +m[3])) {
    throw badUserInput('Date must be a calendar date as YYYY-MM-DD');
  }
  return value as string;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, ISO 8601 YYYY-MM-DD.',
  serialize: (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    throw new TypeError('Date cannot serialize this value');
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literalString(ast, 'Date')),
});

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATETIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw badUserInput('DateTime must be ISO 8601 with a time zone, e.g. 2026-11-01T08:30:00Z');
  }
  return new Date(value);
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with a time zone.',
  serialize: (v) => {
    const d = v instanceof Date ? v : new Date(String(v));
    if (Number.isNaN(d.getTime())) throw new TypeError('DateTime cannot serialize this value');
    return d.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literalString(ast, 'DateTime')),
});

/** Any JSON value, output only (a shared field's value): an input of this type is refused. */
export const JsonScalar = new GraphQLScalarType<never, unknown>({
  name: 'JSON',
  description: 'Any JSON value (output only).',
  serialize: (v) => v,
  parseValue: () => {
    throw badUserInput('JSON is an output type only');
  },
  parseLiteral: () => {
    throw badUserInput('JSON is an output type only');
  },
});
