// Replaced at bundle time by esbuild `define` (see scripts/build.js); `dev`
// when running from source.
declare const __USERS_GRPC_VERSION__: string | undefined;
declare const __USERS_GRPC_COMMIT__: string | undefined;
declare const __USERS_GRPC_DATE__: string | undefined;

export interface BuildInfo {
  version: string;
  commit: string;
  date: string;
}

export const buildInfo: BuildInfo = {
  version: typeof __USERS_GRPC_VERSION__ === 'string' ? __USERS_GRPC_VERSION__ : 'dev',
  commit: typeof __USERS_GRPC_COMMIT__ === 'string' ? __USERS_GRPC_COMMIT__ : 'dev',
  date: typeof __USERS_GRPC_DATE__ === 'string' ? __USERS_GRPC_DATE__ : 'dev',
};
