import { parseHostPort, portRangeProblem, splitHostPort } from '../../src/shared/host-port';

test.each<[string, { host: string; port: number }]>([
  ['0.0.0.0:8000', { host: '0.0.0.0', port: 8000 }],
  ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ['localhost:65535', { host: 'localhost', port: 65535 }],
  ['users.example.com:443', { host: 'users.example.com', port: 443 }],
  ['[::1]:8000', { host: '[::1]', port: 8000 }],
  ['[::]:9402', { host: '[::]', port: 9402 }],
  ['[::ffff:127.0.0.1]:80', { host: '[::ffff:127.0.0.1]', port: 80 }],
  [' localhost:80 ', { host: 'localhost', port: 80 }],
  ['[fe80::1%eth0]:8000', { host: '[fe80::1%eth0]', port: 8000 }],
  ['[fe80::1%2]:8000', { host: '[fe80::1%2]', port: 8000 }],
])('%j', (address, expected) => {
  expect(parseHostPort(address)).toEqual(expected);
});

test.each(['', 'localhost', '8000', ':8000', 'localhost:', 'localhost:http', 'localhost:65536', 'localhost:123456', '::1:8000', '[::1]', '[::1:8000', 'a b:80', 'host:80:90', '[zz]:80', '[fe80::1%]:80', '[fe80::1%a b]:80', '[fe80::1%eth0:80', 'fe80::1%eth0:80'])(
  '%j is not host:port',
  (address) => {
    expect(parseHostPort(address)).toBeUndefined();
  },
);

test.each<[string, number, string | undefined]>([
  ['0', 0, undefined],
  ['65535', 0, undefined],
  ['0', 1, 'port 0 is out of range (1 to 65535)'],
  ['65536', 0, 'port 65536 is out of range (0 to 65535)'],
  ['99999', 0, 'port 99999 is out of range (0 to 65535)'],
  ['000080', 0, 'port 000080 is out of range (0 to 65535)'],
])('port %j from %d: %j', (digits, min, problem) => {
  expect(portRangeProblem(digits, min)).toBe(problem);
});

test.each<[string, { host: string; port: string; zone?: string } | undefined]>([
  ['127.0.0.1:99999', { host: '127.0.0.1', port: '99999' }],
  ['[::1]:8000', { host: '[::1]', port: '8000' }],
  ['[fe80::1%lo]:8000', { host: '[fe80::1%lo]', port: '8000', zone: 'lo' }],
  ['localhost', undefined],
])('splitHostPort(%j)', (address, expected) => {
  expect(splitHostPort(address)).toEqual(expected);
});
