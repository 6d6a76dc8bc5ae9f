import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  isInputObjectType,
  isListType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldConfig,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { ErrorCode } from '../lib/errors';
import { ConstantFigures, variablesMatter } from './cost-cache';
import { listenWith, syncHook } from './plugins/hooks';

/**
 * Request bounds, counted on the values the resolvers will get (after variable coercion), so a
 * literal and a variable weigh the same:
 *
 * - Every text argument or input field (String, ID) takes at most {@link DEFAULT_MAX_TEXT_LENGTH}
 *   characters, or its `@maxLength(max)`: more is BAD_USER_INPUT (reason TOO_LONG), so no free
 *   text a caller sends (reasons, notes, references) is stored or echoed unbounded.
 * - `@listSize(arg, max)` on a field whose answer is a list sized by one argument: a page size
 *   (`first`) or a list of keys (`personalIds`); `@maxItems(max)` on any other list argument or
 *   input field (filters). More than `max` is BAD_USER_INPUT (`extensions.argument`, `max`).
 * - Cost (graphql-query-complexity): every field costs 1 (`@cost(weight)`: a `totalCount` that
 *   reads every index document) plus its selection; a `@listSize` field costs that plus its
 *   selection times its size (the argument's value or length, else its default, else `max`), and
 *   any other list its `@assumedSize` (unsliced nested lists: a case's notes, a history), else 1,
 *   times its selection; each item costs at least 1 (`__typename` alone is not free). Over
 *   `HUB_MAX_COST`: GRAPHQL_VALIDATION_FAILED with reason MAX_COST.
 *
 * Both are checked by {@link requestBoundsPlugin} once the operation is known and before anything
 * runs (no source read, no audit record, no stored effect), and the sizes again in each resolver
 * ({@link applyListLimits}). {@link assertEveryListIsBounded} refuses to start a schema with a
 * paged or list argument that has no declared maximum.
 */

/** Argument names that are page sizes. */
const PAGE_SIZE_ARGS = new Set(['first', 'last', 'limit', 'take', 'pageSize']);

export interface ListSize {
  /** The argument that sizes the answer. */
  arg: string;
  /** Its largest allowed value (Int) or length (list). */
  max: number;
}

export function listSizeOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): ListSize | undefined {
  return getDirective(schema, field, 'listSize')?.[0] as ListSize | undefined;
}

function maxItemsOf(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): number | undefined {
  return (getDirective(schema, node, 'maxItems')?.[0] as { max: number } | undefined)?.max;
}

const isList = (t: GraphQLInputType) => isListType(getNullableType(t));

/** Characters a text argument or input field (String, ID) takes unless `@maxLength` says otherwise. */
export const DEFAULT_MAX_TEXT_LENGTH = 500;

const isText = (t: GraphQLInputType) => {
  const n = getNamedType(t);
  return n === GraphQLString || n === GraphQLID;
};

/** The longest text an argument or input field takes (`@maxLength`, else the default), or undefined for non-text. */
function maxLengthOf(schema: GraphQLSchema, node: GraphQLArgument | GraphQLInputField): number | undefined {
  if (!isText(node.type)) return undefined;
  const d = getDirective(schema, node, 'maxLength')?.[0] as { max: number } | undefined;
  return d?.max ?? DEFAULT_MAX_TEXT_LENGTH;
}

/**
 * Throws (the server does not start) when an argument that is a page size or a list, or a list
 * input field, has no declared maximum: every list a caller sends is bounded.
 */
export function assertEveryListIsBounded(schema: GraphQLSchema): void {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        const ls = listSizeOf(schema, f);
        if (ls && !f.args.some((a) => a.name === ls.arg))
          missing.push(`${type.name}.${f.name} (@listSize names no argument)`);
        for (const a of f.args) {
          const pageSize = PAGE_SIZE_ARGS.has(a.name) && getNullableType(a.type) === GraphQLInt;
          if (!pageSize && !isList(a.type)) continue;
          if (ls?.arg === a.name || (!pageSize && maxItemsOf(schema, a) !== undefined)) continue;
          missing.push(`${type.name}.${f.name}(${a.name})`);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        if (isList(f.type) && maxItemsOf(schema, f) === undefined) missing.push(`${type.name}.${f.name}`);
      }
    }
  }
  if (missing.length) throw new Error(`lists without a maximum (@listSize / @maxItems): ${missing.join(', ')}`);
}

/** One argument over its maximum. */
export interface BoundViolation {
  argument: string;
  max: number;
  /** Set for a text over its length (characters), else a list or page size over its maximum. */
  unit?: 'characters';
}

/** The bounds of a schema, read once. */
export class ListBounds {
  private readonly sizes = new Map<string, ListSize>();
  private readonly maxItems = new Map<string, number>();
  private readonly maxLength = new Map<string, number>();
  private readonly assumed = new Map<string, number>();
  private readonly weights = new Map<string, number>();
  private readonly lists = new Set<string>();

  constructor(schema: GraphQLSchema) {
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type)) {
        for (const f of Object.values(type.getFields())) {
          const key = `${type.name}.${f.name}`;
          const ls = listSizeOf(schema, f);
          if (ls) this.sizes.set(key, ls);
          if (isListType(getNullableType(f.type))) this.lists.add(key);
          const assumed = (getDirective(schema, f, 'assumedSize')?.[0] as { size: number } | undefined)?.size;
          if (assumed !== undefined) this.assumed.set(key, assumed);
          const weight = (getDirective(schema, f, 'cost')?.[0] as { weight: number } | undefined)?.weight;
          if (weight !== undefined) this.weights.set(key, weight);
          for (const a of f.args) {
            const m = maxItemsOf(schema, a);
            if (m !== undefined) this.maxItems.set(`${type.name}.${f.name}(${a.name})`, m);
            const l = maxLengthOf(schema, a);
            if (l !== undefined) this.maxLength.set(`${type.name}.${f.name}(${a.name})`, l);
          }
        }
      } else if (isInputObjectType(type)) {
        for (const f of Object.values(type.getFields())) {
          const m = maxItemsOf(schema, f);
          if (m !== undefined) this.maxItems.set(`${type.name}.${f.name}`, m);
          const l = maxLengthOf(schema, f);
          if (l !== undefined) this.maxLength.set(`${type.name}.${f.name}`, l);
        }
      }
    }
  }

  listSize(typeName: string, fieldName: string): ListSize | undefined {
    return this.sizes.get(`${typeName}.${fieldName}`);
  }

  /** The size the answer will have: the argument's value or length, else `max` (absent or null). */
  size(typeName: string, fieldName: string, args: Record<string, unknown>): number {
    const ls = this.sizes.get(`${typeName}.${fieldName}`);
    if (!ls) return 1;
    const v = args[ls.arg];
    const n = Array.isArray(v) ? v.length : typeof v === 'number' ? v : ls.max;
    return Math.max(0, Math.min(n, Number.MAX_SAFE_INTEGER));
  }

  /**
   * The cost of one field given its selection's: its own weight (`@cost`, else 1), plus, for a
   * list (or a `@listSize` field), its size (argument, `@assumedSize`, else 1) times the selection,
   * each item costing at least 1 (a `__typename`-only selection still costs per item).
   */
  cost(typeName: string, fieldName: string, args: Record<string, unknown>, childComplexity: number): number {
    const key = `${typeName}.${fieldName}`;
    const own = this.weights.get(key) ?? 1;
    if (this.sizes.has(key)) return own + this.size(typeName, fieldName, args) * Math.max(1, childComplexity);
    if (this.lists.has(key)) return own + (this.assumed.get(key) ?? 1) * Math.max(1, childComplexity);
    return own + childComplexity;
  }

  /** Arguments over their maximum, for a field's coerced arguments (input objects walked). */
  violations(
    typeName: string,
    field: { name: string; args: readonly GraphQLArgument[] },
    args: Record<string, unknown>,
  ) {
    const out: BoundViolation[] = [];
    const ls = this.sizes.get(`${typeName}.${field.name}`);
    for (const a of field.args) {
      const key = `${typeName}.${field.name}(${a.name})`;
      const max = ls?.arg === a.name ? ls.max : this.maxItems.get(key);
      this.check(a.type, args[a.name], max, a.name, out, this.maxLength.get(key));
    }
    return out;
  }

  private check(
    type: GraphQLInputType,
    value: unknown,
    max: number | undefined,
    path: string,
    out: BoundViolation[],
    maxLength?: number,
  ) {
    if (value === null || value === undefined) return;
    const t = getNullableType(type);
    if (isListType(t)) {
      const items = Array.isArray(value) ? value : [value];
      if (max !== undefined && items.length > max) out.push({ argument: path, max });
      // Items are checked only when they can hold lists (input objects) or texts; the first few suffice.
      const of = getNullableType(t.ofType);
      if (isInputObjectType(of) || isListType(of) || maxLength !== undefined) {
        for (const v of items.slice(0, max ?? items.length)) this.check(t.ofType, v, undefined, path, out, maxLength);
      }
      return;
    }
    if (isInputObjectType(t)) {
      for (const f of Object.values(t.getFields())) {
        const fv = (value as Record<string, unknown>)[f.name];
        const key = `${t.name}.${f.name}`;
        this.check(f.type, fv, this.maxItems.get(key), `${path}.${f.name}`, out, this.maxLength.get(key));
      }
      return;
    }
    if (maxLength !== undefined && typeof value === 'string' && value.length > maxLength) {
      out.push({ argument: path, max: maxLength, unit: 'characters' });
      return;
    }
    if (max !== undefined && typeof value === 'number' && value > max) out.push({ argument: path, max });
  }
}

/** The BAD_USER_INPUT of an argument over its maximum. */
export function overLimit(field: string, v: BoundViolation): GraphQLError {
  return new GraphQLError(`${field}: ${v.argument} takes at most ${v.max}${v.unit ? ` ${v.unit}` : ''}`, {
    extensions: {
      code: ErrorCode.BAD_USER_INPUT,
      reason: v.unit ? 'TOO_LONG' : 'OVER_LIMIT',
      argument: v.argument,
      max: v.max,
      http: { status: 400 },
    },
  });
}

/**
 * Enforces the sizes in every resolver too (outermost, before the disclosure policy records
 * anything), for any way the schema is executed.
 */
export function applyListLimits(schema: GraphQLSchema): GraphQLSchema {
  const bounds = new ListBounds(schema);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const bounded =
        !!bounds.listSize(typeName, fieldName) ||
        Object.values(field.args ?? {}).some(
          (a) => isList(a.type) || isText(a.type) || isInputObjectType(getNamedType(a.type)),
        );
      if (!bounded) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      const f = field as GraphQLFieldConfig<unknown, unknown>;
      const argDefs = Object.entries(f.args ?? {}).map(([name, a]) => ({ name, type: a.type }));
      return {
        ...f,
        resolve(source, args, ctx, info) {
          const v = bounds.violations(
            typeName,
            { name: fieldName, args: argDefs as unknown as GraphQLArgument[] },
            args as Record<string, unknown>,
          );
          if (v.length) throw overLimit(`${typeName}.${fieldName}`, v[0]);
          return resolve(source, args, ctx, info);
        },
      };
    },
  });
}

/** The cost of an operation (see the module comment), after variable coercion. */
export function operationCost(
  schema: GraphQLSchema,
  bounds: ListBounds,
  document: Parameters<typeof getComplexity>[0]['query'],
  variables: Record<string, unknown>,
  operationName: string | undefined,
  onViolation: (field: string, v: BoundViolation) => void = () => {},
): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    operationName,
    estimators: [
      ({ type, field, args, childComplexity }: ComplexityEstimatorArgs) => {
        for (const v of bounds.violations(type.name, field, args)) onViolation(`${type.name}.${field.name}`, v);
        return bounds.cost(type.name, field.name, args, childComplexity);
      },
    ],
  });
}

/** An operation's cost and the arguments over their maximum. */
interface Figures {
  cost: number;
  found: Array<[string, BoundViolation]>;
}

/**
 * Checks the sizes and the cost once the operation is known (with its variables coerced),
 * before execution: a refused request runs no resolver, reads nothing and stores nothing.
 */
export function requestBoundsPlugin(opts: { maxCost: number }): ApolloServerPlugin {
  let cached: { schema: GraphQLSchema; bounds: ListBounds; constant: ConstantFigures<Figures> } | undefined;
  return {
    requestDidStart: listenWith({ didResolveOperation: syncHook(check) }),
  };

  function check({ schema, document, request, operation }: GraphQLRequestContextDidResolveOperation<BaseContext>) {
    if (cached?.schema !== schema) cached = { schema, bounds: new ListBounds(schema), constant: new ConstantFigures() };
    const op = operation as OperationDefinitionNode;
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], request.variables ?? {});
    // Bad variables: execution refuses them (BAD_USER_INPUT) before any resolver runs.
    if (coerced.errors) return;
    const name = op.name?.value ?? request.operationName ?? undefined;
    // Figures no variable can change are counted once per document (hub/cost-cache.ts).
    const constant = !variablesMatter(schema, document);
    let figures = constant ? cached.constant.get(document, name) : undefined;
    if (!figures) {
      figures = { cost: 0, found: [] };
      const found = figures.found;
      try {
        figures.cost = operationCost(schema, cached.bounds, document, request.variables ?? {}, name, (field, v) =>
          found.push([field, v]),
        );
      } catch {
        // Too many nodes to count (fragments spread over and over): over any budget.
        figures.cost = Infinity;
      }
      if (constant) cached.constant.set(document, name, figures);
    }
    const { cost, found } = figures;
    if (found.length) throw overLimit(found[0][0], found[0][1]);
    if (cost > opts.maxCost) {
      throw new GraphQLError(
        `Query Cost limit of ${opts.maxCost} exceeded, found ${Number.isFinite(cost) ? cost : 'more'}.`,
        { extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, reason: 'MAX_COST', http: { status: 400 } } },
      );
    }
  }
}
