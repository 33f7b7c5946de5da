import { HealthState } from 'nice-grpc-server-health';
import { UserServiceDefinition } from '../../gen/user/user';

// "" is the whole server, as grpc-health-probe and Kubernetes ask by default.
const HEALTH_SERVICES = ['', UserServiceDefinition.fullName];

/** Serving status of the server and of user.UserService, moved together. */
export class ServingHealth {
  readonly state = HealthState();

  serving(): void {
    for (const service of HEALTH_SERVICES) this.state.setStatus('healthy', service);
  }

  notServing(): void {
    for (const service of HEALTH_SERVICES) this.state.setStatus('unhealthy', service);
  }
}
