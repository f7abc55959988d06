// The module path prefixes the import path of the packages below (inventory/internal/...).
// Publishing the module? Rename it to its repository path (github.com/you/inventory) with
// `go mod edit -module`, and update the imports in cmd/server/main.go.
module inventory

go 1.26.0
