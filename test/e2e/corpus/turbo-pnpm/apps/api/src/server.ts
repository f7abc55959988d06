import express, { type Express } from 'express'
import { Redis } from 'ioredis'

export function createServer(redis: Redis): Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(express.json())

  app.get('/status', (_req, res) => {
    res.json({ ok: true })
  })

  app.get('/message/:name', (req, res) => {
    res.json({ message: `hello ${req.params.name}` })
  })

  app.post('/visits', async (_req, res, next) => {
    try {
      res.json({ visits: await redis.incr('visits') })
    } catch (err) {
      next(err)
    }
  })

  return app
}
