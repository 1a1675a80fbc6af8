package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"smspark/audit"
	"smspark/postgres"
	"smspark/sessions"
	"smspark/store"
	"smspark/vouchers"
)

func newMigrateCommand() *cobra.Command {
	var from, to string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "migrate --from-data DIR --to URL",
		Short: "Copy a stopped engine's bbolt store into an empty PostgreSQL database, verified",
		Long: `Copies every record of the bbolt store in DIR (the engine stopped) into the
PostgreSQL database at URL, which must hold no smspark records yet (its
schema is created). Before it reports success it verifies the copy: the
count of every kind of record is the same on both sides, and the database's
consistency check (a plate's one running session, a number's one account,
records that agree with their keys) passes. On failure nothing is
reported copied: drop the database's tables or use a new database, and run
it again.`,
		Example: `  smspark migrate --from-data /var/lib/smspark --to postgres://smspark@db.example/smspark`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			counts, err := migrateStore(cmd.Context(), from, to)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd, counts)
			}
			for _, k := range slices.Sorted(maps.Keys(counts)) {
				fmt.Fprintf(cmd.OutOrStdout(), "%-22s %d\n", k, counts[k])
			}
			fmt.Fprintln(cmd.OutOrStdout(), "copied and verified: counts equal, consistency check passed")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from-data", "", "data directory of the bbolt store to copy (engine stopped)")
	f.StringVar(&to, "to", "", "the PostgreSQL database's URL, postgres://…")
	f.BoolVar(&asJSON, "json", false, "JSON for scripts")
	_ = cmd.MarkFlagRequired("from-data")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// errNotEmpty is a migration into a database that holds records.
var errNotEmpty = errors.New("the target database already holds smspark records")

// migrateStore copies the bbolt store in dir into the database at url and
// verifies the copy; it returns the counts of what was copied.
func migrateStore(ctx context.Context, dir, url string) (map[string]int64, error) {
	if !isDatabaseURL(url) {
		return nil, fmt.Errorf("--to %q: want a postgres:// URL", url)
	}
	src, err := store.Open(dir, store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w: stop the engine on %s first", err, dir)
	}
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	before, err := dst.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for k, n := range before {
		if n > 0 {
			return nil, fmt.Errorf("%w (%s: %d)", errNotEmpty, k, n)
		}
	}
	want, err := copyStore(ctx, src, dst)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return verifyCopy(ctx, src, dst, want)
}

// verifyCopy compares the counts of the copy with the source's and runs
// the database's consistency check.
func verifyCopy(ctx context.Context, src *store.DB, dst *postgres.DB, want map[string]int64) (map[string]int64, error) {
	got, err := dst.Counts(ctx)
	if err != nil {
		return nil, err
	}
	var diffs []error
	for k, n := range want {
		if got[k] != n {
			diffs = append(diffs, fmt.Errorf("%s: %d in the store, %d in the database", k, n, got[k]))
		}
	}
	if err := dst.Check(ctx); err != nil {
		diffs = append(diffs, err)
	}
	s, err1 := src.Load(ctx)
	d, err2 := dst.Load(ctx)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	if s.NextID != d.NextID {
		diffs = append(diffs, fmt.Errorf("next id: %d in the store, %d in the database", s.NextID, d.NextID))
	}
	if len(diffs) > 0 {
		return nil, fmt.Errorf("migrate: the copy does not verify: %w", errors.Join(diffs...))
	}
	return got, nil
}

// migrateChunk bounds the records of one transaction of the copy.
const migrateChunk = 1000

// commitChunks commits changes migrateChunk at a time.
func commitChunks(ctx context.Context, dst *postgres.DB, changes []sessions.Change) error {
	for len(changes) > 0 {
		n := min(len(changes), migrateChunk)
		if err := dst.Commit(ctx, changes[:n]); err != nil {
			return err
		}
		changes = changes[n:]
	}
	return nil
}

// copyStore copies every record and returns the source's counts, keyed
// as postgres.DB.Counts keys them.
func copyStore(ctx context.Context, src *store.DB, dst *postgres.DB) (map[string]int64, error) {
	n := map[string]int64{}
	st, err := src.Load(ctx)
	if err != nil {
		return nil, err
	}
	all, err := src.Sessions(ctx, sessions.SessionFilter{})
	if err != nil {
		return nil, err
	}
	msgs, err := src.Messages(ctx, sessions.MessageFilter{})
	if err != nil {
		return nil, err
	}
	journal, err := src.Journal(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	var changes []sessions.Change
	for _, s := range all {
		changes = append(changes, sessions.Change{Sessions: []sessions.Session{s}})
	}
	for _, s := range st.Settings {
		changes = append(changes, sessions.Change{Settings: []sessions.Settings{s}})
	}
	for _, a := range st.Accounts {
		changes = append(changes, sessions.Change{Accounts: []sessions.Account{a}})
		n["account_numbers"] += int64(len(a.Numbers))
	}
	for _, g := range st.Grants {
		changes = append(changes, sessions.Change{Grants: []sessions.Grant{g}})
	}
	for _, m := range msgs {
		changes = append(changes, sessions.Change{Messages: []sessions.Message{m}})
	}
	for _, j := range journal {
		changes = append(changes, sessions.Change{Journal: []sessions.JournalEntry{j}})
	}
	changes = append(changes, sessions.Change{NextID: st.NextID})
	if err := commitChunks(ctx, dst, changes); err != nil {
		return nil, err
	}
	n["sessions"], n["settings"], n["accounts"] = int64(len(all)), int64(len(st.Settings)), int64(len(st.Accounts))
	n["running_sessions"], n["grants"] = int64(len(st.Running)), int64(len(st.Grants))
	n["outbox"], n["journal"] = int64(len(msgs)), int64(len(journal))
	if err := copyVouchers(ctx, src, dst, n); err != nil {
		return nil, err
	}
	if err := copyServices(ctx, src, dst, n); err != nil {
		return nil, err
	}
	return n, copyRequests(ctx, src, dst, n)
}

// copyVouchers copies the orders with their vouchers.
func copyVouchers(ctx context.Context, src *store.DB, dst *postgres.DB, n map[string]int64) error {
	orders, err := src.AllOrders(ctx)
	if err != nil {
		return err
	}
	vs, err := src.AllVouchers(ctx)
	if err != nil {
		return err
	}
	of := map[string][]vouchers.Voucher{}
	for _, v := range vs {
		of[v.Order] = append(of[v.Order], v)
	}
	for _, o := range orders {
		if err := dst.PutOrder(ctx, o, of[o.ID]); err != nil {
			return err
		}
		delete(of, o.ID)
	}
	for id, vs := range of {
		return fmt.Errorf("%d voucher(s), %s first, of order %q, which the store does not hold", len(vs), vs[0].Code, id)
	}
	n["orders"], n["vouchers"] = int64(len(orders)), int64(len(vs))
	return nil
}

// copyServices copies permits, day cards, API keys and the audit trail.
func copyServices(ctx context.Context, src *store.DB, dst *postgres.DB, n map[string]int64) error {
	ps, err := src.Permits(ctx)
	if err != nil {
		return err
	}
	for len(ps) > 0 {
		k := min(len(ps), migrateChunk)
		if err := dst.PutPermits(ctx, ps[:k]...); err != nil {
			return err
		}
		n["permits"] += int64(k)
		ps = ps[k:]
	}
	cards, err := src.AllCards(ctx)
	if err != nil {
		return err
	}
	for _, c := range cards {
		if err := dst.PutCard(ctx, c); err != nil {
			return err
		}
	}
	n["day_cards"] = int64(len(cards))
	keys, err := src.APIKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := dst.PutAPIKey(ctx, k); err != nil {
			return err
		}
	}
	n["api_keys"] = int64(len(keys))
	entries, err := src.Audit(ctx, audit.Filter{})
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := dst.AppendAudit(ctx, e); err != nil {
			return err
		}
	}
	n["audit"] = int64(len(entries))
	return nil
}

// copyRequests copies idempotent responses, payment nonces and
// concatenation parts.
func copyRequests(ctx context.Context, src *store.DB, dst *postgres.DB, n map[string]int64) error {
	err := src.IdempotentResponses(ctx, func(scope, key string, r store.Idempotent) error {
		n["idempotent_responses"]++
		return dst.PutIdempotentResponse(ctx, scope, key, r)
	})
	if err != nil {
		return err
	}
	err = src.Nonces(ctx, func(nonce string, at time.Time) error {
		n["payment_nonces"]++
		_, err := dst.UseNonce(ctx, nonce, at)
		return err
	})
	if err != nil {
		return err
	}
	return src.Parts(ctx, func(key, value []byte) error {
		n["parts"]++
		return dst.PutPart(ctx, key, value)
	})
}
