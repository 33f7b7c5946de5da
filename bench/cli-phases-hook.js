// Loaded with `node --require` into users-cli by bench/cli-phases.js: records
// when each phase of a call ends (performance.now(): ms since the process
// started) and appends them as one JSON line to $PHASES_OUT at exit. It hooks
// Node's module loader, and net and http2 as users-cli loads them (loading
// them here would move their cost out of users-cli's phases); users-cli
// itself is unchanged.
const { appendFileSync } = require('node:fs');
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const marks = { 'Node started (launcher next)': performance.now() };
const mark = (name) => {
  if (!(name in marks)) marks[name] = performance.now();
};

const hooks = {
  net(net) {
    const connect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function timedConnect(...args) {
      mark('channel, resolver, subchannel (to TCP connect)');
      this.once('connect', () => mark('TCP connected'));
      return connect.apply(this, args);
    };
  },
  http2(http2) {
    const connect = http2.connect;
    http2.connect = function timedConnect(...args) {
      const session = connect.apply(this, args);
      session.once('remoteSettings', () => mark('HTTP/2 session up (server SETTINGS)'));
      const request = session.request;
      session.request = function timedRequest(...requestArgs) {
        mark('request sent');
        const stream = request.apply(this, requestArgs);
        stream.once('response', () => mark('response headers (server answered)'));
        return stream;
      };
      return session;
    };
  },
};

const load = Module._load;
Module._load = function timedLoad(request, ...rest) {
  const remote = /users-cli-remote\.js$/.test(request);
  if (remote) mark('arguments and settings (launcher, main bundle, yargs)');
  const loaded = load.call(this, request, ...rest);
  if (remote) mark('gRPC bundle loaded (grpc-js, http2, tls)');
  const hook = hooks[request.replace(/^node:/, '')];
  if (hook) {
    delete hooks[request.replace(/^node:/, '')];
    hook(loaded);
  }
  return loaded;
};

const exit = process.exit;
process.exit = function timedExit(...args) {
  mark('output written, channel closed (process.exit)');
  return exit.apply(this, args);
};
process.once('exit', () => {
  mark('exit handlers');
  appendFileSync(process.env.PHASES_OUT, `${JSON.stringify({ origin: performance.timeOrigin, ...marks })}\n`);
});
