package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"smspark/msisdn"
	"smspark/sessions"
	"smspark/store"
)

func newMessagesCommand() *cobra.Command {
	var dataDir, configPath, number, status string
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "messages (--data DIR | --server URL) [--number N] [--status queued|sent|delivered|failed]",
		Short: "The notifications log: every SMS sent to a number, with its delivery status",
		Example: `  smspark messages --server http://127.0.0.1:8081 --number 0475000001 --status failed
  smspark messages --data /var/lib/smspark --limit 20 --json`,
		Args: cobra.NoArgs,
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		f := store.MessageFilter{Status: status}
		if number != "" {
			if f.To, err = (msisdn.Belgium{}).Normalize(number); err != nil {
				return err
			}
		}
		list, err := readMessages(cmd.Context(), t, f)
		if err != nil {
			return err
		}
		if limit > 0 && len(list) > limit {
			list = list[len(list)-limit:]
		}
		if asJSON {
			type msgJSON struct {
				ID      uint64 `json:"id"`
				To      string `json:"to"`
				Source  string `json:"source"`
				Outcome string `json:"outcome"`
				Text    string `json:"text"`
				Created string `json:"created"`
				Status  string `json:"status"`
				Error   string `json:"error,omitempty"`
			}
			out := make([]msgJSON, 0, len(list))
			for _, m := range list {
				out = append(out, msgJSON{m.ID, m.To, m.Source, string(m.Outcome), m.Text,
					m.Created.In(cfg.Location).Format(time.RFC3339), m.Status, m.Error})
			}
			return writeJSON(cmd, out)
		}
		w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTIME\tTO\tFROM\tOUTCOME\tSTATUS\tTEXT")
		for _, m := range list {
			text := strings.ReplaceAll(m.Text, "\n", " ")
			if len([]rune(text)) > 60 {
				text = string([]rune(text)[:59]) + "…"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Created.In(cfg.Location).Format("2006-01-02 15:04"),
				m.To, m.Source, m.Outcome, m.Status, text)
		}
		return w.Flush()
	}
	f := cmd.Flags()
	f.StringVar(&number, "number", "", "only SMS to this number")
	f.StringVar(&status, "status", "", "only SMS in this state")
	f.IntVar(&limit, "limit", 100, "at most the last N (0: all)")
	return cmd
}

// readMessages reads the notifications log of --data or --server.
func readMessages(ctx context.Context, t *target, f store.MessageFilter) ([]sessions.Message, error) {
	if t.remote() {
		var out struct {
			Messages []sessions.Message `json:"messages"`
		}
		err := t.client().do(ctx, "GET", "/admin/messages?"+url.Values{"to": {f.To}, "status": {f.Status}}.Encode(), nil, &out)
		return out.Messages, err
	}
	db, err := t.localStore()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Messages(ctx, f)
}
