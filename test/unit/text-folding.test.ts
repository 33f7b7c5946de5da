import { foldForSearch } from '../../src/domain/text-folding';

test.each<[string, string]>([
  ['Maël', 'mael'],
  ['VALENCIA', 'valencia'],
  ['José', 'jose'],
  ['Muñoz', 'munoz'],
  ['Noémie Tremblay', 'noemie tremblay'],
  ['Ångström', 'angstrom'],
  // Decomposed input (e + combining acute) folds like the composed one.
  ['Jose\u0301', 'jose'],
  // Letters NFKD does not split.
  ['Łukasz', 'lukasz'],
  ['Søren Kjær', 'soren kjaer'],
  ['Weiß', 'weiss'],
  ['Œuvre', 'oeuvre'],
  ['Đorđe', 'dorde'],
  ['Þór', 'thor'],
  ["O'Connell", "o'connell"],
])('%j folds to %j', (text, folded) => {
  expect(foldForSearch(text)).toBe(folded);
});
