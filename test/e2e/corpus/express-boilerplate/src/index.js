const app = require('./app');
const config = require('./config/config');
const db = require('./config/db');

const server = app.listen(config.port, () => {
  console.log(`Listening to port ${config.port}`);
});

const shutdown = (signal) => {
  console.log(`${signal} received, closing the server`);
  server.close(() => db.end().finally(() => process.exit(0)));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

process.on('unhandledRejection', (error) => {
  console.error(error);
  process.exit(1);
});
