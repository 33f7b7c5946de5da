import { createServer, type IncomingMessage, type Server } from 'node:http';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** A span as an OTLP/HTTP exporter sent it, decoded. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

export interface OtlpReceiver {
  /** http://127.0.0.1:PORT, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests received, e.g. application/x-protobuf. */
  contentTypes: string[];
  /** While set, every export is answered with this HTTP status (e.g. 400) and its spans are not kept. */
  refuseWith: number | undefined;
  close(): Promise<void>;
}

/**
 * A real OTLP/HTTP trace receiver on 127.0.0.1 (a port the OS chooses): it
 * takes POST /v1/traces in protobuf (application/x-protobuf) or JSON, as an
 * OpenTelemetry collector would, and keeps the spans it decoded.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  // eslint-disable-next-line prefer-const -- assigned once the server listens; the handler reads it later
  let receiver: OtlpReceiver;
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      if (receiver.refuseWith !== undefined) {
        response.writeHead(receiver.refuseWith).end();
        return;
      }
      const type = request.headers['content-type'] ?? '';
      contentTypes.push(type);
      if (type.startsWith('application/json')) {
        spans.push(...decodeJson(JSON.parse(body.toString('utf8'))));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        spans.push(...decodeProtobuf(new Uint8Array(body)));
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  receiver = {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    refuseWith: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// --- OTLP/JSON (opentelemetry-proto's JSON mapping; ids in hex) ---

interface JsonValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface JsonKeyValue {
  key: string;
  value: JsonValue;
}

function decodeJson(request: {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: JsonKeyValue[]; status?: { code?: number; message?: string } }> }>;
  }>;
}): ReceivedSpan[] {
  const attributesOf = (list: JsonKeyValue[] = []) =>
    Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? ''))]));
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
        status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
      })),
    );
  });
}

// --- OTLP/protobuf: ExportTraceServiceRequest, only the fields asserted on ---

/** Calls `onField` for each field of a message; it must consume the field or return false to skip it. */
function fields(bytes: Uint8Array, onField: (no: number, reader: BinaryReader) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (!onField(no, reader)) reader.skip(wireType as WireType, no);
  }
}

function decodeProtobuf(bytes: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  fields(bytes, (no, reader) => {
    if (no !== 1) return false; // resource_spans
    let service = '';
    const resourceSpans = reader.bytes();
    fields(resourceSpans, (no2, r2) => {
      if (no2 === 1) {
        // resource { attributes }
        fields(r2.bytes(), (no3, r3) => {
          if (no3 !== 1) return false;
          const [key, value] = keyValue(r3.bytes());
          if (key === 'service.name') service = String(value);
          return true;
        });
        return true;
      }
      if (no2 === 2) {
        // scope_spans { spans = 2 }
        fields(r2.bytes(), (no3, r3) => {
          if (no3 !== 2) return false;
          spans.push({ service, ...span(r3.bytes()) });
          return true;
        });
        return true;
      }
      return false;
    });
    return true;
  });
  return spans;
}

function span(bytes: Uint8Array): Omit<ReceivedSpan, 'service'> {
  const result: Omit<ReceivedSpan, 'service'> = { traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0, attributes: {}, status: { code: 0, message: '' } };
  fields(bytes, (no, reader) => {
    switch (no) {
      case 1:
        result.traceId = hex(reader.bytes());
        return true;
      case 2:
        result.spanId = hex(reader.bytes());
        return true;
      case 4:
        result.parentSpanId = hex(reader.bytes());
        return true;
      case 5:
        result.name = reader.string();
        return true;
      case 6:
        result.kind = reader.int32();
        return true;
      case 9: {
        const [key, value] = keyValue(reader.bytes());
        result.attributes[key] = value;
        return true;
      }
      case 15:
        fields(reader.bytes(), (no2, r2) => {
          if (no2 === 2) result.status.message = r2.string();
          else if (no2 === 3) result.status.code = r2.int32();
          else return false;
          return true;
        });
        return true;
      default:
        return false;
    }
  });
  return result;
}

function keyValue(bytes: Uint8Array): [string, string | number | boolean] {
  let key = '';
  let value: string | number | boolean = '';
  fields(bytes, (no, reader) => {
    if (no === 1) key = reader.string();
    else if (no === 2) {
      // AnyValue: string 1, bool 2, int 3, double 4
      fields(reader.bytes(), (no2, r2) => {
        if (no2 === 1) value = r2.string();
        else if (no2 === 2) value = r2.bool();
        else if (no2 === 3) value = Number(r2.int64());
        else if (no2 === 4) value = r2.double();
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return [key, value];
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
