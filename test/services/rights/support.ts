/** Typed GraphQL calls and answers for the rights tests (services/rights). */
import { gql } from '../../support/hub';

export interface UserErr {
  code: string;
  field?: string | null;
}

/** A `DataRequest` as the tests select it (every field they may ask for). */
export interface RequestView {
  id: string;
  kind: string;
  status: string;
  caseId: string;
  receivedAt: string;
  actBy: string;
  [field: string]: unknown;
}

export interface Payload {
  request: RequestView | null;
  userErrors: UserErr[];
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface Answer<T> {
  status: number;
  data: T;
  errors: Array<{ message: string; extensions?: Record<string, unknown> }> | undefined;
}

/** POSTs an operation; `data` typed as the test expects it (null when the operation failed). */
export async function call<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<Answer<T>> {
  const r = await gql<T>(url, query, variables, headers);
  return { status: r.status, data: r.body.data as T, errors: r.body.errors };
}
