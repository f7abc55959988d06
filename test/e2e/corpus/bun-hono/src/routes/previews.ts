import { Hono } from 'hono'
import { z } from 'zod'

const query = z.object({ url: z.string().url() })

export const previews = new Hono().get('/', async (c) => {
  const parsed = query.safeParse(c.req.query())
  if (!parsed.success) return c.json({ error: 'url must be an absolute URL' }, 400)
  const res = await fetch(parsed.data.url, { redirect: 'follow', signal: AbortSignal.timeout(5000) })
  const html = await res.text()
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() ?? null
  return c.json({ url: parsed.data.url, status: res.status, title })
})
