// Command server runs inventory. What was chosen when the project was generated
// is wired here: the default port and the backing services that must answer
// before the service reports ready. To add a dependency, add a probe under
// internal/probes and an entry below; the service itself is internal/server.
package main

import (
	"os"
	// The runtime image is empty (FROM scratch): embed the time zone database
	// so time.LoadLocation and TZ work there too (about 450 KB).
	_ "time/tzdata"

	"inventory/internal/probes"
	"inventory/internal/server"
)

var service = server.Service{
	Name:         "inventory",
	DefaultPort:  8080,
	Dependencies: dependencies,
}

// The backing services that must answer before the service reports ready.
var dependencies = []server.Dependency{
	{
		Name:    "postgres",
		Env:     "DATABASE_URL",
		Schemes: probes.PostgresSchemes,
		Probe:   probes.Postgres,
	},
}

func main() {
	os.Exit(server.Main(service, os.Args[1:]))
}
