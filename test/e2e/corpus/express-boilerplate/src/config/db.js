const { Pool } = require('pg');
const config = require('./config');

// The pool connects on the first query, so the API starts before the database is reachable.
const pool = new Pool({ connectionString: config.postgres.url, max: 10 });

pool.on('error', (err) => console.error('idle client error', err.message));

module.exports = pool;
