// The module path prefixes the import path of the packages below (billing/internal/...).
// Publishing the module? Rename it to its repository path (github.com/you/billing) with
// `go mod edit -module`, and update the imports in cmd/server/main.go.
module billing

go 1.25.0
