import { createServer } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, type HealthState } from 'nice-grpc-server-health';

export interface HealthListener {
  port: number;
  close(): void;
}

/**
 * A plaintext listener with grpc.health.v1 only, sharing the main server's
 * health state: kubelet's native gRPC probes cannot speak TLS, and this spares
 * an exec probe (a node process per probe) when the main port is TLS-only.
 */
export async function startHealthListener(address: string, state: HealthState): Promise<HealthListener> {
  const server = createServer();
  server.add(HealthDefinition, HealthServiceImpl(state));
  const port = await server.listen(address);
  return {
    port,
    // Last to stop, after the main server: probes see NOT_SERVING until the end. Cuts Watch streams.
    close: () => server.forceShutdown(),
  };
}
