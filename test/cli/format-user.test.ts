import { createColors } from 'picocolors';
import type { User } from '../../gen/user/user';
import { formatUserLine, userToJson } from '../../src/cli/format-user';
import { Output } from '../../src/cli/output';

const valencia: User = {
  id: 'u-1',
  age: 51,
  name: { first: 'Valencia', last: 'Dorsey' },
  email: 'valencia.dorsey@email.info',
  phone: '+1 (555) 010-0199',
  address: '941 Merit Court, Grill, Mississippi, 4961',
};

const BOLD_YELLOW = (text: string) => `\x1b[1m\x1b[33m${text}\x1b[39m\x1b[22m`;
const GREEN = (text: string) => `\x1b[32m${text}\x1b[39m`;

describe('formatUserLine', () => {
  test('prints the Go CLI line without colours', () => {
    expect(formatUserLine(valencia, createColors(false))).toBe(
      'Valencia Dorsey <valencia.dorsey@email.info> (51 years old, address: 941 Merit Court, Grill, Mississippi, 4961)',
    );
  });

  test('with colours: first and last name bold yellow, email green, nothing else', () => {
    expect(formatUserLine(valencia, createColors(true))).toBe(
      `${BOLD_YELLOW('Valencia')} ${BOLD_YELLOW('Dorsey')} <${GREEN('valencia.dorsey@email.info')}> (51 years old, address: 941 Merit Court, Grill, Mississippi, 4961)`,
    );
  });

  test('keeps diacritics and prints empty fields as empty', () => {
    const user: User = { id: '', age: 0, name: { first: 'Maël', last: '' }, email: 'm@x.io', phone: '', address: '' };
    expect(formatUserLine(user, createColors(false))).toBe('Maël  <m@x.io> (0 years old, address: )');
  });

  test('a user without a name message prints empty names', () => {
    const user: User = { ...valencia, name: undefined };
    expect(formatUserLine(user, createColors(false))).toBe('  <valencia.dorsey@email.info> (51 years old, address: 941 Merit Court, Grill, Mississippi, 4961)');
  });
});

describe('userToJson', () => {
  test('uses the proto JSON field names', () => {
    expect(userToJson(valencia)).toEqual({
      id: 'u-1',
      age: 51,
      name: { first: 'Valencia', last: 'Dorsey' },
      email: 'valencia.dorsey@email.info',
      phone: '+1 (555) 010-0199',
      address: '941 Merit Court, Grill, Mississippi, 4961',
    });
  });

  test('omits default values, as proto JSON does', () => {
    expect(userToJson({ id: '', age: 0, name: { first: 'A', last: '' }, email: 'a@x.io', phone: '', address: '' })).toEqual({
      name: { first: 'A' },
      email: 'a@x.io',
    });
  });
});

describe('Output', () => {
  const capture = (format: 'text' | 'json', color = false) => {
    let written = '';
    return { output: new Output({ format, color, verbose: false }, { write: (text: string) => (written += text) }), written: () => written };
  };

  test('text: one line per user, nothing for none', () => {
    const { output, written } = capture('text');
    output.users([valencia, { ...valencia, email: 'v2@email.info' }]);
    output.users([]);
    expect(written()).toBe(
      'Valencia Dorsey <valencia.dorsey@email.info> (51 years old, address: 941 Merit Court, Grill, Mississippi, 4961)\n' +
        'Valencia Dorsey <v2@email.info> (51 years old, address: 941 Merit Court, Grill, Mississippi, 4961)\n',
    );
  });

  test('json: an array for users ([] for none), an object for one user', () => {
    const { output, written } = capture('json');
    output.users([]);
    output.user(valencia);
    expect(written()).toBe(`[]\n${JSON.stringify(userToJson(valencia), null, 2)}\n`);
  });

  test('json never colours', () => {
    const { output, written } = capture('json', true);
    output.users([valencia]);
    expect(written()).toBe(`${JSON.stringify([userToJson(valencia)], null, 2)}\n`);
  });

  test('result: the text line, or the JSON value', () => {
    const text = capture('text');
    text.output.result('SERVING', { status: 'SERVING' });
    expect(text.written()).toBe('SERVING\n');
    const json = capture('json');
    json.output.result('SERVING', { status: 'SERVING' });
    expect(json.written()).toBe('{\n  "status": "SERVING"\n}\n');
  });
});
