import { gql, startTestHub, type TestHub } from '../support/hub';

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
    const cheap = await startTestHub({ HUB_AUTH: 'off', HUB_MAX_COST: '20' });
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
