require "sequel"

# Sequel connects lazily: the first query opens the connection.
DB = Sequel.connect(ENV.fetch("DATABASE_URL", "postgres://localhost/links_development"), max_connections: 5, test: false)
