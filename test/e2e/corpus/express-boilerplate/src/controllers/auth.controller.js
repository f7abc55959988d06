const jwt = require('jsonwebtoken');
const config = require('../config/config');
const db = require('../config/db');

const login = async (req, res, next) => {
  try {
    const { email } = req.body;
    const { rows } = await db.query('SELECT id, email FROM users WHERE email = $1', [email]);
    if (rows.length === 0) return res.status(401).json({ code: 401, message: 'Incorrect email or password' });
    const token = jwt.sign({ sub: rows[0].id }, config.jwt.secret, { expiresIn: `${config.jwt.accessExpirationMinutes}m` });
    return res.json({ user: rows[0], tokens: { access: token } });
  } catch (err) {
    return next(err);
  }
};

module.exports = { login };
