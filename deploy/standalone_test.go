package deploy_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoFiles are the files git tracks, relative to the repository root, which
// is returned too.
func repoFiles(t *testing.T) (string, []string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v (the test needs a git checkout)", err)
	}
	var files []string
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	if len(files) < 50 {
		t.Fatalf("git ls-files lists %d files", len(files))
	}
	return root, files
}

// The repository stands alone: no tracked file sends its reader to the
// developers' notes outside it (a sibling directory, the specification's
// sections, the questions-and-answers page it was written from). The
// behaviour is in docs/.
func TestRepositoryStandsAlone(t *testing.T) {
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`\.\./` + `shared`),
		regexp.MustCompile(`SPEC` + ` §`),
		regexp.MustCompile(`(?i)\bthe F` + `AQ\b`),
		regexp.MustCompile(`\bF` + `AQ\b`),
	}
	root, files := repoFiles(t)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted in the work tree, not yet committed
			}
			t.Fatal(err)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			continue // binary (fonts)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, re := range forbidden {
				if re.MatchString(line) {
					t.Errorf("%s:%d: %q points outside the repository: point to docs/ instead", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}

// Every relative link of the README and docs/ leads to a file that exists.
func TestDocsLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	root, files := repoFiles(t)
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") || (!strings.HasPrefix(f, "docs/") && f != "README.md" && f != "deploy/README.md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, filepath.Dir(f), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", f, target)
			}
		}
	}
	for _, page := range []string{"README.md", "sms.md", "accounts.md", "sessions.md", "tariffs.md", "vouchers.md",
		"permits.md", "billing.md", "smpp.md", "operations.md"} {
		if _, err := os.Stat(filepath.Join(root, "docs", page)); err != nil {
			t.Errorf("docs/%s is missing", page)
		}
	}
}
