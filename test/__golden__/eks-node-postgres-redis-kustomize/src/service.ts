// What was chosen when this project was generated: the default port and the
// backing services that must answer before the app reports ready. To add a
// dependency, add a probe under src/probes/ and an entry here.
import type { Dependency } from './readiness.js';
import * as postgres from './probes/postgres.js';
import * as redis from './probes/redis.js';

export const serviceName = 'storefront';

export const defaultPort = 3000;

export const dependencies: readonly Dependency[] = [
  { name: 'postgres', env: 'DATABASE_URL', schemes: postgres.schemes, probe: postgres.probe },
  { name: 'redis', env: 'CACHE_URL', schemes: redis.schemes, probe: redis.probe },
];
