// Before grpc-js loads: see the file.
import './fast-ip-check';
import { StatusError } from './cli-error';
import type { CommandContext, RemoteCommand } from './command';
import { COMMANDS } from './commands';
import { openConnection, type Connection } from './connection';
import { loadYaml } from './load-yaml';
import { Output, type TextSink, type YamlStringify } from './output';
import { EXIT, reportError } from './report-error';
import type { ConnectionConfig, Settings } from './settings';
import { flushTracing } from './tracing-middleware';

// The part of users-cli that calls the server. The bundle builds it into its
// own file (dist/users-cli-remote.js), loaded only by commands that call the
// server: `version`, `help` and completion never load gRPC or TLS code.
// Errors raised here are reported here, so that no error class crosses files.

export interface RemoteIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Opens the connection to the server; tests may substitute their own. */
  connect?: (config: ConnectionConfig) => Connection;
}

/** Runs a command that calls the server, with its validated input; resolves to the exit code. */
export async function runRemote(io: RemoteIo, name: string, input: unknown, settings: Settings, context: CommandContext): Promise<number> {
  const command = COMMANDS.find((candidate) => candidate.name === name) as RemoteCommand<unknown>;
  try {
    const yaml: YamlStringify | undefined = settings.output.format === 'yaml' ? loadYaml().stringify : undefined;
    const output = new Output(settings.output, io.stdout, yaml);
    const connection = (io.connect ?? openConnection)(settings.connection);
    try {
      return (await command.run(connection, output, input, context)) ?? EXIT.ok;
    } catch (error) {
      throw error instanceof StatusError && command.fieldFlags ? error.withFieldNames(command.fieldFlags) : error;
    } finally {
      connection.close();
      // Spans go before the exit, when tracing is on: a collector that is down
      // costs at most OTEL_EXPORTER_OTLP_TIMEOUT, and no error.
      await flushTracing().catch(() => undefined);
    }
  } catch (error) {
    return reportError(io.stderr, error, settings.output.verbose);
  }
}
