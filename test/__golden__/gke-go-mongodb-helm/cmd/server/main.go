// Command server runs catalog. What was chosen when the project was generated
// is wired here: the default port and the backing services that must answer
// before the service reports ready. To add a dependency, add a probe under
// internal/probes and an entry below; the service itself is internal/server.
package main

import (
	"os"
	// The runtime image is empty (FROM scratch): embed the time zone database
	// so time.LoadLocation and TZ work there too (about 450 KB).
	_ "time/tzdata"

	"catalog/internal/probes"
	"catalog/internal/server"
)

var service = server.Service{
	Name:         "catalog",
	DefaultPort:  9090,
	Dependencies: dependencies,
}

// The backing services that must answer before the service reports ready.
var dependencies = []server.Dependency{
	{
		Name:    "mongodb",
		Env:     "DATABASE_URL",
		Schemes: probes.MongoDBSchemes,
		Probe:   probes.MongoDB,
	},
}

func main() {
	os.Exit(server.Main(service, os.Args[1:]))
}
