import { connect } from 'node:http2';

export interface RawAnswer {
  /** grpc-status, as a number; undefined when the server answered without one. */
  grpcStatus?: number;
  grpcMessage?: string;
  /** The response body: length-prefixed messages, as sent. */
  body: Buffer;
}

/** A gRPC frame: compressed flag, 4-byte big-endian length, the message bytes. */
export function grpcFrame(message: Buffer, options: { compressed?: boolean; declaredLength?: number } = {}): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(options.compressed ? 1 : 0, 0);
  header.writeUInt32BE(options.declaredLength ?? message.length, 1);
  return Buffer.concat([header, message]);
}

/**
 * One unary gRPC call over a bare HTTP/2 connection, with exactly the bytes
 * given: what a hostile client sends, not what a gRPC library would let it.
 */
export async function rawGrpcCall(port: number, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { httpStatus: _status, ...answer } = await rawHttp2Request(port, path, body, { 'content-type': 'application/grpc', te: 'trailers', ...headers });
  return answer;
}

/** One POST over a bare HTTP/2 connection, with exactly these headers (no gRPC ones added): the answer and its HTTP status. */
export function rawHttp2Request(port: number, path: string, body: Buffer, headers: Record<string, string>): Promise<RawAnswer & { httpStatus?: number }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
    const chunks: Buffer[] = [];
    let httpStatus: number | undefined;
    let status: { grpcStatus?: number; grpcMessage?: string } = {};
    const readStatus = (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) {
        status = { grpcStatus: Number(h['grpc-status']), grpcMessage: decodeURIComponent(String(h['grpc-message'] ?? '')) };
      }
    };
    stream.on('response', (h) => {
      httpStatus = Number(h[':status']);
      readStatus(h);
    });
    stream.on('trailers', readStatus);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => {});
    stream.on('close', () => {
      session.close();
      resolve({ httpStatus, ...status, body: Buffer.concat(chunks) });
    });
    stream.end(body);
  });
}
