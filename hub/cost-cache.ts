import {
  getNullableType,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  isEnumType,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

/**
 * The request bounds' figures (hub/limits.ts: the cost and the arguments over their maximum) of a
 * document whose variables cannot change them, computed once per document and operation instead
 * of on every request: the all-papers query asked again and again with another personal ID costs
 * the same each time. A variable can change them when it sizes or bounds something: a list, an
 * input object, a text (String, ID: their lengths), an Int (a page size), or a directive's
 * argument (`@include`, `@skip`); a custom scalar (a personal ID), an enum, a Boolean or a Float
 * argument cannot. Documents are Apollo's parsed ones (the same object for the same query text).
 */

const dependent = new WeakMap<DocumentNode, boolean>();

/** True when a variable of `document` may change its cost or size checks. */
export function variablesMatter(schema: GraphQLSchema, document: DocumentNode): boolean {
  const known = dependent.get(document);
  if (known !== undefined) return known;
  let matters = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Variable(_node, _key, parent, _path, ancestors) {
        const around = [...(ancestors as ASTNode[]), parent as ASTNode];
        const has = (kind: Kind) => around.some((a) => a && 'kind' in a && a.kind === kind);
        // Definitions name the variables; only their uses count.
        if (has(Kind.VARIABLE_DEFINITION)) return;
        const inDirective = has(Kind.DIRECTIVE);
        const argType = typeInfo.getArgument()?.type;
        const at = typeInfo.getInputType();
        const plain = (t: unknown) => {
          const n = getNullableType(t as Parameters<typeof getNullableType>[0]);
          return (isScalarType(n) && n !== GraphQLString && n !== GraphQLID && n !== GraphQLInt) || isEnumType(n);
        };
        if (inDirective || !argType || !at || !plain(argType) || !plain(at)) matters = true;
      },
    }),
  );
  dependent.set(document, matters);
  return matters;
}

/** A computed figure of a document whose variables do not matter, by operation name. */
export class ConstantFigures<T> {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, T>>();

  get(document: DocumentNode, operationName: string | undefined): T | undefined {
    return this.byDocument.get(document)?.get(operationName ?? '');
  }

  set(document: DocumentNode, operationName: string | undefined, value: T): void {
    let m = this.byDocument.get(document);
    if (!m) this.byDocument.set(document, (m = new Map<string, T>()));
    m.set(operationName ?? '', value);
  }
}
