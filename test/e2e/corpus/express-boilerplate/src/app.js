const express = require('express');
const routes = require('./routes/v1');
const { notFound, errorHandler } = require('./middlewares/error');

const app = express();

app.disable('x-powered-by');
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

app.use('/v1', routes);

app.use(notFound);
app.use(errorHandler);

module.exports = app;
