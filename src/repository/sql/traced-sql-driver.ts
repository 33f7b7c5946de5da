import type { Tracing } from '../../shared/tracing';
import type { SqlDriver, SqlSession } from './sql-driver';

/**
 * A driver whose every statement is a span, child of the call being served
 * (tracing on only). Statements are parameterised, so their text carries no
 * user data and goes on the span as db.query.text.
 */
export function tracedSqlDriver(driver: SqlDriver, tracing: Pick<Tracing, 'inSpan'>): SqlDriver {
  const traced = (session: SqlSession): SqlSession => ({
    query: (sql, params) => tracing.inSpan(operationName(sql), attributes(sql), () => session.query(sql, params)),
    exec: (sql) => tracing.inSpan(operationName(sql), attributes(sql), () => session.exec(sql)),
  });
  const outside = traced(driver);
  return {
    query: outside.query,
    exec: outside.exec,
    transaction: (work, options) => tracing.inSpan('transaction', { 'db.system.name': 'postgresql' }, () => driver.transaction((session) => work(traced(session)), options)),
    queryOnNewConnection: (sql) => tracing.inSpan(operationName(sql), attributes(sql), () => driver.queryOnNewConnection(sql)),
    isUnavailable: (error) => driver.isUnavailable(error),
    isConnectionLost: (error) => driver.isConnectionLost(error),
    description: driver.description,
    close: () => driver.close(),
  };
}

/** The statement's first keyword: SELECT, INSERT, WITH... */
function operationName(sql: string): string {
  return /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
}

function attributes(sql: string): Record<string, string> {
  return { 'db.system.name': 'postgresql', 'db.operation.name': operationName(sql), 'db.query.text': sql };
}
