// What was chosen when this project was generated: the default port and the
// backing services that must answer before the app reports ready. To add a
// dependency, add a probe under src/probes/ and an entry here.
import type { Dependency } from './readiness.js';
import * as mysql from './probes/mysql.js';

export const serviceName = 'ledger';

export const defaultPort = 3000;

export const dependencies: readonly Dependency[] = [
  { name: 'mariadb', env: 'DATABASE_URL', schemes: mysql.schemes, probe: mysql.probe },
];
