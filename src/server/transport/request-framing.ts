import { constants as http2Constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer } from 'node:net';
import { Status } from 'nice-grpc';
import type { Rejection } from './rejected-requests';

/** The content types of gRPC's protobuf encoding; grpc-js would read any application/grpc* (a JSON body too) as protobuf. */
const PROTOBUF_CONTENT_TYPE = /^application\/grpc(\+proto)?(;|$)/i;

/**
 * Refuses what grpc-js takes as it comes though gRPC forbids it, as the Go
 * service does: a content type of another encoding (application/grpc+json:
 * grpc-js would decode JSON as protobuf), a message flag that is neither 0
 * (plain) nor 1 (compressed), and a message flagged compressed on a call that
 * names no compression (grpc-js would read it as plain). The call is answered
 * with its status at once and its stream closed, so that grpc-js, which
 * checks for a closed stream before it answers, leaves it. `servers` are
 * grpc-js's HTTP/2 servers (http2-servers.ts).
 */
export function checkRequestFraming(servers: NetServer[], onRejected: (rejection: Rejection) => void): void {
  for (const server of servers) {
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      const method = String(headers[':path']);
      const contentType = String(headers['content-type'] ?? '');
      // Not application/grpc at all: grpc-js has answered 415 already.
      if (stream.headersSent || !contentType.toLowerCase().startsWith('application/grpc')) return;
      if (!PROTOBUF_CONTENT_TYPE.test(contentType)) {
        const details = `content-type ${contentType} is not served: use application/grpc (protobuf)`;
        refuse(stream, Status.UNIMPLEMENTED, details);
        onRejected({ reason: 'unsupported_content_type', method, grpcCode: Status[Status.UNIMPLEMENTED], details });
        return;
      }
      const encoding = String(headers['grpc-encoding'] ?? 'identity').toLowerCase();
      // Before grpc-js reads the chunk: the first byte is the first message's flag.
      const onData = (chunk: Buffer) => {
        stream.off('data', onData);
        const flag = chunk[0];
        const details =
          flag > 1
            ? `the request's gRPC message flag is ${flag}: 0 (plain) or 1 (compressed)`
            : flag === 1 && encoding === 'identity'
              ? 'the request message is flagged compressed, but the call names no grpc-encoding'
              : undefined;
        if (details === undefined) return;
        refuse(stream, Status.INVALID_ARGUMENT, details);
        onRejected({ reason: 'malformed', method, grpcCode: Status[Status.INVALID_ARGUMENT], details });
      };
      stream.prependListener('data', onData);
    });
  }
}

/** A trailers-only answer with `grpcStatus`, then the stream closed (NO_ERROR): the client stops sending, grpc-js sees it closed. */
function refuse(stream: ServerHttp2Stream, grpcStatus: Status, details: string): void {
  if (!stream.headersSent) {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(grpcStatus), 'grpc-message': encodeURI(details) }, { endStream: true });
  }
  stream.close(http2Constants.NGHTTP2_NO_ERROR);
}
