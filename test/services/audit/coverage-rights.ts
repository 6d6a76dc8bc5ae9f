/**
 * The audit-coverage rows of the data subject's rights (coverage.test.ts): one per audited root
 * field of schema/rights.graphql, run in this order (the correction request first: the officers'
 * rows act on it).
 */

/** One row: the query, the caller, and for each citizen the kinds the audit record must name. */
export interface Row {
  query: string;
  variables?: () => Record<string, unknown>;
  token: () => string;
  expect: () => Record<string, string[]>;
}

export interface RightsRowContext {
  holder: () => string;
  member: () => string;
  parent: () => string;
  province: () => string;
  clientId: () => string;
  consentId: () => string;
  dataRequestId: () => string;
  self: () => string;
  dpo: () => string;
}

const REQUEST_PAYLOAD = 'request { id kind status acknowledgeBy actBy history { event } } userErrors { code }';

export function rightsRows(ctx: RightsRowContext): Record<string, Row> {
  const requests = (query: string, token: () => string, variables?: () => Record<string, unknown>): Row => ({
    query,
    variables,
    token,
    expect: () => ({ [ctx.holder()]: ['DATA_REQUESTS'] }),
  });
  const requestRow = (field: string, args: string, token: () => string) =>
    requests(`mutation($id: ID!) { ${field}(id: $id${args}) { ${REQUEST_PAYLOAD} } }`, token, () => ({
      id: ctx.dataRequestId(),
    }));
  return {
    correctionRequest: requests(
      `mutation { correctionRequest(input: { source: DRIVING_LICENCE, field: "number", note: "sai số" }) { ${REQUEST_PAYLOAD} } }`,
      ctx.self,
    ),
    myRequests: requests('{ myRequests(first: 5) { nodes { id kind status note } } }', ctx.self),
    dataRequests: requests(
      `query($area: String!) { dataRequests(area: $area, first: 10) { nodes { id kind status note } } }`,
      ctx.dpo,
      () => ({ area: ctx.province() }),
    ),
    dataRequest: requests(`query($id: ID!) { dataRequest(id: $id) { id kind status note } }`, ctx.dpo, () => ({
      id: ctx.dataRequestId(),
    })),
    dataRequestAcknowledge: requestRow('dataRequestAcknowledge', '', ctx.dpo),
    dataRequestStart: requestRow('dataRequestStart', '', ctx.dpo),
    dataRequestExtend: requestRow('dataRequestExtend', ', reason: "cần xác minh"', ctx.dpo),
    // Refused (its case is not resolved): the request is shown as it is.
    dataRequestComplete: requestRow('dataRequestComplete', '', ctx.dpo),
    dataRequestRefuse: requestRow('dataRequestRefuse', ', reason: "đúng với hồ sơ gốc"', ctx.dpo),
    processingRestrictionRequest: requests(
      `mutation($c: String!) { processingRestrictionRequest(input: { clientId: $c, kind: OBJECTION }) { ${REQUEST_PAYLOAD} } }`,
      ctx.self,
      () => ({ c: ctx.clientId() }),
    ),
    processingRestrictionLift: requests(
      `mutation($c: String!) { processingRestrictionLift(clientId: $c) { ${REQUEST_PAYLOAD} } }`,
      ctx.self,
      () => ({ c: ctx.clientId() }),
    ),
    consentStatement: {
      query: `query($id: ID!) { consentStatement(consentId: $id) { consentId jws } }`,
      variables: () => ({ id: ctx.consentId() }),
      token: ctx.self,
      expect: () => ({ [ctx.holder()]: ['CONSENTS'] }),
    },
    myDataExport: {
      query: '{ myDataExport { generatedAt json } }',
      token: ctx.self,
      expect: () => ({
        [ctx.holder()]: ['IDENTITY', 'FAMILY', 'ACCOUNT', 'CONSENTS', 'ACCESS_LOG', 'DATA_REQUESTS'],
        [ctx.member()]: ['IDENTITY'],
        [ctx.parent()]: ['IDENTITY'],
      }),
    },
  };
}
