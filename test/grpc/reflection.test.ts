import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { createClient } from 'nice-grpc';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import {
  ServerReflectionRequest,
  type ServerReflectionResponse,
} from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb';
import { clientErrorOf } from '../support/client-errors';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

async function* one(request: ServerReflectionRequest) {
  yield request;
}

async function reflect(env: InProcessServer, request: ServerReflectionRequest): Promise<ServerReflectionResponse> {
  const client = createClient(ServerReflectionService, env.channel);
  for await (const response of client.serverReflectionInfo(one(request))) return response;
  throw new Error('no reflection response');
}

describe('with reflection (the default)', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    env = await startInProcessServer();
  });
  afterAll(() => env.stop());

  test('grpc.reflection.v1 lists the user and health services', async () => {
    const response = await reflect(env, new ServerReflectionRequest().setListServices('*'));
    const names = response.getListServicesResponse()!.getServiceList().map((s) => s.getName());
    expect(names.sort()).toEqual(['grpc.health.v1.Health', 'user.UserService']);
  });

  test('answers the file that defines user.UserService', async () => {
    const response = await reflect(env, new ServerReflectionRequest().setFileContainingSymbol('user.UserService'));
    expect(response.getErrorResponse()).toBeUndefined();
    const files = response.getFileDescriptorResponse()!.getFileDescriptorProtoList_asU8().map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
    // The file itself first; nothing else, as user.proto imports nothing.
    expect(files.map((file) => file.name)).toEqual(['user/user.proto']);
    expect(files[0].service.map((service) => service.name)).toEqual(['UserService']);
  });

  test('an unknown symbol is a NOT_FOUND error response', async () => {
    const response = await reflect(env, new ServerReflectionRequest().setFileContainingSymbol('user.Nope'));
    expect(response.getErrorResponse()?.getErrorCode()).toBe(5);
  });
});

test('--reflection=false: the reflection service is not there (UNIMPLEMENTED)', async () => {
  const env = await startInProcessServer({ reflection: false });
  try {
    const error = await clientErrorOf(reflect(env, new ServerReflectionRequest().setListServices('*')));
    expect(error).toEqual({ code: 'UNIMPLEMENTED', details: 'The server does not implement the method /grpc.reflection.v1.ServerReflection/ServerReflectionInfo' });
    // The other services still answer.
    expect((await env.client.list({})).users).toEqual([]);
  } finally {
    await env.stop();
  }
});
