import { UserService } from '../../src/domain/user-service';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { loadSampleUsers } from '../../src/samples/load-sample-users';
import { readSampleUsersFile, SampleUsersError } from '../../src/samples/sample-users-file';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let dir: TempDir;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => dir.cleanup());

// The Go users-grpc sample format, written by hand for these tests.
const GO_FORMAT = `[
  {
    "id": "5cfdf218f7efd273906c5b9e",
    "age": 51,
    "firstName": "Valencia",
    "lastName": "Dorsey",
    "email": "valencia.dorsey@email.info",
    "phone": "+1 (906) 568-2594",
    "address": "941 Merit Court, Grill, Mississippi, 4961"
  },
  {
    "id": "5cfdf218f7efd273906c5b9f",
    "age": 23,
    "firstName": "Zoë",
    "lastName": "Šimić",
    "email": "zoe@email.info",
    "phone": "+385 91 555 0101",
    "address": "Ilica 1, Zagreb"
  },
  { "email": "only.email@email.info" }
]`;

async function readError(path: string): Promise<string> {
  const error: unknown = await readSampleUsersFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SampleUsersError)) throw new Error(`expected a SampleUsersError, got ${String(error)}`);
  return error.message;
}

describe('readSampleUsersFile', () => {
  test('reads the Go users-grpc format; missing fields are empty', async () => {
    expect(await readSampleUsersFile(dir.write('go.json', GO_FORMAT))).toEqual([
      {
        id: '5cfdf218f7efd273906c5b9e',
        age: 51,
        firstName: 'Valencia',
        lastName: 'Dorsey',
        email: 'valencia.dorsey@email.info',
        phone: '+1 (906) 568-2594',
        address: '941 Merit Court, Grill, Mississippi, 4961',
      },
      { id: '5cfdf218f7efd273906c5b9f', age: 23, firstName: 'Zoë', lastName: 'Šimić', email: 'zoe@email.info', phone: '+385 91 555 0101', address: 'Ilica 1, Zagreb' },
      { id: '', age: 0, firstName: '', lastName: '', email: 'only.email@email.info', phone: '', address: '' },
    ]);
  });

  test('an empty array is no users', async () => {
    expect(await readSampleUsersFile(dir.write('empty.json', ' [ ]\n'))).toEqual([]);
  });

  test('a missing file', async () => {
    const path = `${dir.path}/nope.json`;
    expect(await readError(path)).toBe(`samples file ${path}: no such file`);
    expect(await readError('/dev/zero')).toBe('samples file /dev/zero: larger than 64 MiB');
  });

  test('a directory', async () => {
    expect(await readError(dir.path)).toBe(`samples file ${dir.path}: cannot read it (EISDIR: illegal operation on a directory, read)`);
  });

  test('bad JSON names the parser problem', async () => {
    const text = '[{"email": "a@x.io",}]';
    let parserMessage = '';
    try {
      JSON.parse(text);
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    const path = dir.write('bad.json', text);
    expect(await readError(path)).toBe(`samples file ${path}: invalid JSON (${parserMessage})`);
  });

  test('an empty file is bad JSON', async () => {
    const path = dir.write('zero.json', '');
    expect(await readError(path)).toBe(`samples file ${path}: invalid JSON (Unexpected end of JSON input)`);
  });

  test.each([
    ['an object', '{"users": []}'],
    ['a string', '"users"'],
    ['null', 'null'],
  ])('%s instead of an array', async (_what, text) => {
    const path = dir.write('not-array.json', text);
    expect(await readError(path)).toBe(`samples file ${path}: expected a JSON array of users`);
  });

  test.each([
    ['a number entry', '[{"email": "a@x.io"}, 42]', 'user 2: expected an object'],
    ['a null entry', '[null]', 'user 1: expected an object'],
    ['an array entry', '[[]]', 'user 1: expected an object'],
    ['age as a string', '[{"email": "a@x.io"}, {"email": "b@x.io", "age": "30"}]', 'user 2: field "age" must be a number'],
    ['age null', '[{"email": "a@x.io", "age": null}]', 'user 1: field "age" must be a number'],
    ['age with a fraction', '[{"email": "a@x.io", "age": 30}, {"email": "b@x.io", "age": 3.5}]', 'user 2: field "age" must be a whole number, got 3.5'],
    ['email as a number', '[{"email": 7}]', 'user 1: field "email" must be a string'],
    ['id as a number (the Go format has string ids)', '[{"id": 1, "email": "a@x.io"}]', 'user 1: field "id" must be a string'],
    ['an unknown field', '[{"email": "a@x.io", "nickname": "al"}]', 'user 1: unknown field "nickname"'],
    ['the wire format\'s nested name', '[{"email": "a@x.io", "name": {"first": "A"}}]', 'user 1: unknown field "name"'],
  ])('%s', async (_what, text, problem) => {
    const path = dir.write('bad-entry.json', text);
    expect(await readError(path)).toBe(`samples file ${path}: ${problem}`);
  });
});

describe('loadSampleUsers (as the server loads a samples file)', () => {
  let repository: MemoryUserRepository;
  let service: UserService;
  beforeEach(() => {
    repository = new MemoryUserRepository();
    service = new UserService(repository);
  });

  async function loadError(text: string): Promise<[string, string]> {
    const path = dir.write('load.json', text);
    const source = `samples file ${path}`;
    const error: unknown = await loadSampleUsers(service, await readSampleUsersFile(path), source).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof SampleUsersError)) throw new Error(`expected a SampleUsersError, got ${String(error)}`);
    return [error.message, source];
  }

  test('loads every user through the service rules and counts them', async () => {
    const users = await readSampleUsersFile(dir.write('go.json', GO_FORMAT));
    expect(await loadSampleUsers(service, users, 'x')).toBe(3);
    expect(await repository.count()).toBe(3);
    expect((await repository.findByEmailKey('zoe@email.info'))?.lastName).toBe('Šimić');
  });

  test('an invalid user: the message names the entry, its email and the problem', async () => {
    const [message, source] = await loadError('[{"email": "a@x.io"}, {"email": "not-an-email", "age": 20}]');
    expect(message).toBe(`${source}: user 2 (not-an-email): user.email "not-an-email" is not a valid email address`);
    // Nothing of the file is stored: the next start loads it whole, once fixed.
    expect(await repository.count()).toBe(0);
  });

  test('an age out of range', async () => {
    const [message, source] = await loadError('[{"email": "old@x.io", "age": 200}]');
    expect(message).toBe(`${source}: user 1 (old@x.io): user.age must be between 0 and 150, got 200`);
  });

  test('a user without email', async () => {
    const [message, source] = await loadError('[{"firstName": "Nobody"}]');
    expect(message).toBe(`${source}: user 1 (no email): user.email cannot be empty`);
  });

  test('a duplicate email, in another case', async () => {
    const [message, source] = await loadError('[{"email": "a@x.io"}, {"email": "b@x.io"}, {"email": "A@X.io"}]');
    expect(message).toBe(`${source}: user 3 (A@X.io): email already exists`);
    expect(await repository.count()).toBe(0);
  });

  test('a duplicate id', async () => {
    const [message, source] = await loadError('[{"id": "u1", "email": "a@x.io"}, {"id": "u1", "email": "b@x.io"}]');
    expect(message).toBe(`${source}: user 2 (b@x.io): id u1 already exists`);
  });
});

describe('hostile samples files', () => {
  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('an entry with the key %j is refused like any unknown key', async (key) => {
    const file = dir.write(`proto-${key}.json`, `[{"email": "a@x.io", "${key}": {}}]`);
    expect(await readError(file)).toBe(`samples file ${file}: user 1: unknown field "${key}"`);
  });

  test('an email with a newline is escaped: the message stays one line', async () => {
    const service = new UserService(new MemoryUserRepository());
    const users = await readSampleUsersFile(dir.write('newline.json', '[{"email": "a@x.io\\nInjected: line"}]'));
    const error: unknown = await loadSampleUsers(service, users, 'samples file f').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'samples file f: user 1 (a@x.io\\nInjected: line): user.email "a@x.io\\nInjected: line" is not a valid email address',
    );
  });

  test('a file name with a newline is escaped too', async () => {
    const file = dir.write('bad\nname.json', '{}');
    expect(await readError(file)).toBe(`samples file ${file.replace('\n', '\\n')}: expected a JSON array of users`);
  });
});
