import { once } from 'node:events';
import { connect } from 'node:net';

/** An HTTP/2 frame as sent on the wire: 9-byte header, then the payload. */
function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

const SETTINGS = 0x4;
const HEADERS = 0x1;
const GOAWAY = 0x7;
const ACK = 0x1;
const END_HEADERS = 0x4;

/** HPACK: :method POST, :scheme http, then :path, :authority and content-type as literals (static table names). */
function requestHeaderBlock(path: string): Buffer {
  const literal = (nameIndex: number, value: string) => Buffer.concat([Buffer.from([0x40 | nameIndex, value.length]), Buffer.from(value)]);
  return Buffer.concat([Buffer.from([0x83, 0x86]), literal(4, path), literal(1, '127.0.0.1'), literal(31, 'application/grpc')]);
}

/**
 * A client no HTTP/2 library would be: it acknowledges the server's SETTINGS,
 * then opens `streams` streams on `path` at once (headers only, no message),
 * whatever SETTINGS_MAX_CONCURRENT_STREAMS said. Resolves with the GOAWAY
 * error code the server closed the connection with, if any.
 */
export async function openStreamsIgnoringTheLimit(port: number, path: string, streams: number): Promise<{ goawayCode?: number }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(SETTINGS, 0, 0)]));
  let received: Buffer = Buffer.alloc(0);
  let goawayCode: number | undefined;
  let opened = false;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    while (received.length >= 9 && received.length >= 9 + received.readUIntBE(0, 3)) {
      const length = received.readUIntBE(0, 3);
      const [type, flags] = [received[3], received[4]];
      if (type === GOAWAY) goawayCode = received.readUInt32BE(9 + 4);
      // Our SETTINGS acknowledged: the server's are in force once we acknowledge them, which comes first.
      if (type === SETTINGS && !(flags & ACK)) socket.write(frame(SETTINGS, ACK, 0));
      if (type === SETTINGS && flags & ACK && !opened) {
        opened = true;
        socket.write(Buffer.concat(Array.from({ length: streams }, (_, i) => frame(HEADERS, END_HEADERS, 2 * i + 1, requestHeaderBlock(path)))));
      }
      received = received.subarray(9 + length);
    }
  });
  socket.on('error', () => {});
  await once(socket, 'close');
  return { goawayCode };
}
