// What was chosen when this project was generated: the default port and the
// backing services that must answer before the app reports ready. To add a
// dependency, add a probe under src/probes/ and an entry here.
import type { Dependency } from './readiness.js';

export const serviceName = 'my-service';

export const defaultPort = 3000;

export const dependencies: readonly Dependency[] = [
  // None were chosen: /readyz answers ready as soon as the server listens.
];
