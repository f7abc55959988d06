const express = require('express');
const auth = require('./auth.route');
const users = require('./user.route');

const router = express.Router();

router.use('/auth', auth);
router.use('/users', users);

module.exports = router;
