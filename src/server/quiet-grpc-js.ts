// grpc-js writes its own errors to stderr (`E No address added out of total 1
// resolved`) just before users-server reports the same failure in one line.
// It reads its verbosity once, when loaded, so main.ts imports this module
// first. GRPC_VERBOSITY=ERROR (or DEBUG) in the environment brings them back.
process.env.GRPC_VERBOSITY ??= 'NONE';
