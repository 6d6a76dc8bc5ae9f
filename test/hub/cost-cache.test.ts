import { parse } from 'graphql';
import { buildSchema } from '../../hub/schema';
import { ConstantFigures, variablesMatter } from '../../hub/cost-cache';
import { CITIZEN_ALL_PAPERS, CITIZENS_ALL_PAPERS } from '../support/queries';

/**
 * The request bounds' figures are counted once per document when no variable can change them
 * (hub/cost-cache.ts); any variable that sizes or bounds something keeps them counted per request.
 */
const schema = buildSchema();
const matters = (q: string) => variablesMatter(schema, parse(q));

it('a personal ID cannot change the figures: the all-papers query is counted once', () => {
  expect(matters(CITIZEN_ALL_PAPERS)).toBe(false);
  expect(matters('{ citizen(personalId: "001090000001") { fullName } }')).toBe(false);
});

it('a list, a page size, a text or a directive argument can', () => {
  expect(matters(CITIZENS_ALL_PAPERS)).toBe(true);
  expect(matters('query($n: Int) { myAccessLog(first: $n) { hasNextPage } }')).toBe(true);
  expect(matters('query($c: String) { myAccessLog(after: $c) { hasNextPage } }')).toBe(true);
  expect(
    matters('query($id: PersonalId!, $b: Boolean!) { citizen(personalId: $id) { fullName @include(if: $b) } }'),
  ).toBe(true);
  // A variable in a list literal is an item of a bounded list.
  expect(matters('query($id: PersonalId!) { citizens(personalIds: [$id, $id]) { fullName } }')).toBe(true);
});

it('keeps the figures by document and operation', () => {
  const doc = parse('query A { ping } query B { ping }');
  const figures = new ConstantFigures<number>();
  figures.set(doc, 'A', 1);
  expect(figures.get(doc, 'A')).toBe(1);
  expect(figures.get(doc, 'B')).toBeUndefined();
  expect(figures.get(parse('query A { ping }'), 'A')).toBeUndefined();
});
