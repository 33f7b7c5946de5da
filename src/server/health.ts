import { HealthState } from 'nice-grpc-server-health';
import { UserServiceDefinition } from '../../gen/user/user';

// "" is the whole server, as grpc-health-probe and Kubernetes ask by default.
const SERVER = '';
const USER_SERVICE = UserServiceDefinition.fullName;

/**
 * Serving status of the server ("") and of user.UserService. They move
 * together at start and at shutdown; while the database is down only
 * user.UserService is NOT_SERVING, so that a liveness probe on "" does not
 * restart a pod that would recover by itself.
 */
export class ServingHealth {
  readonly state = HealthState();
  private started = false;
  private stopping = false;
  private databaseAvailable = true;

  serving(): void {
    this.started = true;
    this.state.setStatus('healthy', SERVER);
    this.state.setStatus(this.databaseAvailable ? 'healthy' : 'unhealthy', USER_SERVICE);
  }

  notServing(): void {
    this.stopping = true;
    this.state.setStatus('unhealthy', SERVER);
    this.state.setStatus('unhealthy', USER_SERVICE);
  }

  /** The database stopped or started answering. */
  database(available: boolean): void {
    this.databaseAvailable = available;
    if (this.started && !this.stopping) this.state.setStatus(available ? 'healthy' : 'unhealthy', USER_SERVICE);
  }
}
