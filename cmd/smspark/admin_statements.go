package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"smspark/billing"
	"smspark/httpapi"
	"smspark/sessions"
)

// outputStatementTotals prints the accounts' totals of a month as a
// table, or JSON.
func outputStatementTotals(cmd *cobra.Command, totals []httpapi.AdminStatementTotal, asJSON bool) error {
	if asJSON {
		return writeJSON(cmd, totals)
	}
	w := newTable(cmd)
	fmt.Fprintln(w, "ACCOUNT\tPACKAGE\tMONTH\tSESSIONS\tTOTAL\tCOMMUNICATION\tDUE")
	for _, t := range totals {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", t.Account, t.Package, t.Month, t.Sessions,
			billing.FormatCents(t.TotalCents), t.Communication, t.Due)
	}
	return w.Flush()
}

// statements has the running engine make the month's statements of every
// account (or one) and writes each as ACCOUNT-MONTH.json, .csv and .pdf
// into dir. It returns the totals written.
func (c *adminClient) statements(ctx context.Context, month, account, dir, lang string) ([]httpapi.AdminStatementTotal, error) {
	var resp struct {
		Statements []httpapi.AdminStatementTotal `json:"statements"`
	}
	if err := c.do(ctx, "GET", "/admin/statements/"+pathEscape(month), nil, &resp); err != nil {
		return nil, err
	}
	totals := []httpapi.AdminStatementTotal{}
	for _, t := range resp.Statements {
		if account != "" && t.Account != account {
			continue
		}
		for _, format := range []string{"json", "csv", "pdf"} {
			q := url.Values{"format": {format}, "lang": {lang}}
			path := "/admin/statements/" + pathEscape(month) + "/" + pathEscape(t.Account) + "?" + q.Encode()
			if err := c.download(ctx, path, filepath.Join(dir, t.Account+"-"+month+"."+format)); err != nil {
				return nil, err
			}
		}
		totals = append(totals, t)
	}
	if account != "" && len(totals) == 0 {
		return nil, fmt.Errorf("%w: %s", sessions.ErrAccountNotFound, account)
	}
	return totals, nil
}

// download writes the answer to a GET into the file at path.
func (c *adminClient) download(ctx context.Context, path, file string) error {
	resp, err := c.request(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", file, err)
	}
	return f.Close()
}

// charges copies an operator's daily charge file (CSV) to w.
func (c *adminClient) charges(ctx context.Context, day, operator string, w io.Writer) error {
	resp, err := c.request(ctx, "GET", "/admin/charges/"+pathEscape(day)+"?"+url.Values{"operator": {operator}}.Encode(), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}
