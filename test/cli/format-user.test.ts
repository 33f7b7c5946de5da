import { createColors } from 'picocolors';
import type { User } from '../../gen/user/user';
import { formatUserLine, userToJson } from '../../src/cli/format-user';
import type { OutputFormat } from '../../src/cli/global-options';
import { Output } from '../../src/cli/output';
import type { OutputConfig } from '../../src/cli/settings';
import { parse, stringify } from 'yaml';
import { stringify as cliStringify } from '../../src/cli/yaml';

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

  test('keeps zero values (age 0, empty names), in proto field order, so that jq .age is never null', () => {
    expect(JSON.stringify(userToJson({ id: '', age: 0, name: undefined, email: 'a@x.io', phone: '', address: '' }))).toBe(
      '{"id":"","age":0,"name":{"first":"","last":""},"email":"a@x.io","phone":"","address":""}',
    );
  });
});

async function* pagesOf(...pages: User[][]): AsyncGenerator<User[]> {
  for (const page of pages) yield page;
}

describe('Output', () => {
  const capture = (format: OutputFormat, color = false, more: Partial<OutputConfig> = {}) => {
    let written = '';
    const config: OutputConfig = { format, color, verbose: false, quiet: false, headers: true, columns: 80, ...more };
    return { output: new Output(config, { write: (text: string) => (written += text) }, (value) => stringify(value)), written: () => written };
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

  const maël: User = { id: 'u-2', age: 0, name: { first: 'Maël', last: '' }, email: 'mael@x.io', phone: '', address: 'Lyon' };

  test('jsonl: one compact object a line, every field', () => {
    const { output, written } = capture('jsonl');
    output.users([valencia, maël]);
    output.user(maël);
    output.result('SERVING', { status: 'SERVING' });
    const line = '{"id":"u-2","age":0,"name":{"first":"Maël","last":""},"email":"mael@x.io","phone":"","address":"Lyon"}\n';
    expect(written()).toBe(`${JSON.stringify(userToJson(valencia))}\n${line}${line}{"status":"SERVING"}\n`);
  });

  test('yaml: a sequence for users ([] for none), a mapping for one', () => {
    const { output, written } = capture('yaml');
    output.users([]);
    output.user(maël);
    output.users([maël]);
    expect(written()).toBe(
      '[]\n' +
        'id: u-2\nage: 0\nname:\n  first: Maël\n  last: ""\nemail: mael@x.io\nphone: ""\naddress: Lyon\n' +
        '- id: u-2\n  age: 0\n  name:\n    first: Maël\n    last: ""\n  email: mael@x.io\n  phone: ""\n  address: Lyon\n',
    );
  });

  test("yaml: strings a YAML 1.1 reader (PyYAML, Go yaml.v2) or a 1.2 one would read as something else are quoted", () => {
    let written = '';
    const config: OutputConfig = { format: 'yaml', color: false, verbose: false, quiet: false, headers: true };
    const output = new Output(config, { write: (text: string) => (written += text) }, cliStringify);
    const odd: User = { id: '0777', age: 7, name: { first: 'yEs', last: 'yes' }, email: 'no@x.io', phone: '12:30', address: 'Off' };
    output.user(odd);
    output.users([{ ...odd, id: 'ok', name: { first: 'Y', last: 'NULL' }, phone: '0o7', address: '2001-12-14' }]);
    expect(written).toBe(
      'id: "0777"\nage: 7\nname:\n  first: "yEs"\n  last: "yes"\nemail: no@x.io\nphone: "12:30"\naddress: "Off"\n' +
        '- id: ok\n  age: 7\n  name:\n    first: "Y"\n    last: "NULL"\n  email: no@x.io\n  phone: "0o7"\n  address: "2001-12-14"\n',
    );
    // PyYAML reads a plain = as YAML 1.1's "value" type and cannot load it.
    expect(cliStringify(['=', '==', 'a=b'])).toBe('- "="\n- ==\n- a=b\n');
    const words = ['yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'on', 'ON', 'off', 'Off', 'y', 'Y', 'n', 'N', 'true', 'True', 'FALSE', 'false', '~', 'null', '', '<<', '=', '1_000', '0x1F', '.inf', '+1', '1e3', '.5'];
    for (const version of ['1.1', '1.2'] as const) expect(parse(cliStringify(words), { version })).toEqual(words);
  });

  test('table: padded columns with headers; ADDRESS cut first to fit the width', () => {
    const { output, written } = capture('table', false, { columns: 80 });
    output.users([valencia, maël]);
    expect(written()).toBe(
      'EMAIL                        NAME              AGE   PHONE            ADDRESS\n' +
        'valencia.dorsey@email.info   Valencia Dorsey   51    +1 (555) 010-…   941 Merit…\n' +
        'mael@x.io                    Maël              0                      Lyon\n',
    );
  });

  test('table without a width (a pipe, a file): nothing is cut, however long', () => {
    const { output, written } = capture('table', false, { columns: undefined });
    const long = { ...valencia, email: `${'a'.repeat(100)}@example.com` };
    output.users([long]);
    expect(written()).toBe(
      `EMAIL${' '.repeat(110)}NAME              AGE   PHONE               ADDRESS\n` +
        `${long.email}   Valencia Dorsey   51    +1 (555) 010-0199   941 Merit Court, Grill, Mississippi, 4961\n`,
    );
  });

  test('table wider than the terminal: the other columns narrow to their headers before EMAIL does', () => {
    const long = { ...valencia, email: `${'a'.repeat(100)}@example.com` };
    const at80 = capture('table', false, { columns: 80 });
    at80.output.users([valencia, long]);
    expect(at80.written()).toBe(
      'EMAIL                                               NAME   AGE   PHONE   ADDRESS\n' +
        'valencia.dorsey@email.info                          Val…   51    +1 (…   941 Me…\n' +
        `${'a'.repeat(48)}…   Val…   51    +1 (…   941 Me…\n`,
    );
    const at20 = capture('table', false, { columns: 20 });
    at20.output.users([long]);
    // Headers are never cut: a terminal narrower than them overflows.
    expect(at20.written()).toBe('EMAIL   NAME   AGE   PHONE   ADDRESS\naaaa…   Val…   51    +1 (…   941 Me…\n');
  });

  test('table --no-headers, and a wide terminal', () => {
    const { output, written } = capture('table', false, { headers: false, columns: 200 });
    output.users([valencia]);
    output.users([]);
    expect(written()).toBe('valencia.dorsey@email.info   Valencia Dorsey   51   +1 (555) 010-0199   941 Merit Court, Grill, Mississippi, 4961\n');
  });

  test('table cells stay on one line', () => {
    const { output, written } = capture('table', false, { headers: false, columns: 200 });
    output.users([{ ...maël, address: 'line 1\nline 2' }]);
    expect(written()).toBe('mael@x.io   Maël   0      line 1 line 2\n');
  });

  test('table, a page at a time: one header, and later pages line up with the first', async () => {
    const paged = capture('table');
    await paged.output.pagedUsers(pagesOf([valencia], [maël]));
    const whole = capture('table');
    whole.output.users([valencia, maël]);
    expect(paged.written()).toBe(whole.written());
  });

  test('jsonl and yaml, a page at a time: the same as all at once', async () => {
    for (const format of ['jsonl', 'yaml', 'text'] as const) {
      const paged = capture(format);
      await paged.output.pagedUsers(pagesOf([valencia], [], [maël]));
      const whole = capture(format);
      whole.output.users([valencia, maël]);
      expect(paged.written()).toBe(whole.written());
    }
  });

  test('--quiet: nothing, whatever the format', () => {
    for (const format of ['text', 'json', 'jsonl', 'yaml', 'table'] as const) {
      const { output, written } = capture(format, false, { quiet: true });
      output.users([valencia]);
      output.user(valencia);
      output.result('SERVING', { status: 'SERVING' });
      output.raw('script');
      expect(written()).toBe('');
    }
  });
});
