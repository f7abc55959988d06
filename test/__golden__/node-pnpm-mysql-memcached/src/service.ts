// What was chosen when this project was generated: the default port and the
// backing services that must answer before the app reports ready. To add a
// dependency, add a probe under src/probes/ and an entry here.
import type { Dependency } from './readiness.js';
import * as mysql from './probes/mysql.js';
import * as memcached from './probes/memcached.js';

export const serviceName = 'billing';

export const defaultPort = 8080;

export const dependencies: readonly Dependency[] = [
  { name: 'mysql', env: 'DATABASE_URL', schemes: mysql.schemes, probe: mysql.probe },
  { name: 'memcached', env: 'CACHE_URL', schemes: memcached.schemes, probe: memcached.probe },
];
