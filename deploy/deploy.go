// Package deploy holds what it takes to run smspark in production: the
// systemd unit (smspark.service), a sample configuration for
// /etc/smspark/smspark.yml (smspark.yml), Prometheus alert rules
// (alerts.yml, unit-tested by alerts_test.yml) and a Grafana dashboard
// (grafana-dashboard.json). README.md says how to install them. The files
// are embedded so that tests, and tools that ship them, read exactly what
// is in the repository.
package deploy

import (
	"embed"
	"io/fs"
)

//go:embed smspark.service smspark.yml alerts.yml alerts_test.yml grafana-dashboard.json README.md
var files embed.FS

// Files returns the deployment files, by their names in this directory
// (for example "alerts.yml"). It never fails; reading a name that is not
// there returns an error wrapping fs.ErrNotExist.
func Files() fs.FS { return files }
