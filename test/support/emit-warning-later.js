/* global process */
// Preloaded into users-server by a test (NODE_OPTIONS=--require): on SIGUSR2,
// emits one process warning, as Node itself would for a deprecated API.
process.on('SIGUSR2', () => process.emitWarning('a warning emitted after start-up', 'TestWarning'));
