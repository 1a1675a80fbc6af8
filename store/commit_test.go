package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"smspark/sessions"
	"smspark/store"
)

func TestSessionRoundTrip(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	s := running(1, "+32470000001", "1ABC123", "1021")
	s.Account, s.Operator, s.Free, s.Voucher = "A1", "proximus", true, "V-1"
	commit(t, db, sessions.Change{Sessions: []sessions.Session{s}, NextID: 2})

	got, err := db.Session(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("Session = %+v, want %+v", got, s)
	}
	st := load(t, db)
	if !reflect.DeepEqual(st.Running, []sessions.Session{s}) || st.NextID != 2 {
		t.Errorf("Load = %+v", st)
	}
	if _, err := db.Session(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session(99): %v, want ErrNotFound", err)
	}

	// Times in another zone survive as the same instant.
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	s2 := running(2, "+32470000002", "2DEF456", "1021")
	s2.Start = s2.Start.In(brussels)
	commit(t, db, sessions.Change{Sessions: []sessions.Session{s2}})
	if got, err := db.Session(ctx, 2); err != nil || !got.Start.Equal(s2.Start) {
		t.Errorf("Session(2) start = %v, %v; want %v", got.Start, err, s2.Start)
	}
}

func TestRunningIndex(t *testing.T) {
	const num = "+32470000001"
	a := running(1, num, "1ABC123", "1021")
	b := running(2, num, "1ABC123", "1030") // the same plate moved to another zone
	c := running(3, num, "2DEF456", "1021")

	for _, tc := range []struct {
		name    string
		changes [][]sessions.Change
		want    []uint64 // running session IDs after
	}{
		{"start", [][]sessions.Change{{{Sessions: []sessions.Session{a, c}}}}, []uint64{1, 3}},
		{"start then stop", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}},
			{{Sessions: []sessions.Session{ended(a, sessions.EndStop)}}},
		}, nil},
		{"stop in the same batch", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}, {Sessions: []sessions.Session{ended(a, sessions.EndStop)}}},
		}, nil},
		{"replaced, old ended first", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}},
			{{Sessions: []sessions.Session{ended(a, sessions.EndReplaced), b}}},
		}, []uint64{2}},
		{"replaced, new put first", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}},
			{{Sessions: []sessions.Session{b, ended(a, sessions.EndReplaced)}}},
		}, []uint64{2}},
		{"ended session moved to another ended state", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}},
			{{Sessions: []sessions.Session{ended(a, sessions.EndMaxDuration)}}},
			{{Sessions: []sessions.Session{ended(a, sessions.EndAdmin)}}},
		}, nil},
		{"an old ended session put again leaves the plate's new session", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}},
			{{Sessions: []sessions.Session{ended(a, sessions.EndReplaced), b}}},
			{{Sessions: []sessions.Session{ended(a, sessions.EndAdmin)}}},
		}, []uint64{2}},
		{"plate of a running session corrected", [][]sessions.Change{
			{{Sessions: []sessions.Session{a}}},
			{{Sessions: []sessions.Session{func() sessions.Session { s := a; s.Plate = "1ABC128"; return s }()}}},
		}, []uint64{1}},
		{"every end reason", [][]sessions.Change{
			{{Sessions: []sessions.Session{a, c, running(4, num, "4", "1"), running(5, num, "5", "1"), running(6, num, "6", "1")}}},
			{{Sessions: []sessions.Session{
				ended(a, sessions.EndStop), ended(c, sessions.EndReplaced),
				ended(running(4, num, "4", "1"), sessions.EndMaxDuration),
				ended(running(5, num, "5", "1"), sessions.EndVoucher),
				ended(running(6, num, "6", "1"), sessions.EndAdmin),
			}}},
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := MustOpen(t) // its cleanup checks the index invariants
			for _, batch := range tc.changes {
				commit(t, db, batch...)
			}
			if got := ids(load(t, db).Running); !slices.Equal(got, tc.want) {
				t.Errorf("running = %v, want %v", got, tc.want)
			}
			got, err := db.Sessions(context.Background(), store.SessionFilter{Running: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("Sessions(Running) = %v, want %v", ids(got), tc.want)
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	const n1, n2, n3 = "+32470000001", "+32470000002", "+32470000003"
	acct := func(id string, numbers ...string) sessions.Account {
		return sessions.Account{ID: id, Package: sessions.Premium, Numbers: numbers, Created: t0}
	}
	for _, tc := range []struct {
		name    string
		changes []sessions.Change
		want    map[string]string // number -> account ID ("" = none)
	}{
		{"create", []sessions.Change{{Accounts: []sessions.Account{acct("A", n1, n2)}}},
			map[string]string{n1: "A", n2: "A", n3: ""}},
		{"number added and removed", []sessions.Change{
			{Accounts: []sessions.Account{acct("A", n1, n2)}},
			{Accounts: []sessions.Account{acct("A", n2, n3)}},
		}, map[string]string{n1: "", n2: "A", n3: "A"}},
		{"number moved, new holder first", []sessions.Change{
			{Accounts: []sessions.Account{acct("A", n1, n2), acct("B", n3)}},
			{Accounts: []sessions.Account{acct("B", n3, n2), acct("A", n1)}},
		}, map[string]string{n1: "A", n2: "B", n3: "B"}},
		{"number moved, old holder first", []sessions.Change{
			{Accounts: []sessions.Account{acct("A", n1, n2), acct("B", n3)}},
			{Accounts: []sessions.Account{acct("A", n1), acct("B", n3, n2)}},
		}, map[string]string{n1: "A", n2: "B", n3: "B"}},
		{"deleted", []sessions.Change{
			{Accounts: []sessions.Account{acct("A", n1, n2), acct("B", n3)}},
			{DeletedAccounts: []string{"A", "unknown"}},
		}, map[string]string{n1: "", n2: "", n3: "B"}},
		{"deleted and number reused in one change", []sessions.Change{
			{Accounts: []sessions.Account{acct("A", n1)}},
			{DeletedAccounts: []string{"A"}, Accounts: []sessions.Account{acct("B", n1)}},
		}, map[string]string{n1: "B"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := MustOpen(t)
			ctx := context.Background()
			commit(t, db, tc.changes...)
			for number, want := range tc.want {
				a, err := db.AccountOf(ctx, number)
				switch {
				case want == "" && !errors.Is(err, store.ErrNotFound):
					t.Errorf("AccountOf(%s) = %q, %v; want ErrNotFound", number, a.ID, err)
				case want != "" && (err != nil || a.ID != want):
					t.Errorf("AccountOf(%s) = %q, %v; want %q", number, a.ID, err, want)
				case want != "" && !slices.Contains(a.Numbers, number):
					t.Errorf("AccountOf(%s) = %+v, which does not hold it", number, a)
				}
			}
		})
	}

	t.Run("load and read", func(t *testing.T) {
		db := MustOpen(t)
		ctx := context.Background()
		a, b := acct("A", n1), acct("B", n2, n3)
		b.Package = sessions.Pro
		commit(t, db, sessions.Change{Accounts: []sessions.Account{b, a}})
		if got := load(t, db).Accounts; !reflect.DeepEqual(got, []sessions.Account{a, b}) {
			t.Errorf("Load accounts = %+v", got)
		}
		if got, err := db.Account(ctx, "B"); err != nil || !reflect.DeepEqual(got, b) {
			t.Errorf("Account(B) = %+v, %v", got, err)
		}
		commit(t, db, sessions.Change{DeletedAccounts: []string{"B"}})
		if _, err := db.Account(ctx, "B"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Account(B) after delete: %v, want ErrNotFound", err)
		}
	})
}

func TestSettingsAndNextID(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	s1 := sessions.Settings{Number: "+32470000001", Language: "fr", LastPlate: "1ABC123", Parked: true,
		Month: "2026-11", MonthCents: 1250, PassRequests: []time.Time{t0}}
	s2 := sessions.Settings{Number: "+32470000002", ConfirmationsOff: true}
	commit(t, db,
		sessions.Change{Settings: []sessions.Settings{s2, s1}, NextID: 10},
		sessions.Change{NextID: 5}, // the stored NextID only grows
	)
	st := load(t, db)
	if !reflect.DeepEqual(st.Settings, []sessions.Settings{s1, s2}) {
		t.Errorf("Load settings = %+v", st.Settings)
	}
	if st.NextID != 10 {
		t.Errorf("NextID = %d, want 10", st.NextID)
	}
	if got, err := db.Settings(ctx, s1.Number); err != nil || !reflect.DeepEqual(got, s1) {
		t.Errorf("Settings = %+v, %v", got, err)
	}
	if _, err := db.Settings(ctx, "+32479999999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Settings(unknown): %v, want ErrNotFound", err)
	}
	// NextID is above every stored ID even if the engine stored less.
	commit(t, db, sessions.Change{Sessions: []sessions.Session{running(20, s1.Number, "1ABC123", "1021")}},
		sessions.Change{Messages: []sessions.Message{{ID: 30, To: s1.Number, Status: "queued"}}})
	if got := load(t, db).NextID; got != 31 {
		t.Errorf("NextID = %d, want 31", got)
	}
}

func TestCommitFailureWritesNothing(t *testing.T) {
	good := sessions.Change{
		Sessions: []sessions.Session{running(1, "+32470000001", "1ABC123", "1021")},
		Settings: []sessions.Settings{{Number: "+32470000001", Parked: true}},
		Accounts: []sessions.Account{{ID: "A", Package: sessions.Premium, Numbers: []string{"+32470000001"}}},
		Messages: []sessions.Message{{ID: 2, To: "+32470000001", Status: "queued"}},
		NextID:   3,
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		close   bool
		changes []sessions.Change
		want    error
	}{
		{"invalid session later in the batch", context.Background(), false,
			[]sessions.Change{good, {Sessions: []sessions.Session{{ID: 9}}}}, store.ErrInvalidChange},
		{"invalid settings", context.Background(), false,
			[]sessions.Change{good, {Settings: []sessions.Settings{{Language: "nl"}}}}, store.ErrInvalidChange},
		{"invalid account", context.Background(), false,
			[]sessions.Change{good, {Accounts: []sessions.Account{{ID: "B", Numbers: []string{""}}}}}, store.ErrInvalidChange},
		{"a second running session of a plate", context.Background(), false,
			[]sessions.Change{good, {Sessions: []sessions.Session{running(9, "+32470000002", "1ABC123", "1030")}}}, store.ErrInvalidChange},
		{"a number in two accounts", context.Background(), false,
			[]sessions.Change{good, {Accounts: []sessions.Account{{ID: "B", Package: sessions.Pro, Numbers: []string{"+32470000001"}}}}}, store.ErrInvalidChange},
		{"context cancelled", cancelled, false, []sessions.Change{good}, context.Canceled},
		{"closed", context.Background(), true, []sessions.Change{good}, store.ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := MustOpenAt(t, dir)
			if tc.close {
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
			}
			err := db.Commit(tc.ctx, tc.changes)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Commit: %v, want %v", err, tc.want)
			}
			if tc.close {
				db = MustOpenAt(t, dir)
			}
			st := load(t, db)
			if len(st.Running)+len(st.Settings)+len(st.Accounts) != 0 || st.NextID != 1 {
				t.Errorf("after failed Commit, Load = %+v; want empty", st)
			}
			ctx := context.Background()
			if _, err := db.Session(ctx, 1); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Session(1): %v, want ErrNotFound", err)
			}
			if ms, err := db.Messages(ctx, store.MessageFilter{}); err != nil || len(ms) != 0 {
				t.Errorf("Messages = %v, %v; want none", ms, err)
			}
			if _, err := db.AccountOf(ctx, "+32470000001"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("AccountOf: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestSessionsFilter(t *testing.T) {
	db := MustOpen(t)
	const n1, n2 = "+32470000001", "+32470000002"
	s1 := ended(running(1, n1, "1AAA111", "1021"), sessions.EndStop) // ends t0+1m+1h
	s2 := ended(running(2, n2, "1BBB222", "1030"), sessions.EndStop) // ends t0+2m+1h
	s2.Account = "A"
	s3 := running(3, n1, "1AAA111", "1030")
	s4 := running(4, n2, "1CCC333", "1021")
	s4.Account = "A"
	commit(t, db, sessions.Change{Sessions: []sessions.Session{s4, s3, s2, s1}})

	for _, tc := range []struct {
		name string
		f    store.SessionFilter
		want []uint64
	}{
		{"all", store.SessionFilter{}, []uint64{1, 2, 3, 4}},
		{"number", store.SessionFilter{Number: n1}, []uint64{1, 3}},
		{"plate", store.SessionFilter{Plate: "1AAA111"}, []uint64{1, 3}},
		{"zone", store.SessionFilter{Zone: "1030"}, []uint64{2, 3}},
		{"account", store.SessionFilter{Account: "A"}, []uint64{2, 4}},
		{"running", store.SessionFilter{Running: true}, []uint64{3, 4}},
		{"running plate", store.SessionFilter{Running: true, Plate: "1AAA111"}, []uint64{3}},
		{"running plate not running", store.SessionFilter{Running: true, Plate: "1BBB222"}, nil},
		{"running zone", store.SessionFilter{Running: true, Zone: "1021"}, []uint64{4}},
		{"ended from", store.SessionFilter{From: s2.End}, []uint64{2}},
		{"ended to (exclusive)", store.SessionFilter{To: s2.End}, []uint64{1}},
		{"ended in range", store.SessionFilter{From: t0, To: t0.Add(24 * time.Hour)}, []uint64{1, 2}},
		{"ended and running", store.SessionFilter{From: t0, Running: true}, nil},
		{"limit", store.SessionFilter{Limit: 3}, []uint64{1, 2, 3}},
		{"running limit", store.SessionFilter{Running: true, Limit: 1}, []uint64{3}},
		{"no match", store.SessionFilter{Number: "+32479999999"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Sessions(context.Background(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("Sessions(%+v) = %v, want %v", tc.f, ids(got), tc.want)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	db := MustOpen(t)
	const n1, n2 = "+32470000001", "+32470000002"
	m := func(id uint64, to, status string) sessions.Message {
		o := sessions.Started
		return sessions.Message{ID: id, To: to, Source: o.Source(), Outcome: o, Text: "ok", Created: t0, Status: status}
	}
	commit(t, db,
		sessions.Change{Messages: []sessions.Message{m(3, n1, "queued"), m(1, n1, "queued"), m(2, n2, "queued")}},
		sessions.Change{Messages: []sessions.Message{m(1, n1, "sent")}}, // a status update
	)
	for _, tc := range []struct {
		name string
		f    store.MessageFilter
		want []uint64
	}{
		{"all", store.MessageFilter{}, []uint64{1, 2, 3}},
		{"to", store.MessageFilter{To: n1}, []uint64{1, 3}},
		{"status", store.MessageFilter{Status: "queued"}, []uint64{2, 3}},
		{"to and status", store.MessageFilter{To: n1, Status: "sent"}, []uint64{1}},
		{"limit", store.MessageFilter{Status: "queued", Limit: 1}, []uint64{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Messages(context.Background(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []uint64
			for _, m := range got {
				gotIDs = append(gotIDs, m.ID)
			}
			if !slices.Equal(gotIDs, tc.want) {
				t.Errorf("Messages(%+v) = %v, want %v", tc.f, gotIDs, tc.want)
			}
		})
	}
	got, err := db.Messages(context.Background(), store.MessageFilter{To: n2})
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], m(2, n2, "queued")) {
		t.Errorf("Messages(to n2) = %+v, %v", got, err)
	}
}

func TestReadCancelled(t *testing.T) {
	db := MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Load(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Load: %v, want context.Canceled", err)
	}
	if _, err := db.Sessions(ctx, store.SessionFilter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Sessions: %v, want context.Canceled", err)
	}
	if err := db.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Check: %v, want context.Canceled", err)
	}
}
