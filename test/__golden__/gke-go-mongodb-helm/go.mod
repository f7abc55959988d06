// The module path prefixes the import path of the packages below (catalog/internal/...).
// Publishing the module? Rename it to its repository path (github.com/you/catalog) with
// `go mod edit -module`, and update the imports in cmd/server/main.go.
module catalog

go 1.26.0
