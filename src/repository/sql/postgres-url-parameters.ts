import { didYouMean } from '../../shared/did-you-mean';
import { quote } from '../../shared/quote';

/**
 * The query parameters of a postgres:// URL that node-postgres honours with
 * libpq's meaning (pg-connection-string, then pg's ConnectionParameters),
 * and the two of its own it passes to the server at start-up. Any other
 * parameter is refused: ignored, a typo could turn TLS off (sslmod=require).
 */
const HONOURED = [
  'host',
  'port',
  'user',
  'password',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslnegotiation',
  'application_name',
  'fallback_application_name',
  'options',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
];

const NOT_IN_NODE_POSTGRES = 'not supported by node-postgres';

/** libpq's other parameters (PostgreSQL 18), and node-postgres's own that users-server sets itself: why each is refused. */
const REFUSED: Record<string, string> = {
  dbname: `${NOT_IN_NODE_POSTGRES}: give the database as the URL's path (postgres://HOST/DATABASE)`,
  passfile: `${NOT_IN_NODE_POSTGRES}: use PGPASSFILE`,
  connect_timeout: `${NOT_IN_NODE_POSTGRES}: users-server waits 5 s for a connection`,
  client_encoding: `${NOT_IN_NODE_POSTGRES}: it always asks for UTF8`,
  keepalives: `${NOT_IN_NODE_POSTGRES}: users-server turns TCP keepalives on`,
  keepalives_idle: `${NOT_IN_NODE_POSTGRES}: users-server turns TCP keepalives on`,
  keepalives_interval: `${NOT_IN_NODE_POSTGRES}: users-server turns TCP keepalives on`,
  keepalives_count: `${NOT_IN_NODE_POSTGRES}: users-server turns TCP keepalives on`,
  replication: 'not for users-server: it needs an ordinary connection',
  statement_timeout: 'set by users-server itself (3 s)',
  query_timeout: 'set by users-server itself (4 s)',
  ssl: 'a node-postgres setting, not libpq\'s: use sslmode (require, verify-ca or verify-full)',
  uselibpqcompat: 'users-server always gives sslmode libpq\'s meaning',
  ...Object.fromEntries(
    [
      'hostaddr',
      'require_auth',
      'channel_binding',
      'tcp_user_timeout',
      'gssencmode',
      'requiressl',
      'sslcompression',
      'sslpassword',
      'sslcertmode',
      'sslcrl',
      'sslcrldir',
      'sslsni',
      'sslkeylogfile',
      'requirepeer',
      'ssl_min_protocol_version',
      'ssl_max_protocol_version',
      'min_protocol_version',
      'max_protocol_version',
      'krbsrvname',
      'gsslib',
      'gssdelegation',
      'service',
      'target_session_attrs',
      'load_balance_hosts',
      'scram_client_key',
      'scram_server_key',
      'oauth_issuer',
      'oauth_client_id',
      'oauth_client_secret',
      'oauth_scope',
    ].map((name) => [name, NOT_IN_NODE_POSTGRES]),
  ),
};

const KNOWN = [...HONOURED, ...Object.keys(REFUSED)];

/** Values node-postgres would pass on unchecked (a timeout it parses as NaN), or misread (several hosts). */
const VALUE_PROBLEMS: Record<string, (value: string) => string | undefined> = {
  host: (value) => (value.includes(',') ? 'several hosts: not supported by node-postgres: give one host' : undefined),
  sslnegotiation: (value) => (value === 'postgres' || value === 'direct' ? undefined : 'expected postgres or direct'),
  lock_timeout: wholeMilliseconds,
  idle_in_transaction_session_timeout: wholeMilliseconds,
};

function wholeMilliseconds(value: string): string | undefined {
  return /^\d{1,9}$/.test(value) ? undefined : 'expected a whole number of milliseconds';
}

/** Why a message does not name a parameter that follows ?password=. */
export const AFTER_PASSWORD = 'not shown, as it may be part of the password: percent-encode & in a password as %26';

/**
 * What is wrong with a URL's query parameters, in a phrase (`unknown parameter
 * "sslmod" (did you mean sslmode?)`), or undefined. Never shows a value that
 * may be secret: a password, or any name or value after ?password= (a piece of
 * a password holding an unencoded &).
 */
export function urlParameterProblem(params: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  let afterPassword = false;
  for (const [name, value] of params) {
    const problem = parameterProblem(name, value, seen);
    if (problem !== undefined) return afterPassword ? `${problem.kind} after password= (${AFTER_PASSWORD})` : problem.shown;
    if (name === 'password') afterPassword = true;
  }
  return undefined;
}

function parameterProblem(name: string, value: string, seen: Set<string>): { kind: string; shown: string } | undefined {
  if (seen.has(name)) return { kind: 'a parameter given twice', shown: `parameter ${quote(name)} is given twice` };
  seen.add(name);
  const refused = REFUSED[name];
  if (refused !== undefined) return { kind: 'a parameter users-server refuses', shown: `parameter ${quote(name)}: ${refused}` };
  if (!HONOURED.includes(name)) return { kind: 'an unknown parameter', shown: `unknown parameter ${quote(name)}${didYouMean(name, KNOWN)}` };
  const problem = VALUE_PROBLEMS[name]?.(value);
  return problem === undefined ? undefined : { kind: 'a bad value of a parameter', shown: `${name} ${quote(value)}: ${problem}` };
}

/** Whether the parameter `name` of `params` comes after ?password=: messages then do not show its value. */
export function followsPassword(params: URLSearchParams, name: string): boolean {
  const names = [...params.keys()];
  const password = names.indexOf('password');
  return password !== -1 && names.indexOf(name) > password;
}
