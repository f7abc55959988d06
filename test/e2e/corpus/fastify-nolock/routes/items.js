import { pool } from '../lib/db.js'

export default async function items(fastify) {
  fastify.get('/items', async () => {
    const { rows } = await pool.query('SELECT sku, name, quantity FROM items ORDER BY sku')
    return { items: rows }
  })

  fastify.get('/items/:sku', async (request, reply) => {
    const { rows } = await pool.query('SELECT sku, name, quantity FROM items WHERE sku = $1', [request.params.sku])
    if (rows.length === 0) return reply.code(404).send({ error: 'not found' })
    return rows[0]
  })
}
