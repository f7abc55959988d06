import Fastify from 'fastify'
import items from './routes/items.js'
import { env } from './lib/env.js'

export function build() {
  const app = Fastify({ logger: { level: env.LOG_LEVEL } })
  app.get('/health', async () => ({ status: 'ok' }))
  app.register(items, { prefix: '/api' })
  return app
}
