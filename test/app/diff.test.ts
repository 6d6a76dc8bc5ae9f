/** The workbench's character diff (app/src/workbench/diff.ts): which characters of two values differ. */
import { charDiff } from '../../app/src/workbench/diff';

it('marks the differing characters of two names, a mark counting as part of its letter', () => {
  const d = charDiff('Nguyễn Văn An', 'Nguyễn Văn Ân');
  expect(d.changes).toEqual([{ a: 'A', b: 'Â' }]);
  expect(d.count).toBe(1);
  expect(d.a.map((r) => [r.text, r.diff])).toEqual([
    ['Nguyễn Văn ', false],
    ['A', true],
    ['n', false],
  ]);
  // NFD input is compared in NFC: the same name, no difference.
  expect(charDiff('Nguyễn', 'Nguyễn'.normalize('NFD')).count).toBe(0);
});

it('says what is missing or added', () => {
  expect(charDiff('1990-03-15', '1990-03-16').changes).toEqual([{ a: '5', b: '6' }]);
  expect(charDiff('Lê Thị Hoa', 'Lê Hoa').changes).toEqual([{ a: 'Thị ', b: '' }]);
  expect(charDiff('', 'X').changes).toEqual([{ a: '', b: 'X' }]);
});
