import * as contract from '../../gen/user/user';
import { encodedSize } from '../../src/server/transport/encoded-size';
import { messageDescriptor } from '../../src/server/transport/wire-types';

type Codec = { encode(message: never): { finish(): Uint8Array }; fromPartial(object: never): object };

// Strings of every UTF-8 length class, a lone surrogate (TextEncoder writes U+FFFD), and long ones (2-byte lengths).
const STRINGS = ['', 'a', 'Maël', 'Zoë Ünal', '日本語', '\u{1D518}\u{1F600}', 'x\uD800y', '\uDC00', 'é'.repeat(70), '\u{20000}'.repeat(300)];
const NUMBERS = [0, 1, 127, 128, 150, 16_383, 16_384, 2_147_483_647, -1, -2_147_483_648];

let seed = 7;
const pick = <T>(values: T[]): T => values[(seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % values.length];
const randomUser = (): contract.User => ({
  id: pick(STRINGS),
  age: pick(NUMBERS),
  name: pick([undefined, { first: pick(STRINGS), last: pick(STRINGS) }]),
  email: pick(STRINGS),
  phone: pick(STRINGS),
  address: pick(STRINGS),
});

/** Messages of the contract with sample values; each counts as its generated encoder writes it. */
const SAMPLES: Array<[string, Codec, object[]]> = [
  ['user.User', contract.User, Array.from({ length: 500 }, randomUser)],
  ['user.Name', contract.Name, STRINGS.map((first, i) => ({ first, last: STRINGS[(i * 3) % STRINGS.length] }))],
  ['user.Status', contract.Status, NUMBERS.slice(0, 6).map((code, i) => ({ code, msg: STRINGS[i] }))],
  [
    'user.SearchResp',
    contract.SearchResp,
    [{}, { status: { code: 0, msg: '' }, users: [], nextPageToken: '' }, { status: { code: 3, msg: 'bad' }, users: Array.from({ length: 40 }, randomUser), nextPageToken: 'é'.repeat(200) }],
  ],
  ['user.SearchAgeReq', contract.SearchAgeReq, [{}, { ageRange: { from: 20, toIncluded: 40 }, pageSize: 1000, pageToken: 'tok' }, { ageRange: { from: -5, toIncluded: 0 } }]],
  ['user.CreateResp', contract.CreateResp, [{ status: { code: 1, msg: 'x' }, user: randomUser() }]],
];

test.each(SAMPLES)('%s: the counted size is the encoded length, for each sample', (name, codec, samples) => {
  const descriptor = messageDescriptor(name)!;
  for (const sample of samples) {
    const message = codec.fromPartial(sample as never);
    expect([sample, encodedSize(descriptor, message)]).toEqual([sample, codec.encode(message as never).finish().length]);
  }
});

test('a field of a kind it does not count throws, naming the field', () => {
  const bytesField = { ...messageDescriptor('user.Status')!, fields: [{ ...messageDescriptor('user.Status')!.fields[1], scalar: 12, name: 'blob' }] };
  expect(() => encodedSize(bytesField as never, { msg: 'x' })).toThrow('encodedSize: blob: BYTES fields are not counted');
});
