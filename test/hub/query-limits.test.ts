import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  getNullableType,
  GraphQLBoolean,
  GraphQLInt,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  parse,
  type GraphQLInputType,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { BSON } from 'mongodb';
import { AUDIT_COLLECTION } from '../../services/audit/writer';
import { MAX_DENIED_PER_RECORD } from '../../hub/plugins/audit';
import { ListBounds, operationCost } from '../../hub/limits';
import type { AuditRecordDoc } from '../../services/audit/model';
import { buildSchema } from '../../hub/schema';
import { gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({
    HUB_AUTH: 'off',
    HUB_MAX_DEPTH: '8',
    HUB_MAX_ALIASES: '10',
    HUB_MAX_TOKENS: '2000',
    HUB_MAX_COST: '5000',
  });
});
afterAll(() => hub.close());

const ID = '001095012345';

describe('query limits (graphql-armor), rejected before execution', () => {
  it('rejects a query deeper than the limit with reason MAX_DEPTH', async () => {
    // Depth 9: nested `ping`-free path through the schema is short, so use fragments on a deep path.
    const q = `{ citizen(personalId: "${ID}") { residence { permanentAddress { commune { code } } } household { head { fullName } } } }`;
    const ok = await gql(hub.url, q);
    expect(ok.body.errors?.find((e) => e.extensions?.reason === 'MAX_DEPTH')).toBeUndefined();
    const shallow = await startTestHub({ HUB_AUTH: 'off', HUB_MAX_DEPTH: '3' });
    try {
      const r = await gql(shallow.url, q);
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'MAX_DEPTH' });
      expect(r.headers.get('x-hub-source-calls') ?? '0').toBe('0');
    } finally {
      await shallow.close();
    }
  });

  it('rejects alias abuse with reason MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: citizen(personalId: "${ID}") { fullName }`).join(' ');
    const r = await gql(hub.url, `{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions).toMatchObject({ reason: 'MAX_ALIASES' });
  });

  it('rejects a document with too many tokens with reason MAX_TOKENS', async () => {
    const fields = Array.from({ length: 2100 }, () => 'fullName').join(' ');
    const r = await gql(hub.url, `{ citizen(personalId: "${ID}") { ${fields} } }`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', reason: 'MAX_TOKENS' });
  });

  it('rejects an over-costly query with reason MAX_COST', async () => {
    // Cost 8 (hub/limits.ts: 1 a field plus its selection).
    const cheap = await startTestHub({ HUB_AUTH: 'off', HUB_MAX_COST: '7' });
    try {
      const r = await gql(
        cheap.url,
        `{ citizen(personalId: "${ID}") { fullName residence { permanentAddress { formatted commune { code name } } } } }`,
      );
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0].extensions).toMatchObject({ reason: 'MAX_COST' });
    } finally {
      await cheap.close();
    }
  });

  it('rejects directive abuse with reason MAX_DIRECTIVES', async () => {
    const dirs = Array.from({ length: 21 }, () => '@include(if: true)').join(' ');
    const r = await gql(hub.url, `{ ping ${dirs} }`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions).toMatchObject({ reason: 'MAX_DIRECTIVES' });
  });

  it('lets the ordinary all-papers query through', async () => {
    const { CITIZEN_ALL_PAPERS } = await import('../support/queries');
    const r = await gql(hub.url, CITIZEN_ALL_PAPERS, { id: ID });
    expect(r.body.errors).toBeUndefined();
  });
});

/**
 * Class "no side effect before input is bounded and the caller is known", and "cost limits count
 * variables": over real HTTP with authentication on, against the real audit collection.
 */
describe('request bounds, counted after variables, before anything is read or stored', () => {
  let secure: TestHub;
  const keys = testKeys();
  /** The stored size bound docs/security.md ("What is audited") states for a refused request's audit record. */
  const REFUSED_RECORD_MAX_BYTES = 1024;

  beforeAll(async () => {
    secure = await startTestHub({});
  });
  afterAll(() => secure.close());

  /** Distinct well-formed personal IDs (not necessarily seeded). */
  const someIds = (n: number) => Array.from({ length: n }, (_, i) => `0010950${String(i).padStart(5, '0')}`);

  async function storedFor(requestId: string) {
    const docs = await secure.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
    return { count: docs.length, bytes: docs.reduce((n, d) => n + BSON.calculateObjectSize(d), 0) };
  }

  const CITIZENS = 'query($ids: [PersonalId!]!) { citizens(personalIds: $ids) { personalId fullName } }';

  it('an anonymous 3,000-ID request stores at most one small audit record and reads nothing', async () => {
    const requestId = `bounds-${randomUUID()}`;
    const ids = someIds(3000);
    const r = await gql(secure.url, CITIZENS, { ids }, { 'x-request-id': requestId });
    expect([400, 401]).toContain(r.status);
    expect(r.body.data ?? null).toBeNull();
    expect(r.headers.get('x-hub-source-calls') ?? '0').toBe('0');
    const stored = await storedFor(requestId);
    expect(stored.count).toBeLessThanOrEqual(1);
    expect(stored.bytes).toBeLessThanOrEqual(REFUSED_RECORD_MAX_BYTES);
  });

  it('an anonymous request within the limit is refused (401) with the same bounded record', async () => {
    const requestId = `bounds-${randomUUID()}`;
    const r = await gql(secure.url, CITIZENS, { ids: someIds(100) }, { 'x-request-id': requestId });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const stored = await storedFor(requestId);
    expect(stored.count).toBeLessThanOrEqual(1);
    expect(stored.bytes).toBeLessThanOrEqual(REFUSED_RECORD_MAX_BYTES);
  });

  it('an authenticated over-limit request is BAD_USER_INPUT before anything runs, nothing stored', async () => {
    const requestId = `bounds-${randomUUID()}`;
    const ids = someIds(101);
    const r = await gql(
      secure.url,
      CITIZENS,
      { ids },
      {
        authorization: `Bearer ${keys.citizen(ids[0])}`,
        'x-request-id': requestId,
      },
    );
    expect({ status: r.status, errors: r.body.errors }).toMatchObject({ status: 400 });
    expect(r.body.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'personalIds',
      max: 100,
    });
    expect(r.headers.get('x-hub-source-calls') ?? '0').toBe('0');
    expect(await storedFor(requestId)).toEqual({ count: 0, bytes: 0 });
  });

  it("an anonymous caller's refused requests are rate-limited per address, and the 429s store nothing", async () => {
    const strict = await startTestHub({ HUB_RATE_LIMITS: JSON.stringify({ ANONYMOUS: { rps: 0.01, burst: 2 } }) });
    try {
      const send = (headers: Record<string, string>) => gql(strict.url, CITIZENS, { ids: someIds(3) }, headers);
      const first = [await send({}), await send({ authorization: 'Bearer not-a-token' })];
      expect(first.map((r) => r.status)).toEqual([401, 401]);
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Array<Record<string, string>>) {
        const requestId = `bounds-${randomUUID()}`;
        const r = await send({ ...headers, 'x-request-id': requestId });
        expect(r.status).toBe(429);
        expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
        expect(await storedFor(requestId)).toEqual({ count: 0, bytes: 0 });
      }
    } finally {
      await strict.close();
    }
  });

  describe('every paged field: a literal and a variable cost the same, and the maximum holds', () => {
    const schema = buildSchema();
    /** Root fields with a page-size argument or a list argument (found by shape, not by directive). */
    const paged = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
      Object.values(root.getFields())
        .filter((f) =>
          f.args.some(
            (a) =>
              isListType(getNullableType(a.type)) ||
              (['first', 'last', 'limit'].includes(a.name) && getNullableType(a.type) === GraphQLInt),
          ),
        )
        .map((f) => ({ root, field: f })),
    );

    it('finds the paged fields, each with a declared maximum', () => {
      expect(paged.map((p) => p.field.name)).toEqual(
        expect.arrayContaining(['citizens', 'accountWorkList', 'myAccessLog', 'myConsents', 'reconciliationCases']),
      );
      for (const { field } of paged) {
        const sized = field.args.filter(
          (a) => isListType(getNullableType(a.type)) || ['first', 'last', 'limit'].includes(a.name),
        );
        for (const a of sized) {
          const declared =
            getDirective(schema, field, 'listSize')?.[0]?.arg === a.name || !!getDirective(schema, a, 'maxItems')?.[0];
          expect(`${field.name}(${a.name}) ${declared ? 'bounded' : 'unbounded'}`).toBe(
            `${field.name}(${a.name}) bounded`,
          );
        }
      }
    });

    /** A value of an input type for a required argument (the cost check runs before any resolver). */
    function sample(type: GraphQLInputType): unknown {
      const t = getNullableType(type);
      if (isListType(t)) return [sample(t.ofType)];
      if (isEnumType(t)) return t.getValues()[0].value;
      if (t === GraphQLInt) return 1;
      if (t === GraphQLBoolean) return false;
      if ((t as { name: string }).name === 'PersonalId') return ID;
      if ((t as { name: string }).name === 'Date') return '2020-01-01';
      if ((t as { name: string }).name === 'DateTime') return '2020-01-01T00:00:00Z';
      return '01';
    }

    const sizedFields = paged.filter(({ field }) => getDirective(schema, field, 'listSize')?.[0]);

    it.each(paged.map(({ root, field }) => [`${root.name}.${field.name}`, field.name]))(
      '%s: literal and variable sizes cost the same and the maximum is enforced before execution',
      async (_label, name) => {
        const entry = paged.find((p) => p.field.name === name)!;
        const ls = getDirective(schema, entry.field, 'listSize')?.[0] as { arg: string; max: number } | undefined;
        expect(ls).toBeDefined();
        const sizeArg = entry.field.args.find((a) => a.name === ls!.arg)!;
        const isList = isListType(getNullableType(sizeArg.type));
        const valueOf = (n: number) => (isList ? someIds(n) : n);
        const literal = (v: unknown) =>
          Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : String(v);
        const varType = String(sizeArg.type);
        const others = entry.field.args.filter((a) => a !== sizeArg && isNonNullType(a.type));
        const otherArgs = others.map((a) => `${a.name}: $${a.name}`);
        const otherVars = others.map((a) => `$${a.name}: ${String(a.type)}`);
        const otherValues = Object.fromEntries(others.map((a) => [a.name, sample(a.type)]));
        const kind = entry.root.name === 'Mutation' ? 'mutation' : 'query';
        const selection = isCompositeType(getNamedType(entry.field.type)) ? '{ __typename }' : '';
        const asLiteral = (n: number) => ({
          query: `${kind}${otherVars.length ? `(${otherVars.join(', ')})` : ''} { ${name}(${[
            ...otherArgs,
            `${ls!.arg}: ${literal(valueOf(n))}`,
          ].join(', ')}) ${selection} }`,
          variables: otherValues,
        });
        const asVariable = (n: number) => ({
          query: `${kind}(${[...otherVars, `$n: ${varType}`].join(', ')}) { ${name}(${[
            ...otherArgs,
            `${ls!.arg}: $n`,
          ].join(', ')}) ${selection} }`,
          variables: { ...otherValues, n: valueOf(n) },
        });
        // A budget the largest page exceeds ({ __typename } costs 1 a row) and the smallest fits.
        const cheap = await startTestHub({ HUB_MAX_COST: String(ls!.max) });
        try {
          for (const form of [asLiteral, asVariable]) {
            const big = form(ls!.max);
            const r = await gql(cheap.url, big.query, big.variables);
            expect({ form: form.name, status: r.status, reason: r.body.errors?.[0].extensions?.reason }).toEqual({
              form: form.name,
              status: 400,
              reason: 'MAX_COST',
            });
            const small = form(1);
            const s = await gql(cheap.url, small.query, small.variables);
            expect(s.body.errors?.some((e) => e.extensions?.reason === 'MAX_COST') ?? false).toBe(false);
            const over = form(ls!.max + 1);
            const o = await gql(secure.url, over.query, over.variables);
            expect({ form: form.name, status: o.status, ext: o.body.errors?.[0].extensions }).toMatchObject({
              form: form.name,
              status: 400,
              ext: { code: 'BAD_USER_INPUT', argument: ls!.arg, max: ls!.max },
            });
          }
        } finally {
          await cheap.close();
        }
      },
    );

    it('each paged resolver enforces its maximum on its own too (executed without the HTTP checks)', async () => {
      expect(sizedFields.length).toBeGreaterThan(0);
      for (const { field } of sizedFields) {
        const ls = getDirective(schema, field, 'listSize')![0] as { arg: string; max: number };
        const sizeArg = field.args.find((a) => a.name === ls.arg)!;
        const isList = isListType(getNullableType(sizeArg.type));
        const args = Object.fromEntries(
          field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, sample(a.type)]),
        );
        args[ls.arg] = isList ? someIds(ls.max + 1) : ls.max + 1;
        const resolve = field.resolve!;
        // A throw or a rejection alike: the resolver's refusal, as a rejection.
        await expect(
          Promise.resolve().then(() => resolve(undefined, args, {}, { fieldName: field.name } as never)),
        ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: ls.arg, max: ls.max } });
      }
    });
  });
});

describe('the cost model: every list item costs, unsliced lists have an assumed size, totalCount is dear', () => {
  const schema = buildSchema();
  const bounds = new ListBounds(schema);
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `0010951${String(i).padStart(5, '0')}`);
  const costOf = (query: string, variables: Record<string, unknown> = {}) =>
    operationCost(schema, bounds, parse(query), variables, undefined);

  it('a selection that costs nothing (__typename, every field skipped) still costs per item: 100 IDs at least 100, ten aliases 1,000', () => {
    for (const selection of [
      '__typename',
      'personalId @skip(if: true)',
      '... on Citizen @skip(if: true) { fullName }',
    ]) {
      const one = `citizens(personalIds: $ids) { ${selection} }`;
      expect(costOf(`query($ids: [PersonalId!]!) { ${one} }`, { ids: ids(100) })).toBeGreaterThanOrEqual(100);
      const ten = Array.from({ length: 10 }, (_, i) => `a${i}: ${one}`).join(' ');
      expect(costOf(`query($ids: [PersonalId!]!) { ${ten} }`, { ids: ids(100) })).toBeGreaterThanOrEqual(1000);
    }
  });

  it('nested lists without a slicing argument cost their assumed size (a case notes and history, an account history)', () => {
    const base = costOf(`{ reconciliationCases(area: "01", first: 1) { nodes { id } } }`);
    const notes = costOf(`{ reconciliationCases(area: "01", first: 1) { nodes { id notes { text } } } }`);
    const history = costOf(`{ reconciliationCases(area: "01", first: 1) { nodes { id history { at } } } }`);
    expect(notes - base).toBeGreaterThanOrEqual(200);
    expect(history - base).toBeGreaterThanOrEqual(500);
    expect(costOf(`{ myAccount { history { at } } }`)).toBeGreaterThanOrEqual(200);
  });

  it('totalCount costs a fixed 100 (it reads every index document of the area)', () => {
    const page = costOf(`{ reconciliationCases(area: "01", first: 1) { nodes { id } } }`);
    const counted = costOf(`{ reconciliationCases(area: "01", first: 1) { nodes { id } totalCount } }`);
    expect(counted - page).toBeGreaterThanOrEqual(100);
    const list = `accountWorkList(list: PENDING_APPROVAL, area: "01", first: 1) { totalCount }`;
    expect(costOf(`{ ${list} }`)).toBeGreaterThanOrEqual(100);
  });

  it('over HTTP: five aliases of 100 IDs with every field skipped are over a budget of 500, refused before anything runs', async () => {
    const cheap = await startTestHub({ HUB_AUTH: 'off', HUB_MAX_COST: '500' });
    try {
      const one = 'citizens(personalIds: $ids) { personalId @skip(if: true) }';
      const five = Array.from({ length: 5 }, (_, i) => `a${i}: ${one}`).join(' ');
      const r = await gql(cheap.url, `query($ids: [PersonalId!]!) { ${five} }`, { ids: ids(100) });
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0].extensions).toMatchObject({ reason: 'MAX_COST' });
      expect(r.headers.get('x-hub-source-calls') ?? '0').toBe('0');
    } finally {
      await cheap.close();
    }
  });
});

describe('the DENIED events of one request are capped in its audit record', () => {
  it('keeps the first MAX_DENIED_PER_RECORD and counts the rest', async () => {
    const secure = await startTestHub({});
    try {
      const keys = testKeys();
      const requestId = `denied-${randomUUID()}`;
      const idsOf = (k: number) => Array.from({ length: 100 }, (_, i) => `0010952${k}${String(i).padStart(4, '0')}`);
      const three = [0, 1, 2].map((k) => `a${k}: citizens(personalIds: $ids${k}) { fullName }`).join(' ');
      const r = await gql(
        secure.url,
        `query($ids0: [PersonalId!]!, $ids1: [PersonalId!]!, $ids2: [PersonalId!]!) { ${three} }`,
        { ids0: idsOf(0), ids1: idsOf(1), ids2: idsOf(2) },
        { authorization: `Bearer ${keys.officer('SUPERVISOR', { province: '01' })}`, 'x-request-id': requestId },
      );
      expect(r.status).toBe(200);
      const [doc] = await secure.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
      const denied = doc.citizens.reduce((n, c) => n + c.denied.length, 0);
      expect(denied).toBe(MAX_DENIED_PER_RECORD);
      expect(doc.deniedOmitted).toBe(300 - MAX_DENIED_PER_RECORD);
    } finally {
      await secure.close();
    }
  });
});
