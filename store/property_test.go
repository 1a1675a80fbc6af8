package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"smspark/sessions"
	"smspark/store"
)

// TestIndexesProperty commits random batches of session starts, stops,
// replacements, account edits and deletions, and checks after each commit
// that the indexes agree with a model and that Check passes.
func TestIndexesProperty(t *testing.T) {
	base := t.TempDir()
	plates := []string{"1AAA001", "1AAA002", "1AAA003"}
	numbers := []string{"+32470000001", "+32470000002", "+32470000003", "+32470000004"}
	accountIDs := []string{"A", "B"}
	reasons := []sessions.EndReason{sessions.EndStop, sessions.EndMaxDuration, sessions.EndVoucher, sessions.EndAdmin}

	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			rt.Fatal(err)
		}
		db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
		if err != nil {
			rt.Fatal(err)
		}
		defer func() { _ = db.Close() }()
		ctx := context.Background()

		nextID := uint64(1)
		all := map[uint64]sessions.Session{}      // the model: every session
		runningOf := map[string]uint64{}          // plate -> running session
		holder := map[string]string{}             // number -> account
		accounts := map[string]sessions.Account{} // live accounts

		steps := rapid.IntRange(1, 15).Draw(rt, "steps")
		for range steps {
			var batch []sessions.Change
			for range rapid.IntRange(1, 3).Draw(rt, "changes") {
				var c sessions.Change
				switch rapid.IntRange(0, 4).Draw(rt, "op") {
				case 0, 1: // start, replacing the plate's session
					plate := rapid.SampledFrom(plates).Draw(rt, "plate")
					s := running(nextID, rapid.SampledFrom(numbers).Draw(rt, "number"), plate, rapid.SampledFrom([]string{"1021", "1030"}).Draw(rt, "zone"))
					nextID++
					c.Sessions = []sessions.Session{s}
					if old, ok := runningOf[plate]; ok {
						e := ended(all[old], sessions.EndReplaced)
						all[old] = e
						if rapid.Bool().Draw(rt, "old first") {
							c.Sessions = []sessions.Session{e, s}
						} else {
							c.Sessions = append(c.Sessions, e)
						}
					}
					all[s.ID] = s
					runningOf[plate] = s.ID
				case 2: // end or re-end any known session
					if len(all) == 0 {
						continue
					}
					id := rapid.Uint64Range(1, nextID-1).Draw(rt, "id")
					s := ended(all[id], rapid.SampledFrom(reasons).Draw(rt, "reason"))
					if runningOf[s.Plate] == id {
						delete(runningOf, s.Plate)
					}
					all[id] = s
					c.Sessions = []sessions.Session{s}
				case 3: // put an account with some numbers, taking them over
					id := rapid.SampledFrom(accountIDs).Draw(rt, "account")
					ns := rapid.SliceOfNDistinct(rapid.SampledFrom(numbers), 1, 3, rapid.ID).Draw(rt, "numbers")
					for n, h := range holder {
						if h == id && !slices.Contains(ns, n) {
							delete(holder, n)
						}
					}
					// The engine puts the losing accounts too.
					for _, other := range accountIDs {
						a, ok := accounts[other]
						if other == id || !ok {
							continue
						}
						kept := slices.DeleteFunc(slices.Clone(a.Numbers), func(n string) bool { return slices.Contains(ns, n) })
						if len(kept) != len(a.Numbers) {
							a.Numbers = kept
							accounts[other] = a
							c.Accounts = append(c.Accounts, a)
						}
					}
					a := sessions.Account{ID: id, Package: sessions.Premium, Numbers: ns}
					accounts[id] = a
					for _, n := range ns {
						holder[n] = id
					}
					c.Accounts = append(c.Accounts, a)
					if rapid.Bool().Draw(rt, "new holder first") {
						slices.Reverse(c.Accounts)
					}
				case 4: // delete an account
					id := rapid.SampledFrom(accountIDs).Draw(rt, "account")
					delete(accounts, id)
					for n, h := range holder {
						if h == id {
							delete(holder, n)
						}
					}
					c.DeletedAccounts = []string{id}
				}
				c.NextID = nextID
				batch = append(batch, c)
			}
			if err := db.Commit(ctx, batch); err != nil {
				rt.Fatalf("Commit: %v", err)
			}

			st, err := db.Load(ctx)
			if err != nil {
				rt.Fatalf("Load: %v", err)
			}
			got := map[string]uint64{}
			for _, s := range st.Running {
				got[s.Plate] = s.ID
			}
			if fmt.Sprint(got) != fmt.Sprint(runningOf) {
				rt.Fatalf("running = %v, model %v", got, runningOf)
			}
			for _, n := range numbers {
				a, err := db.AccountOf(ctx, n)
				if want := holder[n]; a.ID != want {
					rt.Fatalf("AccountOf(%s) = %q, %v; model %q", n, a.ID, err, want)
				}
			}
			if err := db.Check(ctx); err != nil {
				rt.Fatalf("Check: %v", err)
			}
		}
	})
}
