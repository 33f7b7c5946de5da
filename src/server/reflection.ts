import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { descriptorSetBase64 } from '../../gen/descriptor_set';

const descriptorSet = Buffer.from(descriptorSetBase64, 'base64');

export { ServerReflectionService };

/** grpc.reflection.v1 for the given services, from the descriptor set embedded at build time. */
export function reflectionService(serviceNames: string[]) {
  return ServerReflection(descriptorSet, serviceNames);
}
