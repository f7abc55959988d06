const notFound = (_req, res) => res.status(404).json({ code: 404, message: 'Not found' });

// eslint-disable-next-line no-unused-vars
const errorHandler = (err, _req, res, _next) => {
  console.error(err.message);
  res.status(500).json({ code: 500, message: 'Internal Server Error' });
};

module.exports = { notFound, errorHandler };
