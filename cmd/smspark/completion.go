package main

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"smspark/config"
)

// Shell completion (smspark completion bash|zsh|fish|powershell) of the
// names the configuration defines — zone codes, SMSC names, operators and
// cities — read from the command's --config (the embedded reference data
// without it).

type completion = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)

// completeFrom completes with the names list gives for the command's
// configuration; a name may carry a description after a tab.
func completeFrom(list func(*config.Config) []string) completion {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		path := ""
		if f := cmd.Flag("config"); f != nil {
			path = f.Value.String()
		}
		cfg, err := loadConfig(path)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []string
		for _, n := range list(cfg) {
			if strings.HasPrefix(strings.ToLower(n), strings.ToLower(prefix)) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func completeZones() completion {
	return completeFrom(func(cfg *config.Config) []string {
		var out []string
		for _, c := range cfg.Cities {
			for _, z := range c.Zones {
				out = append(out, z.Code+"\t"+c.Name+", "+z.Name)
			}
		}
		return out
	})
}

func completeSMSCs() completion {
	return completeFrom(func(cfg *config.Config) []string {
		var out []string
		for _, s := range cfg.SMSCs {
			out = append(out, s.Name+"\t"+s.Operator)
		}
		return out
	})
}

func completeOperators() completion {
	return completeFrom(func(cfg *config.Config) []string {
		return slices.Sorted(maps.Keys(cfg.Operators))
	})
}

func completeCities() completion {
	return completeFrom(func(cfg *config.Config) []string {
		var out []string
		for _, c := range cfg.Cities {
			out = append(out, c.Name)
		}
		return out
	})
}

// registerCompletions gives every --zone, --operator and --city flag of
// the tree its completion from the configuration.
func registerCompletions(c *cobra.Command) {
	for name, f := range map[string]completion{"zone": completeZones(), "operator": completeOperators(), "city": completeCities()} {
		if c.LocalNonPersistentFlags().Lookup(name) != nil || c.PersistentFlags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, f)
		}
	}
	for _, sub := range c.Commands() {
		registerCompletions(sub)
	}
}
