import net from 'node:net';

// grpc-js asks net.isIPv6 about every address it connects to. The first call
// compiles Node's IPv6 pattern, a few milliseconds of every users-cli call
// (measured: 4 ms on an idle machine, Node 20). An IPv6 address always holds a
// colon: for anything else the answer is known without the pattern.
const isIPv6 = net.isIPv6;
net.isIPv6 = (input: string) => input.includes(':') && isIPv6(input);
