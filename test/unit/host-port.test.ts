import { parseHostPort } from '../../src/shared/host-port';

test.each<[string, { host: string; port: number }]>([
  ['0.0.0.0:8000', { host: '0.0.0.0', port: 8000 }],
  ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ['localhost:65535', { host: 'localhost', port: 65535 }],
  ['users.example.com:443', { host: 'users.example.com', port: 443 }],
  ['[::1]:8000', { host: '[::1]', port: 8000 }],
  ['[::]:9402', { host: '[::]', port: 9402 }],
  ['[::ffff:127.0.0.1]:80', { host: '[::ffff:127.0.0.1]', port: 80 }],
  [' localhost:80 ', { host: 'localhost', port: 80 }],
])('%j', (address, expected) => {
  expect(parseHostPort(address)).toEqual(expected);
});

test.each(['', 'localhost', '8000', ':8000', 'localhost:', 'localhost:http', 'localhost:65536', 'localhost:123456', '::1:8000', '[::1]', '[::1:8000', 'a b:80', 'host:80:90', '[zz]:80'])(
  '%j is not host:port',
  (address) => {
    expect(parseHostPort(address)).toBeUndefined();
  },
);
