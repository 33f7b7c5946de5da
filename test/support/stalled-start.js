/* global require */
// Preloaded into users-server by a test (NODE_OPTIONS=--require): start-up work
// that stops without settling and holds nothing open, as a library that loses
// a callback would leave it: a TCP connect that never starts, and timers that do
// not keep the process alive (so pg's own connect timeouts never fire). With
// nothing left to wait for, Node ends the event loop.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
require('node:net').Socket.prototype.connect = function connect() {
  return this;
};
const setTimer = globalThis.setTimeout;
globalThis.setTimeout = (...args) => setTimer(...args).unref();
