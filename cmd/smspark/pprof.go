//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // profiling endpoints, only in binaries built with -tags pprof
	"os"
)

// With -tags pprof, SMSPARK_PPROF=ADDR serves net/http/pprof on ADDR, for
// profiling the engine under load.
func init() {
	if addr := os.Getenv("SMSPARK_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
