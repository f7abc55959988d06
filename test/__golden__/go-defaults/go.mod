// The module path prefixes the import path of the packages below (my-service/internal/...).
// Publishing the module? Rename it to its repository path (github.com/you/my-service) with
// `go mod edit -module`, and update the imports in cmd/server/main.go.
module my-service

go 1.26.0
