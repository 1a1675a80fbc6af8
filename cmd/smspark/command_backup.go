package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"smspark/audit"

	"smspark/httpapi"
)

func newBackupCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	var t *target
	cmd := &cobra.Command{
		Use:   "backup FILE --server URL | --data DIR",
		Short: "Write a consistent copy of the store to FILE (hot, from a running engine)",
		Long: `Writes a complete, consistent copy of the store (a smspark.db file) to FILE.
With --server the running engine writes it in one read transaction while it
goes on taking traffic; with --data it is copied from a stopped engine's
store. FILE must not exist; it appears only once complete (written beside it,
synced, then renamed). To restore: stop the engine and put FILE in its data
directory as smspark.db.`,
		Example: `  smspark backup --server http://127.0.0.1:8081 /var/backups/smspark-$(date +%F).db`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			n, err := writeBackup(cmd.Context(), file, func(ctx context.Context, w io.Writer) (int64, error) {
				if t.remote() {
					return t.client().backup(ctx, w)
				}
				db, err := t.localStore()
				if err != nil {
					return 0, err
				}
				defer db.Close()
				n, err := db.Backup(ctx, w)
				if err != nil {
					return n, err
				}
				return n, recordLocal(ctx, db, audit.Backup, "", fmt.Sprintf("%d bytes to %s", n, file))
			})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd, map[string]any{"file": file, "bytes": n})
			}
			w := newTable(cmd)
			fmt.Fprintf(w, "file\t%s\nbytes\t%d\n", file, n)
			return w.Flush()
		},
	}
	t = addTarget(cmd, &dataDir, &configPath, &asJSON)
	return cmd
}

// writeBackup has copy write into a temporary file beside file, syncs it
// and renames it to file, which must not exist. Returns the bytes written.
func writeBackup(ctx context.Context, file string, copyTo func(context.Context, io.Writer) (int64, error)) (int64, error) {
	if _, err := os.Lstat(file); err == nil {
		return 0, fmt.Errorf("backup: %s exists: %w", file, os.ErrExist)
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err := copyTo(ctx, tmp)
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	done = true
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return n, fmt.Errorf("backup: %w", err)
	}
	// The rename itself survives a crash once the directory is synced.
	if d, err := os.Open(filepath.Dir(file)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return n, nil
}

// errBackupCut is a backup whose stream ended before the engine said it
// was complete.
var errBackupCut = errors.New("the backup stream ended before it was complete")

// backup copies the running engine's hot backup to w; the trailer with
// the length proves it complete.
func (c *adminClient) backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := c.request(ctx, "GET", "/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("%w: %w", errBackupCut, err)
	}
	if got := resp.Trailer.Get(httpapi.BackupBytesTrailer); got != strconv.FormatInt(n, 10) {
		return n, fmt.Errorf("%w: %d bytes received, the engine says %q", errBackupCut, n, got)
	}
	return n, nil
}
