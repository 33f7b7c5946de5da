import { channelTarget } from '../../src/cli/connection';

// The gRPC target users-cli gives grpc-js: IP addresses go straight to its
// ipv4:/ipv6: resolvers (no DNS resolver set up), names through DNS.
describe('channelTarget', () => {
  test.each([
    ['127.0.0.1:8000', 'ipv4:127.0.0.1:8000'],
    ['10.1.2.3:443', 'ipv4:10.1.2.3:443'],
    ['[::1]:8000', 'ipv6:[::1]:8000'],
    ['[2001:db8::7]:50051', 'ipv6:[2001:db8::7]:50051'],
    ['localhost:8000', 'localhost:8000'],
    ['users.example.com:443', 'users.example.com:443'],
    ['999.1.1.1:80', '999.1.1.1:80'],
    ['not an address', 'not an address'],
  ])('%s -> %s', (address, target) => {
    expect(channelTarget(address)).toBe(target);
  });
});
