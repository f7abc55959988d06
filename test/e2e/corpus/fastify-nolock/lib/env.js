import { cleanEnv, host, port, str } from 'envalid'

export const env = cleanEnv(process.env, {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
  HOST: host({ default: '127.0.0.1' }),
  PORT: port({ default: 8080 }),
  LOG_LEVEL: str({ default: 'info' }),
  SESSION_SECRET: str({ desc: 'Signs the session cookie' }),
  DB_HOST: str({ default: 'localhost' }),
  DB_PORT: port({ default: 5432 }),
  DB_USER: str({ default: 'inventory' }),
  DB_PASSWORD: str(),
  DB_NAME: str({ default: 'inventory' }),
})
