const db = require('../config/db');

const listUsers = async (_req, res, next) => {
  try {
    const { rows } = await db.query('SELECT id, email, name FROM users ORDER BY id LIMIT 100');
    res.json({ results: rows });
  } catch (err) {
    next(err);
  }
};

module.exports = { listUsers };
