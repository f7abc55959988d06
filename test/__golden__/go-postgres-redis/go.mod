// The module path prefixes the import path of the packages below (orders-api/internal/...).
// Publishing the module? Rename it to its repository path (github.com/you/orders-api) with
// `go mod edit -module`, and update the imports in cmd/server/main.go.
module orders-api

go 1.26.0
