import { log } from '@acme/logger'
import { Redis } from 'ioredis'
import { createServer } from './server.js'

const port = Number(process.env.PORT) || 3001
// Connects on the first command: the API starts (and reports status) before Redis is up.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://localhost:6379', { lazyConnect: true, maxRetriesPerRequest: 2 })
redis.on('error', (err) => log.warn('redis', { error: err.message }))

const server = createServer(redis).listen(port, () => {
  log.info(`api running on ${port}`)
})

process.on('SIGTERM', () => {
  server.close(() => {
    redis.disconnect()
    process.exit(0)
  })
})
