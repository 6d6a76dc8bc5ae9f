import {
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
  isObjectType,
  type GraphQLFieldConfig,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import type { HubContext } from '../context';
import { pathString } from '../access/policy';
import { caseScope, caseScopes, caseSourceScope } from '../reconciliation/case-scopes';
import type { CaseView } from '../reconciliation/model';
import type { DataKind } from './model';
import { SHAREABLE_PAPERS } from '../share/fields';

/**
 * Audit coverage, deny by default (as the disclosure policy is): every read of personal data
 * lands in the request's audit record with the citizens it is about and the kinds of data.
 *
 * - Every Query and Mutation root field carries `@audit(as: [kinds])` or `@audit(none: "why")`.
 *   `buildSchema` refuses a schema (the server does not start) where a root field has neither,
 *   where `none` is claimed by a field whose result type can reach personal data, or where the
 *   kinds `as` lists differ from those its result type can return.
 * - Personal data lives on `Citizen` (each field `@disclose`d and audited by the policy) and on
 *   `@personal(subject, data | dataOf)` types, each about one citizen (an account, a consent, a
 *   work-list line, a reconciliation case, a household member or relative named in another
 *   citizen's papers). Every field of such a type read in a response records a disclosure
 *   about the citizen at `subject` (a dotted path in the object), under the type's kind, or the
 *   field's own (`@personalData`); a field that resolves to null discloses nothing.
 * Records of the type's kind are at the object's path (one per object); those of a field's own
 * kind at the field's path (so a failing field, such as `Account.dependants`, is not recorded).
 */

/**
 * Kinds computed from the object at read time, by the name `dataOf` gives, with every kind each
 * can give; a field of several kinds at once records each.
 */
const DATA_OF: Record<string, { kinds: readonly DataKind[]; of: (source: unknown) => DataKind | readonly DataKind[] }> =
  {
    /** A case's population side: identity attributes, or the ID card for OLD_ID_KEY / EXPIRED_ID_CARD. */
    reconciliationCase: {
      kinds: ['IDENTITY', 'IDENTITY_CARD'],
      of: (c) => caseScope((c as CaseView).finding.kind),
    },
    /** A case's source side (record key, value as stored): the document that source keeps. */
    reconciliationCaseSource: {
      kinds: ['IDENTITY', 'IDENTITY_CARD', 'DRIVING_LICENCE', 'HEALTH_INSURANCE', 'SOCIAL_INSURANCE', 'HEALTH_RECORD'],
      of: (c) => caseSourceScope((c as CaseView).finding),
    },
    /**
     * What a case shows of both sides (its id, source, kind, record key, source field): that the
     * source keeps a record (its document kind, a health record say) of the person (identity).
     */
    reconciliationCaseRecord: {
      kinds: ['IDENTITY', 'IDENTITY_CARD', 'DRIVING_LICENCE', 'HEALTH_INSURANCE', 'SOCIAL_INSURANCE', 'HEALTH_RECORD'],
      of: (c) => caseScopes((c as CaseView).finding),
    },
    /** A copy of the citizen's data (services/rights/export.ts): the kinds it holds. */
    dataExport: {
      kinds: [
        'IDENTITY',
        'RESIDENCE',
        'IDENTITY_CARD',
        'FAMILY',
        'DRIVING_LICENCE',
        'HEALTH_INSURANCE',
        'SOCIAL_INSURANCE',
        'HEALTH_RECORD',
        'ACCOUNT',
        'CONSENTS',
        'ACCESS_LOG',
        'DATA_REQUESTS',
      ],
      of: (e) => (e as { kinds: readonly DataKind[] }).kinds,
    },
    /** A share's redemption (`ShareRedemption`): the papers the citizen shared (its SD-JWT holds them all). */
    share: {
      kinds: SHAREABLE_PAPERS,
      of: (s) => (s as { papers: Array<{ paper: DataKind }> }).papers.map((p) => p.paper),
    },
    /** One shared paper (`SharedPaper`). */
    sharedPaper: { kinds: SHAREABLE_PAPERS, of: (s) => (s as { paper: DataKind }).paper },
  };

interface KindSpec {
  data?: DataKind | null;
  dataOf?: string | null;
}

interface PersonalSpec extends KindSpec {
  subject: string;
}

const personalOf = (schema: GraphQLSchema, type: GraphQLNamedType) =>
  isObjectType(type) ? (getDirective(schema, type, 'personal')?.[0] as PersonalSpec | undefined) : undefined;

/** The kinds a spec can give, or an error text. */
function kindsOf(spec: KindSpec, where: string, errors: string[]): DataKind[] {
  const has = [spec.data, spec.dataOf].filter((x) => x !== undefined && x !== null).length;
  if (has !== 1) {
    errors.push(`${where}: give exactly one of data or dataOf`);
    return [];
  }
  if (spec.data) return [spec.data];
  const f = DATA_OF[spec.dataOf!];
  if (!f) {
    errors.push(`${where}: unknown dataOf "${spec.dataOf}" (known: ${Object.keys(DATA_OF).join(', ')})`);
    return [];
  }
  return [...f.kinds];
}

/** Every kind of personal data a value of `type` can carry (through every field, nested). */
function reachableKinds(schema: GraphQLSchema, errors: string[]): (type: GraphQLNamedType) => Set<DataKind> {
  const memo = new Map<string, Set<DataKind>>();
  const visit = (type: GraphQLNamedType): Set<DataKind> => {
    const known = memo.get(type.name);
    if (known) return known;
    const kinds = new Set<DataKind>();
    memo.set(type.name, kinds); // cycles: filled in place
    if (isAbstractType(type)) {
      for (const t of schema.getPossibleTypes(type)) for (const k of visit(t)) kinds.add(k);
      return kinds;
    }
    if (!isObjectType(type)) return kinds;
    const personal = personalOf(schema, type);
    const typeKinds = personal ? kindsOf(personal, type.name, errors) : [];
    if (personal && !personal.subject) errors.push(`${type.name}: @personal needs a subject path`);
    for (const f of Object.values(type.getFields())) {
      const disclose = getDirective(schema, f, 'disclose')?.[0] as { scope: DataKind } | undefined;
      const own = getDirective(schema, f, 'personalData')?.[0] as KindSpec | undefined;
      if (own && !personal) errors.push(`${type.name}.${f.name}: @personalData outside a @personal type`);
      if (disclose) kinds.add(disclose.scope);
      else if (own) for (const k of kindsOf(own, `${type.name}.${f.name}`, errors)) kinds.add(k);
      else for (const k of typeKinds) kinds.add(k);
      for (const k of visit(getNamedType(f.type))) kinds.add(k);
    }
    return kinds;
  };
  return visit;
}

/**
 * Deny by default: throws (the server does not start) naming every root field without an
 * audit treatment, or whose treatment does not match what its result type can return.
 */
export function assertEveryRootFieldIsAudited(schema: GraphQLSchema): void {
  const errors: string[] = [];
  const reach = reachableKinds(schema, errors);
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const f of Object.values(root.getFields())) {
      const name = `${root.name}.${f.name}`;
      const audit = getDirective(schema, f, 'audit')?.[0] as
        { as?: DataKind[] | null; none?: string | null } | undefined;
      const kinds = reach(getNamedType(f.type));
      const listed = [...kinds].sort().join(', ');
      if (!audit || (audit.as == null) === (audit.none == null)) {
        errors.push(`${name} has no audit treatment (give @audit(as: [${listed}]) or @audit(none: "why"))`);
      } else if (audit.none != null) {
        if (!audit.none.trim()) errors.push(`${name}: @audit(none) needs a reason`);
        if (kinds.size) errors.push(`${name} is @audit(none) but returns personal data (${listed})`);
      } else {
        const declared = new Set(audit.as);
        const same = declared.size === kinds.size && [...kinds].every((k) => declared.has(k));
        if (!same || !kinds.size) {
          errors.push(`${name}: @audit(as: [${[...declared].sort().join(', ')}]) but it returns [${listed}]`);
        }
      }
    }
  }
  if (errors.length) throw new Error(`fields without a true audit treatment: ${errors.join('; ')}`);
}

/** The value at a dotted path of an object. */
function at(source: unknown, path: readonly string[]): unknown {
  let v = source;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

const isPromise = (v: unknown): v is Promise<unknown> => !!v && typeof (v as Promise<unknown>).then === 'function';

/** One record per citizen, kind and path in a request. */
const recorded = new WeakMap<object, Set<string>>();

/** How a field of a `@personal` type records its reads ({@link auditField}). */
interface FieldAudit {
  subject: readonly string[];
  kindOf: (source: unknown) => DataKind | readonly DataKind[];
  ownKind: boolean;
}

/**
 * A field's resolved value, recorded as a disclosure about the citizen at the object's subject
 * (nothing for null). A function of its own: no named closure is made per field read (a value
 * resolved already, the usual case, is recorded by a direct call).
 */
function recordRead(
  value: unknown,
  a: FieldAudit,
  source: unknown,
  ctx: HubContext,
  info: GraphQLResolveInfo,
): unknown {
  if (value === null || value === undefined) return value;
  const citizenId = at(source, a.subject);
  if (typeof citizenId !== 'string' || !citizenId) return value;
  const kinds = a.kindOf(source);
  const path = a.ownKind ? pathString(info) : objectPath(info);
  let seen = recorded.get(ctx.audit);
  if (!seen) recorded.set(ctx.audit, (seen = new Set()));
  for (const scope of typeof kinds === 'string' ? [kinds] : kinds) {
    const key = `${citizenId}|${scope}|${path}`;
    if (!seen.has(key)) {
      seen.add(key);
      ctx.audit.events.push({ citizenId, scope, path, decision: 'DISCLOSED' });
    }
  }
  return value;
}

function auditField(
  field: GraphQLFieldConfig<unknown, HubContext>,
  a: FieldAudit,
): GraphQLFieldConfig<unknown, HubContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve(source, args, ctx, info) {
      const out = resolve(source, args, ctx, info);
      if (ctx.auth.mode === 'off') return out;
      return isPromise(out)
        ? out.then((v) => recordRead(v, a, source, ctx, info))
        : recordRead(out, a, source, ctx, info);
    },
  };
}

/** The response path of the object a field belongs to. */
function objectPath(info: GraphQLResolveInfo): string {
  const parts: Array<string | number> = [];
  for (let p = info.path.prev; p; p = p.prev) parts.unshift(p.key);
  return parts.join('.');
}

/** Checks the audit coverage, then makes every field of a `@personal` type record its reads. */
export function applyAuditCoverage(schema: GraphQLSchema): GraphQLSchema {
  assertEveryRootFieldIsAudited(schema);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field: GraphQLFieldConfig<unknown, HubContext>, _name, typeName) => {
      const personal = personalOf(schema, schema.getType(typeName) as GraphQLObjectType);
      if (!personal) return field;
      const own = getDirective(schema, field, 'personalData')?.[0] as KindSpec | undefined;
      const spec = own ?? personal;
      const kindOf = spec.data ? () => spec.data! : DATA_OF[spec.dataOf!].of;
      return auditField(field, { subject: personal.subject.split('.'), kindOf, ownKind: !!own });
    },
  });
}
