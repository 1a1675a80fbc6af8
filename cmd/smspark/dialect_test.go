package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// noJSON are the runnable commands that print no data of their own to
// parse, with why.
var noJSON = map[string]string{
	"smspark serve":                 "runs the engine; it logs",
	"smspark demo":                  "an interactive phone",
	"smspark payments simulate":     "prints the API's JSON answer as it is",
	"smspark completion bash":       "prints a shell script",
	"smspark completion fish":       "prints a shell script",
	"smspark completion powershell": "prints a shell script",
	"smspark completion zsh":        "prints a shell script",
	"smspark version":               "build information, as --version prints it",
}

// noServer are the commands that take --data but cannot ask a running
// engine, with why.
var noServer = map[string]string{
	"smspark serve":   "it is the engine",
	"smspark demo":    "starts its own engine",
	"smspark sms":     "a dry run on a store, never sent",
	"smspark compact": "needs the store file to itself: the engine must be stopped",
	"smspark check":   "reads the file of a stopped store; a running engine checked it when it opened it",
}

// TestCLIDialect walks the command tree: every command that prints data
// has --json, and every admin command (one that works on a store with
// --data) also asks a running engine with --server.
func TestCLIDialect(t *testing.T) {
	root := NewRootCommand()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	seen := map[string]bool{}
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if !c.Runnable() || c.Name() == "help" {
			return
		}
		path := c.CommandPath()
		seen[path] = true
		if c.Flag("json") == nil && noJSON[path] == "" {
			t.Errorf("%s prints data but has no --json", path)
		}
		if c.Flag("data") != nil && c.Flag("server") == nil && noServer[path] == "" {
			t.Errorf("%s works on a store (--data) but has no --server", path)
		}
		if c.Flag("server") != nil && c.Flag("json") == nil && noJSON[path] == "" {
			t.Errorf("%s is an admin command without --json", path)
		}
	}
	walk(root)
	for _, m := range []map[string]string{noJSON, noServer} {
		for path := range m {
			if !seen[path] {
				t.Errorf("exemption for %q, which is no command", path)
			}
		}
	}
	for _, want := range []string{"smspark permits list", "smspark messages", "smspark reduced list", "smspark audit"} {
		if !seen[want] {
			t.Errorf("no %s", want)
		}
	}
}

// TestCompletion: zone codes, operators, cities and SMSC names complete
// from the configuration.
func TestCompletion(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"tariffs", "quote", "--zone", "85"}, []string{"8500\tKortrijk, Centrum"}},
		{[]string{"sms", "--operator", "pro"}, []string{"proximus"}},
		{[]string{"sessions", "list", "--zone", "10"}, []string{"1021\tBrussels, Louise", "1030\tBrussels, Centre"}},
		{[]string{"vouchers", "issue", "--city", "Bl"}, []string{"Blankenberge"}},
		{[]string{"reduced", "grant", "--city", "K"}, []string{"Kortrijk"}},
		{[]string{"smsc", "stop", "--config", "../../config/testdata/conf.good.yml", "prox"}, []string{"proximus-1\tproximus"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := run(t, append([]string{cobra.ShellCompRequestCmd}, tt.args...)...)
			if err != nil {
				t.Fatal(err, out)
			}
			got := slices.DeleteFunc(strings.Split(strings.TrimSpace(out), "\n"), func(l string) bool {
				return strings.HasPrefix(l, ":") || strings.HasPrefix(l, "Completion ended") // the directive
			})
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("completions %q lack %q", got, w)
				}
			}
		})
	}
}
