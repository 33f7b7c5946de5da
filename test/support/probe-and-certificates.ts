import { makeTestCertificates, type TestCertificates } from './certificates';
import { requireServerBundle, requireTool } from './prerequisites';

/**
 * For a file of tests that start users-server over TLS and ask it with
 * grpc-health-probe: checks both are there, makes certificates before the
 * file's tests and removes them after. Read the fields inside tests.
 */
export function useProbeAndCertificates(): { readonly probe: string; readonly certs: TestCertificates } {
  const fixture = {} as { probe: string; certs: TestCertificates };
  beforeAll(() => {
    requireServerBundle();
    fixture.probe = requireTool('grpc-health-probe');
    fixture.certs = makeTestCertificates();
  });
  afterAll(() => fixture.certs.cleanup());
  return fixture;
}
