package smspark_test

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The layers of the module, as docs/architecture.md draws them. Domain
// packages (sessions, parser, tariffs, billing, vouchers, …: every
// package not named below) import no adapter; an adapter imports domain
// packages and no other adapter; commands (cmd/…, and any package main)
// wire everything together and may import anything.
//
// adapters are the adapter packages, each with its subpackages (smpp/smsc
// belongs to smpp): the imports inside one adapter are its own business.
var adapters = []string{"store", "postgres", "smpp", "httpapi", "outbox", "web"}

// testSupport are packages for tests only (a store contract suite): they
// import no adapter, and no package imports them outside its tests.
var testSupport = []string{"store/storetest"}

// drivers are the libraries only one adapter talks to: a second store is a
// new package, not an import of bbolt.
var drivers = map[string]string{
	"go.etcd.io/bbolt":          "store",
	"github.com/jackc/pgx":      "postgres",
	"github.com/fiorix/go-smpp": "smpp",
}

// knownViolations are the arrows that break the rules today, each with
// the branch removing it. Delete an entry once that work is merged: the
// test fails while an entry names an arrow that is gone, and fails on
// every arrow that breaks the rules and is not listed here.
var knownViolations = map[arrow]string{}

// arrow is one import: from imports to (package paths within the module,
// or a library's module path for drivers).
type arrow struct{ from, to string }

// pkgInfo is one package's non-test imports within the module and of
// drivers, and whether it is a command.
type pkgInfo struct {
	main    bool
	imports []string
}

const module = "smspark"

// TestImportArrows reads every package's non-test imports and fails on an
// arrow the layers forbid.
func TestImportArrows(t *testing.T) {
	graph := readImports(t, ".")
	if len(graph["sessions"].imports) == 0 || len(graph["httpapi"].imports) == 0 {
		t.Fatalf("read no imports of sessions or httpapi: %v", graph)
	}
	bad, stale := checkArrows(graph, knownViolations)
	for _, v := range bad {
		t.Errorf("forbidden import: %s", v)
	}
	for _, a := range stale {
		t.Errorf("knownViolations lists %s → %s, which is gone: delete the entry", a.from, a.to)
	}
}

// TestCheckArrows runs the rules on synthetic import graphs: every new
// forbidden arrow fails, listed ones and allowed ones do not.
func TestCheckArrows(t *testing.T) {
	known := map[arrow]string{{"httpapi", "store"}: "being removed"}
	tests := []struct {
		name  string
		graph map[string]pkgInfo
		bad   []string
		stale []arrow
	}{
		{"domain to domain", map[string]pkgInfo{"sessions": {imports: []string{"parser", "tariffs"}}}, nil, nil},
		{"adapter to domain", map[string]pkgInfo{"store": {imports: []string{"sessions"}}}, nil, nil},
		{"within one adapter", map[string]pkgInfo{"smpp/smsc": {imports: []string{"smpp"}}}, nil, nil},
		{"domain to adapter", map[string]pkgInfo{"billing": {imports: []string{"store"}}},
			[]string{"domain billing imports adapter store"}, nil},
		{"domain to an adapter's subpackage", map[string]pkgInfo{"vouchers": {imports: []string{"smpp/smsc"}}},
			[]string{"domain vouchers imports adapter smpp/smsc"}, nil},
		{"a new domain package to a new adapter", map[string]pkgInfo{"fines": {imports: []string{"postgres"}}},
			[]string{"domain fines imports adapter postgres"}, nil},
		{"adapter to adapter", map[string]pkgInfo{"outbox": {imports: []string{"smpp"}}},
			[]string{"adapter outbox imports adapter smpp"}, nil},
		{"a second store to the first", map[string]pkgInfo{"postgres": {imports: []string{"store", "sessions"}}},
			[]string{"adapter postgres imports adapter store"}, nil},
		{"cmd to everything", map[string]pkgInfo{"cmd/smspark": {imports: []string{"store", "smpp", "httpapi", "go.etcd.io/bbolt"}}}, nil, nil},
		{"a package main elsewhere", map[string]pkgInfo{"scripts/tool": {main: true, imports: []string{"store"}}}, nil, nil},
		{"known violation", map[string]pkgInfo{"httpapi": {imports: []string{"store"}}}, nil, nil},
		{"a new violation beside a known one", map[string]pkgInfo{"httpapi": {imports: []string{"store", "outbox"}}},
			[]string{"adapter httpapi imports adapter outbox"}, nil},
		{"known violation gone", map[string]pkgInfo{"httpapi": {imports: []string{"sessions"}}}, nil,
			[]arrow{{"httpapi", "store"}}},
		{"driver in its adapter", map[string]pkgInfo{"store": {imports: []string{"go.etcd.io/bbolt"}}}, nil, nil},
		{"driver elsewhere", map[string]pkgInfo{
			"postgres": {imports: []string{"go.etcd.io/bbolt"}},
			"sessions": {imports: []string{"github.com/jackc/pgx/v5"}},
		}, []string{
			"postgres imports go.etcd.io/bbolt, which only store may use",
			"sessions imports github.com/jackc/pgx/v5, which only postgres may use",
		}, nil},
		{"test support imported outside tests", map[string]pkgInfo{"store": {imports: []string{"store/storetest"}}},
			[]string{"store imports test-support store/storetest outside its tests"}, nil},
		{"test support to an adapter", map[string]pkgInfo{"store/storetest": {imports: []string{"store"}}},
			[]string{"test-support store/storetest imports adapter store"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, stale := checkArrows(tt.graph, known)
			// Only the known arrows of this graph's packages count as stale.
			stale = slices.DeleteFunc(stale, func(a arrow) bool { _, ok := tt.graph[a.from]; return !ok })
			if !slices.Equal(bad, tt.bad) {
				t.Errorf("violations %q, want %q", bad, tt.bad)
			}
			if !slices.Equal(stale, tt.stale) {
				t.Errorf("stale %v, want %v", stale, tt.stale)
			}
		})
	}
}

// checkArrows returns the forbidden arrows of graph not in known, as
// sentences, and the arrows of known that graph no longer has.
func checkArrows(graph map[string]pkgInfo, known map[arrow]string) (bad []string, stale []arrow) {
	seen := map[arrow]bool{}
	for _, from := range sortedKeys(graph) {
		info := graph[from]
		if info.main || under(from, "cmd") {
			continue
		}
		for _, to := range info.imports {
			msg := forbidden(from, to)
			if msg == "" {
				continue
			}
			a := arrow{from, to}
			seen[a] = true
			if _, ok := known[a]; !ok {
				bad = append(bad, msg)
			}
		}
	}
	for a := range known {
		if !seen[a] {
			stale = append(stale, a)
		}
	}
	slices.SortFunc(stale, func(x, y arrow) int { return strings.Compare(x.from+" "+x.to, y.from+" "+y.to) })
	return bad, stale
}

// forbidden says why from may not import to, "" when it may.
func forbidden(from, to string) string {
	for lib, owner := range drivers {
		if under(to, lib) && family(from) != owner {
			return fmt.Sprintf("%s imports %s, which only %s may use", from, to, owner)
		}
	}
	if slices.Contains(testSupport, to) {
		return fmt.Sprintf("%s imports test-support %s outside its tests", from, to)
	}
	target := family(to)
	if target == "" || strings.Contains(to, ".") {
		return "" // a domain package or a library
	}
	switch {
	case slices.Contains(testSupport, from):
		return fmt.Sprintf("test-support %s imports adapter %s", from, to)
	case family(from) == "":
		return fmt.Sprintf("domain %s imports adapter %s", from, to)
	case family(from) != target:
		return fmt.Sprintf("adapter %s imports adapter %s", from, to)
	}
	return ""
}

// family returns the adapter p belongs to, "" for a domain package.
func family(p string) string {
	for _, a := range adapters {
		if under(p, a) && !slices.Contains(testSupport, p) {
			return a
		}
	}
	return ""
}

// under reports whether path p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// readImports parses the non-test Go files below root (whatever their
// build constraints) and returns each package's imports of the module's
// packages and of drivers, by path relative to the module.
func readImports(t *testing.T, root string) map[string]pkgInfo {
	t.Helper()
	graph := map[string]pkgInfo{}
	fset := token.NewFileSet()
	err := walkSources(root, func(path string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		info := graph[pkg]
		info.main = info.main || f.Name.Name == "main"
		for _, spec := range f.Imports {
			imp := strings.Trim(spec.Path.Value, `"`)
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
				imp = rel
			} else if !isDriver(imp) {
				continue
			}
			if !slices.Contains(info.imports, imp) {
				info.imports = append(info.imports, imp)
			}
		}
		graph[pkg] = info
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return graph
}

// walkSources calls fn with every non-test Go file below root, skipping
// testdata, node_modules and hidden or underscore directories, as the go
// command does.
func walkSources(root string, fn func(path string) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || n == "node_modules" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		return fn(path)
	})
}

func isDriver(imp string) bool {
	for lib := range drivers {
		if under(imp, lib) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
