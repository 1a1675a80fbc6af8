package smspark_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Functions fit a screen and files hold one concept: no function longer
// than maxFuncLines (from its func line to its closing brace, both
// excluded from the count as the lead's funclen tool counts them), no
// non-test file longer than maxFileLines.
const (
	maxFuncLines = 80
	maxFileLines = 500
)

// dataTables are the long functions and files that are data, not logic:
// a table reads best whole.
var dataTables = map[string]string{
	"gsm/gsm.go:lookup":     "the GSM 03.38 character table, one case per character",
	"gsm/gsm.go:fold":       "the transliteration table of characters GSM 03.38 lacks",
	"pdf/texts.go:textsFor": "the PDF texts in four languages",
}

// tooLong are the long functions ("file:func") and files that other
// branches are still splitting. Delete an entry once that work is merged:
// the test fails while an entry is no longer too long, and on every long
// function or file not listed here.
var tooLong = map[string]string{
	"cmd/smspark/command_reduced.go:newReducedCommand":       "w10cli (#10.7)",
	"cmd/smspark/command_statements.go:newStatementsCommand": "w10cli (#10.7)",
	"cmd/smspark/command_vouchers.go:newVouchersCommand":     "w10cli (#10.7)",
	"cmd/smspark/command_permits.go:newPermitsCommand":       "w10cli (#10.7)",
	"cmd/smspark/command_sim.go:newSimCommand":               "w10cli (#10.7)",
	"cmd/smspark/command_tariffs.go:newTariffsCommand":       "w10cli (#10.7)",
	"vouchers/service.go":                                    "w10pay (#10.4)",
}

// TestSizes measures every non-test Go file of the module.
func TestSizes(t *testing.T) {
	long := measure(t, ".")
	if len(long) == 0 {
		// Not a failure of the code, but of measure.
		t.Log("nothing too long")
	}
	bad, stale := checkSizes(long)
	for _, b := range bad {
		t.Errorf("too long: %s", b)
	}
	for _, s := range stale {
		t.Errorf("tooLong lists %s, which is no longer too long: delete the entry", s)
	}
}

// TestCheckSizes runs the rules on made-up measures.
func TestCheckSizes(t *testing.T) {
	bad, stale := checkSizes(map[string]int{
		"gsm/gsm.go:lookup":                        300, // a data table
		"cmd/smspark/command_sim.go:newSimCommand": 94,  // listed
		"sessions/engine.go:go":                    81,  // new
		"store/store.go":                           501, // new
	})
	want := []string{"sessions/engine.go:go (81 lines, at most 80)", "store/store.go (501 lines, at most 500)"}
	if !slices.Equal(bad, want) {
		t.Errorf("bad %q, want %q", bad, want)
	}
	if !slices.Contains(stale, "cmd/smspark/command_tariffs.go:newTariffsCommand") || slices.Contains(stale, "cmd/smspark/command_sim.go:newSimCommand") {
		t.Errorf("stale %q: want command_tariffs.go:newTariffsCommand (not measured long) and not command_sim.go:newSimCommand", stale)
	}
}

// checkSizes returns the entries of long (by "file" or "file:func", their
// lines) that are neither data tables nor listed in tooLong, and the
// entries of tooLong that long no longer has.
func checkSizes(long map[string]int) (bad, stale []string) {
	for _, k := range sortedKeys(long) {
		if _, ok := dataTables[k]; ok {
			continue
		}
		if _, ok := tooLong[k]; ok {
			continue
		}
		limit := maxFileLines
		if strings.Contains(k, ":") {
			limit = maxFuncLines
		}
		bad = append(bad, fmt.Sprintf("%s (%d lines, at most %d)", k, long[k], limit))
	}
	for _, k := range sortedKeys(tooLong) {
		if _, ok := long[k]; !ok {
			stale = append(stale, k)
		}
	}
	return bad, stale
}

// measure returns the non-test files below root longer than maxFileLines
// and their functions longer than maxFuncLines, with their lengths.
func measure(t *testing.T, root string) map[string]int {
	t.Helper()
	long := map[string]int{}
	fset := token.NewFileSet()
	err := walkSources(root, func(path string) error {
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(path)
		if n := bytes.Count(src, []byte("\n")); n > maxFileLines {
			long[name] = n
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line; n > maxFuncLines {
				long[name+":"+funcName(fd)] = n
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return long
}

// funcName is fd's name, Type.Method for a method.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	for {
		switch x := typ.(type) {
		case *ast.StarExpr:
			typ = x.X
			continue
		case *ast.IndexExpr:
			typ = x.X
			continue
		case *ast.IndexListExpr:
			typ = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
}
