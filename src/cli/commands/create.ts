import { readFileUpTo } from '../../shared/bounded-read';
import type { User } from '../../../gen/user/user';
import { ConfigError } from '../../shared/config-error';
import { fileErrorReason } from '../../shared/file-error-reason';
import { oneLine, quote } from '../../shared/quote';
import { int32Arg, stringArg, type RawArgs } from '../args';
import { StatusError } from '../cli-error';
import type { CommandContext, RemoteCommand } from '../command';
import { didYouMean } from '../../shared/did-you-mean';

type CreateInput = { users: User[]; many: boolean; source?: string };

export const createCommand: RemoteCommand<CreateInput> = {
  kind: 'remote',
  name: 'create',
  describe: 'create users from flags or from a JSON file, then print them (with their ids under -o json)',
  options: {
    email: { type: 'string', describe: 'email address (required, unique)' },
    firstname: { type: 'string', describe: 'first name' },
    lastname: { type: 'string', describe: 'last name' },
    age: { type: 'number', describe: 'age in years, 0 to 150', defaultDescription: '0' },
    postaladdress: { type: 'string', describe: 'postal address' },
    phone: { type: 'string', describe: 'phone number' },
    id: { type: 'string', describe: 'id to store the user under', defaultDescription: 'one the server makes' },
    'from-file': { type: 'string', describe: 'JSON file (- for stdin) with one user or an array, as -o json prints them', completeFiles: true },
  },
  // Every flag but --from-file describes the one user it replaces.
  configure: (yargs) => yargs.conflicts('from-file', Object.keys(createCommand.options ?? {}).filter((flag) => flag !== 'from-file')),
  fieldFlags: {
    'user.id': '--id',
    'user.email': '--email',
    'user.age': '--age',
    'user.name.first': '--firstname',
    'user.name.last': '--lastname',
    'user.phone': '--phone',
    'user.address': '--postaladdress',
  },
  examples: [
    ['$0 create --email=ada@x.io', 'one user: the email is enough'],
    ['$0 create --from-file=users.json', 'a user, or an array of them'],
    ['$0 create --from-file=-', 'users from stdin, as JSON'],
  ],
  async input(args, context) {
    const file = stringArg(args, 'from-file');
    if (file !== undefined) return readUsers(file, context);
    return { users: [userFromFlags(args, context.argv)], many: false };
  },
  async run(connection, output, { users, many, source }, { stderr }) {
    let refused = 0;
    const refuse = (index: number, error: StatusError) => {
      refused += 1;
      stderr.write(`users-cli: ${source}: user ${index + 1} (${users[index].email}): ${error.message}\n`);
    };
    if (!many) {
      try {
        output.user((await connection.users.create({ user: users[0] })).user as User);
      } catch (error) {
        // From flags, the refusal is the command's error; from a file, it names the file.
        if (!(error instanceof StatusError) || source === undefined) throw error;
        refuse(0, error);
      }
      return refused > 0 ? 1 : 0;
    }
    let stopped: { error: unknown; at: number } | undefined;
    // One Create per user, in order, so that the file's own duplicates fail as they would one by one.
    // Printed as they are created, a batch at a time: a run cut short (the server gone) still shows what it created.
    async function* created(): AsyncGenerator<User[]> {
      let batch: User[] = [];
      for (const [index, user] of users.entries()) {
        try {
          batch.push((await connection.users.create({ user })).user as User);
        } catch (error) {
          if (!(error instanceof StatusError)) {
            stopped = { error, at: index };
            break;
          }
          refuse(index, error);
        }
        if (batch.length === PRINT_BATCH) {
          yield batch;
          batch = [];
        }
      }
      yield batch;
    }
    await output.pagedUsers(created());
    if (stopped) {
      const { at, error } = stopped;
      if (at > 0) {
        const done = at - refused;
        const before = output.printing ? `the ${done} created before it are printed` : `the ${done} before it were created (not printed: --quiet)`;
        stderr.write(`users-cli: ${source}: stopped at user ${at + 1} of ${users.length} (${users[at].email}) by the error below; ${before}\n`);
      }
      throw error;
    }
    return refused > 0 ? 1 : 0;
  },
};

/** Users printed together by create --from-file: table columns are sized over a batch. */
const PRINT_BATCH = 100;

function userFromFlags(args: RawArgs, argv: readonly string[]): User {
  const email = stringArg(args, 'email');
  if (email === undefined || email.trim() === '') throw new ConfigError('create needs --email=EMAIL, or --from-file=FILE');
  return {
    id: stringArg(args, 'id') ?? '',
    email,
    name: { first: stringArg(args, 'firstname') ?? '', last: stringArg(args, 'lastname') ?? '' },
    // proto3 has no "unset": an age not given is 0, as on the wire.
    age: int32Arg(args, 'age', argv) ?? 0,
    address: stringArg(args, 'postaladdress') ?? '',
    phone: stringArg(args, 'phone') ?? '',
  };
}

/** Users to create, held in memory at once: about 100,000 sample-sized users. */
const MAX_USERS_FILE_BYTES = 64 * 1024 * 1024;

async function readUsers(file: string, { readStdin }: CommandContext): Promise<CreateInput> {
  const source = file === '-' ? 'stdin' : file;
  const invalid = (reason: string) => new ConfigError(`invalid --from-file ${quote(file)}: ${reason}`);
  let text: string;
  try {
    text = file === '-' ? await readStdin(MAX_USERS_FILE_BYTES) : readFileUpTo(file, MAX_USERS_FILE_BYTES).toString('utf8');
  } catch (err) {
    throw invalid(fileErrorReason(err));
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw invalid(`not JSON (${oneLine((err as Error).message)})`);
  }
  const many = Array.isArray(document);
  const items = many ? (document as unknown[]) : [document];
  if (items.length === 0) throw invalid('no users in the array');
  return { users: items.map((item, index) => userFromJson(item, many ? `user ${index + 1}: ` : '', invalid)), many, source };
}

const JSON_FIELDS = ['id', 'age', 'name', 'email', 'phone', 'address'];

/** A user as -o json prints it; missing fields are empty, unknown ones refused. */
function userFromJson(value: unknown, where: string, invalid: (reason: string) => ConfigError): User {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${where}expected an object such as {"email": "ada@example.com"}`);
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!JSON_FIELDS.includes(key)) throw invalid(`${where}unknown field ${quote(key)}${didYouMean(key, JSON_FIELDS, quote)}`);
  }
  const text = (field: string, raw: unknown): string => {
    if (raw === undefined || raw === null) return '';
    if (typeof raw !== 'string') throw invalid(`${where}${quote(field)} must be a string, got ${JSON.stringify(raw)}`);
    return raw;
  };
  const name = object.name ?? {};
  if (typeof name !== 'object' || name === null || Array.isArray(name)) throw invalid(`${where}"name" must be an object such as {"first": "Ada", "last": "Lovelace"}`);
  const nameFields = name as Record<string, unknown>;
  for (const key of Object.keys(nameFields)) {
    if (key !== 'first' && key !== 'last') throw invalid(`${where}unknown field ${quote(`name.${key}`)}${didYouMean(key, ['first', 'last'], (c) => quote(`name.${c}`))}`);
  }
  const age = object.age ?? 0;
  if (typeof age !== 'number' || !Number.isInteger(age)) throw invalid(`${where}"age" must be a whole number, got ${JSON.stringify(age)}`);
  const email = text('email', object.email);
  if (email.trim() === '') throw invalid(`${where}"email" is required`);
  return {
    id: text('id', object.id),
    age,
    name: { first: text('name.first', nameFields.first), last: text('name.last', nameFields.last) },
    email,
    phone: text('phone', object.phone),
    address: text('address', object.address),
  };
}
