package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"smspark/config"
)

func TestDescribeBuild(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.11", Main: debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abc"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	installed := &debug.BuildInfo{GoVersion: "go1.26.11", Main: debug.Module{Version: "v1.4.0"}}
	for _, tc := range []struct {
		name         string
		bi           *debug.BuildInfo
		ver, rev, at string
		want         build
	}{
		{"nothing known", nil, "dev", "", "", build{Version: "dev", Commit: "unknown", Time: "unknown", GoVersion: runtime.Version()}},
		{"make build", &debug.BuildInfo{GoVersion: "go1.26.11", Main: debug.Module{Version: "(devel)"}},
			"v1.3.0-2-gabc", "abcdef-dirty", "2026-12-04T15:00:00Z",
			build{Version: "v1.3.0-2-gabc", Commit: "abcdef", Modified: true, Time: "2026-12-04T15:00:00Z", GoVersion: "go1.26.11"}},
		{"stamped by the go command", stamped, "dev", "", "",
			build{Version: "dev", Commit: "0123abc", Modified: true, Time: "2026-12-01T10:00:00Z", GoVersion: "go1.26.11"}},
		{"go install @version", installed, "dev", "", "",
			build{Version: "v1.4.0", Commit: "unknown", Time: "unknown", GoVersion: "go1.26.11"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describeBuild(tc.bi, tc.ver, tc.rev, tc.at); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// smspark version and smspark --version print the same, on stdout.
func TestVersionCommandStdout(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		root := NewRootCommand()
		var out, errOut bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errOut)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if errOut.Len() != 0 {
			t.Errorf("%v wrote to stderr: %q", args, errOut.String())
		}
		for _, want := range []string{"smspark dev\n", "commit   ", "built    ", "go       " + runtime.Version() + "\n",
			"platform " + runtime.GOOS + "/" + runtime.GOARCH} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: %q lacks %q", args, out.String(), want)
			}
		}
	}
}

// A binary built as make build builds it says what it was built from.
func TestVersionOfABuiltBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "smspark")
	ld := "-X main.version=v9.8.7 -X main.commit=feedc0de -X main.buildTime=2026-12-04T15:00:00Z"
	if out, err := exec.Command("go", "build", "-ldflags", ld, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "smspark v9.8.7\ncommit   feedc0de\nbuilt    2026-12-04T15:00:00Z\ngo       " + runtime.Version() + "\n"
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("version:\n%s\nwant it to start\n%s", out, want)
	}
}

// The engine's registry has smspark_build_info{version,revision,goversion} 1
// from the first scrape.
func TestBuildInfoMetric(t *testing.T) {
	m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "smspark_build_info" {
			continue
		}
		labels := map[string]string{}
		for _, l := range mf.GetMetric()[0].GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		b := thisBuild()
		if len(mf.GetMetric()) != 1 || mf.GetMetric()[0].GetGauge().GetValue() != 1 ||
			labels["version"] != b.Version || labels["revision"] != b.Commit || labels["goversion"] != runtime.Version() {
			t.Errorf("smspark_build_info = %v", mf)
		}
		return
	}
	t.Fatal("no smspark_build_info metric")
}
