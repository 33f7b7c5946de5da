/** A bad flag or environment value: the binaries print its message as one line and exit 2. */
export class ConfigError extends Error {}
