// The module path prefixes the import path of the packages below (ledger/internal/...).
// Publishing the module? Rename it to its repository path (github.com/you/ledger) with
// `go mod edit -module`, and update the imports in cmd/server/main.go.
module ledger

go 1.26.0
