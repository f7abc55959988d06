// What was chosen when this project was generated: the default port and the
// backing services that must answer before the app reports ready. To add a
// dependency, add a probe under src/probes/ and an entry here.
import type { Dependency } from './readiness.js';
import * as mongodb from './probes/mongodb.js';
import * as redis from './probes/redis.js';

export const serviceName = 'catalog';

export const defaultPort = 3000;

export const dependencies: readonly Dependency[] = [
  { name: 'mongodb', env: 'DATABASE_URL', schemes: mongodb.schemes, probe: mongodb.probe },
  { name: 'valkey', env: 'CACHE_URL', schemes: redis.schemes, probe: redis.probe },
];
