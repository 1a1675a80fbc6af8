package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
)

// Set at build time: make build passes -ldflags "-X main.version=...
// -X main.commit=... -X main.buildTime=..." from git. When the go command
// stamped the binary with its VCS (vcs.revision, vcs.time), those win for
// commit and build time.
var (
	version   = "dev"
	commit    = ""
	buildTime = ""
)

// build describes this binary.
type build struct {
	Version   string // release version, "dev" without one
	Commit    string // VCS revision, "unknown" without one
	Modified  bool   // built from a work tree with uncommitted changes
	Time      string // build time (RFC 3339; the commit's time when the go command stamped it), "unknown" without one
	GoVersion string // the Go toolchain that built it
}

// thisBuild reads the binary's build info.
func thisBuild() build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return describeBuild(bi, version, commit, buildTime)
}

// describeBuild merges the build info (nil when absent) with the values set
// by -ldflags.
func describeBuild(bi *debug.BuildInfo, ver, rev, at string) build {
	b := build{Version: ver, Commit: rev, Time: at, GoVersion: runtime.Version()}
	if bi != nil {
		if bi.GoVersion != "" {
			b.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; b.Version == "dev" && v != "" && v != "(devel)" {
			b.Version = v // go install smspark/cmd/smspark@v1.2.3
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if strings.HasSuffix(b.Commit, "-dirty") {
		b.Commit, b.Modified = strings.TrimSuffix(b.Commit, "-dirty"), true
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Time == "" {
		b.Time = "unknown"
	}
	return b
}

// write prints the build, one "key value" line each.
func (b build) write(w io.Writer) error {
	rev := b.Commit
	if b.Modified {
		rev += " (modified)"
	}
	_, err := fmt.Fprintf(w, "smspark %s\ncommit   %s\nbuilt    %s\ngo       %s\nplatform %s/%s\n",
		b.Version, rev, b.Time, b.GoVersion, runtime.GOOS, runtime.GOARCH)
	return err
}

// register adds smspark_build_info{version,revision,goversion} = 1.
func (b build) register(reg prometheus.Registerer) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "smspark_build_info",
		Help: "Always 1; the labels say which smspark build runs (version, VCS revision, Go version).",
	}, []string{"version", "revision", "goversion"})
	g.WithLabelValues(b.Version, b.Commit, b.GoVersion).Set(1)
	reg.MustRegister(g)
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build time and Go version",
		Long: `Print to stdout the release version, the commit the binary was built
from (marked "(modified)" when the work tree had changes), the commit's
time, the Go toolchain and the platform. smspark --version prints the same.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return thisBuild().write(cmd.OutOrStdout())
		},
	}
}

// setVersion makes --version print what the version command prints.
func setVersion(root *cobra.Command) {
	var sb strings.Builder
	b := thisBuild()
	_ = b.write(&sb)
	root.Version = b.Version
	root.SetVersionTemplate(strings.ReplaceAll(sb.String(), "{{", "{{`{{`}}"))
}
