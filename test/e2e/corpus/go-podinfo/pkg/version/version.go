package version

// VERSION is set at build time with -ldflags "-X github.com/acme/kiosk/v2/pkg/version.VERSION=...".
var VERSION = "2.3.1"
