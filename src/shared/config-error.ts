/** A bad flag or environment value: the binaries print its message as one line and exit 2. */
export class ConfigError extends Error {}

/**
 * A well-formed setting naming a file that cannot be used (missing, unreadable,
 * not what it should hold). users-server exits 1 for it, as for any resource
 * unusable at start; users-cli, whose 1 means a failed call, keeps 2.
 */
export class UnusableFileError extends ConfigError {}
