import { TextOverLimit } from '../../src/domain/code-points';

test('TextOverLimit refuses to stand for a text judged against another limit', () => {
  expect(() => new TextOverLimit(50).assertJudgedAgainst(100)).toThrow(new Error('text judged against a limit of 50 code points, the rule\'s is 100'));
  expect(() => new TextOverLimit(100).assertJudgedAgainst(100)).not.toThrow();
});
