import { Hono } from 'hono'
import { logger } from 'hono/logger'
import { previews } from './routes/previews'

const app = new Hono()

app.use(logger())
app.get('/', (c) => c.text('link-preview: GET /previews?url=https://example.com'))
app.get('/health', (c) => c.json({ status: 'ok' }))
app.route('/previews', previews)

// Bun serves the default export: its port comes from PORT (3000 when unset).
export default app
