package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smspark/apikeys"
	"smspark/config"
	"smspark/httpapi"
	"smspark/smpp/smsc"
	"smspark/store"
)

// adminE2E is the real engine, bound to the SMSC simulator, with its admin
// endpoint on loopback.
type adminE2E struct {
	*e2e
	url string // the admin endpoint
}

// startAdminE2E runs Main (as startE2E does) with an admin endpoint, its
// ConfigPath set to configPath ("" for the embedded default).
func startAdminE2E(t *testing.T, configPath string) *adminE2E {
	t.Helper()
	e := &e2e{t: t, clock: &setClock{now: mustTime(t, "2026-11-23T08:00:00+01:00")}, dir: t.TempDir()}
	sim, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "secret",
		Operator: "proximus", Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Listen(); err != nil {
		t.Fatal(err)
	}
	simCtx, simCancel := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(simCtx) }()
	e.sim = sim

	cfg := config.Default()
	cfg.SMSCs = []config.SMSC{{Name: "proximus-1", Operator: "proximus", Address: sim.Addr(), SystemID: "smspark",
		Password: "secret", BindMode: config.BindTransceiver, Window: 10, EnquireLink: 2 * time.Second,
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 200 * time.Millisecond}}
	e.main = &Main{Config: cfg, ConfigPath: configPath, DataDir: e.dir, HTTPAddr: "127.0.0.1:0",
		AdminAddr: "127.0.0.1:0", Logger: testLogger(t), Clock: e.clock}
	if err := e.main.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.main.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine Run: %v", err)
		}
		if err := e.main.DB.Check(context.Background()); err != nil {
			t.Errorf("store check: %v", err)
		}
		e.main.Close()
		simCancel()
		<-simDone
	})
	e.waitBound()
	if e.main.Admin.KeyRequired() {
		t.Fatal("a loopback admin endpoint requires a key")
	}
	return &adminE2E{e2e: e, url: "http://" + e.main.Admin.Addr()}
}

// in returns the same engine for a subtest: its helpers fail t.
func (a *adminE2E) in(t *testing.T) *adminE2E {
	e := *a.e2e
	e.t = t
	return &adminE2E{e2e: &e, url: a.url}
}

// cli runs an admin command against the engine's admin endpoint and
// returns its output; it must succeed.
func (a *adminE2E) cli(args ...string) string {
	a.t.Helper()
	out, err := run(a.t, append(args, "--server", a.url)...)
	if err != nil {
		a.t.Fatalf("smspark %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// cliJSON runs an admin command with --json and decodes its output.
func (a *adminE2E) cliJSON(v any, args ...string) {
	a.t.Helper()
	out := a.cli(append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		a.t.Fatalf("smspark %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// cliErr runs an admin command that must fail, and returns its error.
func (a *adminE2E) cliErr(args ...string) error {
	a.t.Helper()
	out, err := run(a.t, append(args, "--server", a.url)...)
	if err == nil {
		a.t.Fatalf("smspark %s succeeded:\n%s", strings.Join(args, " "), out)
	}
	return err
}

// TestAdminServerCommands runs every admin command in --server mode
// against the running engine.
func TestAdminServerCommands(t *testing.T) {
	a := startAdminE2E(t, "")
	const phone = "+32475000001"

	t.Run("status", func(t *testing.T) {
		a := a.in(t)
		out := a.cli("status")
		for _, want := range []string{"proximus-1", "trx", " up ", "0/10", "outbox", "smspark.db"} {
			if !strings.Contains(out, want) {
				t.Errorf("status lacks %q:\n%s", want, out)
			}
		}
		var st httpapi.AdminStatus
		a.cliJSON(&st, "status")
		if len(st.Binds) != 1 || st.Binds[0].State != "up" || st.Binds[0].Window != 10 || !st.EngineRunning ||
			st.Store.SizeBytes == 0 || st.Version != version {
			t.Fatalf("status: %+v", st)
		}
	})

	t.Run("sessions", func(t *testing.T) {
		a := a.in(t)
		if mt := a.sms("2026-11-23T10:00:00+01:00", phone, "1021 1ABC123"); mt.From != "4411" {
			t.Fatalf("start: %+v", mt)
		}
		var list []sessionJSON
		a.cliJSON(&list, "sessions", "list", "--running", "--plate", "1-abc-123")
		if len(list) != 1 || list[0].Zone != "1021" || list[0].End != nil {
			t.Fatalf("running: %+v", list)
		}
		id := strconv.FormatUint(list[0].ID, 10)
		if out := a.cli("sessions", "show", id); !strings.Contains(out, "1ABC123") || !strings.Contains(out, "running") {
			t.Fatalf("show:\n%s", out)
		}
		if out := a.cli("sessions", "list", "--number", "0475000001", "--zone", "1021"); !strings.Contains(out, "1ABC123") {
			t.Fatalf("list by number:\n%s", out)
		}
		var st httpapi.AdminStatus
		a.cliJSON(&st, "status")
		if st.RunningSessions["Brussels"] != 1 {
			t.Fatalf("running by city: %v", st.RunningSessions)
		}

		a.clock.Set(mustTime(t, "2026-11-23T10:30:00+01:00"))
		var stopped sessionJSON
		a.cliJSON(&stopped, "sessions", "stop", "--plate", "1ABC123")
		if stopped.EndReason == nil || *stopped.EndReason != "admin" || stopped.End == nil {
			t.Fatalf("stop: %+v", stopped)
		}
		// The motorist is told, over SMPP.
		if mt := a.reply(phone); mt.From != "4411" || !strings.Contains(mt.Text, "1ABC123") {
			t.Fatalf("stopped SMS: %+v", mt)
		}
		if err := a.cliErr("sessions", "stop", id); !strings.Contains(err.Error(), "404") {
			t.Fatalf("stopping it again: %v", err)
		}
		if err := a.cliErr("sessions", "show", "999999"); !strings.Contains(err.Error(), "no session") {
			t.Fatalf("unknown session: %v", err)
		}
	})

	t.Run("accounts", func(t *testing.T) {
		a := a.in(t)
		id := strings.TrimSpace(a.cli("accounts", "create", "--package", "premium", "--number", "+32475000011"))
		if !strings.HasPrefix(id, "A") {
			t.Fatalf("account id %q", id)
		}
		steps := []struct {
			args    []string
			wantErr string
			want    string
		}{
			{[]string{"show"}, "", "+32475000011"},
			{[]string{"add-number", "--number", "+32475000012"}, "", "+32475000012"},
			{[]string{"add-number", "--number", "+32475000013"}, "", "premium"},
			{[]string{"add-number", "--number", "+32475000014"}, "", "+32475000014"},
			{[]string{"add-number", "--number", "+32475000015"}, "too many numbers", ""},
			{[]string{"set-package", "--package", "pro"}, "", "pro"},
			{[]string{"remove-number", "--number", "+32475000014"}, "", "pro"},
			{[]string{"set-package", "--package", "gold"}, "package", ""},
		}
		for _, s := range steps {
			t.Run(strings.Join(s.args, " "), func(t *testing.T) {
				a := a.in(t)
				args := append([]string{"accounts", s.args[0], "--account", id}, s.args[1:]...)
				if s.wantErr != "" {
					if err := a.cliErr(args...); !strings.Contains(err.Error(), s.wantErr) {
						t.Fatalf("err %v, want %q", err, s.wantErr)
					}
					return
				}
				if out := a.cli(args...); !strings.Contains(out, s.want) {
					t.Fatalf("want %q:\n%s", s.want, out)
				}
			})
		}
		var acct accountOut
		a.cliJSON(&acct, "accounts", "show", "--account", id)
		if acct.ID != id || acct.Package != "pro" || len(acct.Numbers) != 3 {
			t.Fatalf("account: %+v", acct)
		}
		if err := a.cliErr("accounts", "show", "--account", "ANOSUCH1"); !strings.Contains(err.Error(), "404") {
			t.Fatalf("unknown account: %v", err)
		}
	})

	t.Run("vouchers", func(t *testing.T) {
		a := a.in(t)
		var free httpapi.AdminVoucherLookup
		a.cliJSON(&free, "vouchers", "issue", "--city", "Blankenberge", "--type", "BLA", "--citizen", "An Peeters",
			"--street", "Kerkstraat", "--number", "12", "--quantity", "10")
		if free.Order.Status != "paid" || free.Order.Channel != "backoffice" || len(free.Order.Vouchers) != 10 {
			t.Fatalf("free order: %+v", free.Order)
		}
		code := free.Order.Vouchers[3].Code
		var byCode httpapi.AdminVoucherLookup
		a.cliJSON(&byCode, "vouchers", "show", code)
		if byCode.Order.ID != free.Order.ID || byCode.Voucher == nil || byCode.Voucher.Code != code {
			t.Fatalf("show by code: %+v", byCode)
		}
		if out := a.cli("vouchers", "show", free.Order.ID); !strings.Contains(out, code) || !strings.Contains(out, "available") {
			t.Fatalf("show by order:\n%s", out)
		}
		var paying httpapi.AdminVoucherLookup
		a.cliJSON(&paying, "vouchers", "issue", "--city", "Brussels", "--type", "VBR", "--citizen", "Jean Dupont",
			"--street", "Avenue Louise", "--number", "1", "--quantity", "2", "--lang", "fr")
		if paying.Order.Status != "awaiting_payment" || paying.Order.PriceCents != 500 || paying.Order.Payment.Reference == "" {
			t.Fatalf("order to pay: %+v", paying.Order)
		}
		if out := a.cli("vouchers", "cancel", paying.Order.ID); !strings.Contains(out, "cancelled") {
			t.Fatalf("cancel:\n%s", out)
		}
		if err := a.cliErr("vouchers", "cancel", free.Order.ID); !strings.Contains(err.Error(), "409") {
			t.Fatalf("cancelling a paid order: %v", err)
		}
		if err := a.cliErr("vouchers", "issue", "--city", "Blankenberge", "--type", "BLA", "--citizen", "X",
			"--street", "Kerkstraat", "--number", "12", "--quantity", "7"); !strings.Contains(err.Error(), "bundle") {
			t.Fatalf("not a bundle: %v", err)
		}
		if err := a.cliErr("vouchers", "show", "BLANOSUCH99"); !strings.Contains(err.Error(), "404") {
			t.Fatalf("unknown code: %v", err)
		}
	})

	t.Run("statements", func(t *testing.T) {
		a := a.in(t)
		const p = "+32475000021"
		id := strings.TrimSpace(a.cli("accounts", "create", "--package", "premium", "--number", p))
		a.sms("2026-11-22T10:00:00+01:00", p, "1021 2XYZ222") // first use, a Sunday: free
		a.sms("2026-11-22T10:05:00+01:00", p, "Q")
		a.sms("2026-11-23T10:00:00+01:00", p, "1021 2XYZ222")
		a.sms("2026-11-23T11:08:00+01:00", p, "Q") // 283
		dir := t.TempDir()
		var totals []httpapi.AdminStatementTotal
		a.cliJSON(&totals, "statements", "generate", "--month", "2026-11", "--account", id, "--out", dir)
		if len(totals) != 1 || totals[0].TotalCents != 283 || totals[0].Sessions != 2 {
			t.Fatalf("totals: %+v", totals)
		}
		var st struct {
			TotalCents int64 `json:"total_cents"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, id+"-2026-11.json"))
		if err != nil || json.Unmarshal(raw, &st) != nil || st.TotalCents != 283 {
			t.Fatalf("statement file: %v %s", err, raw)
		}
		if pdf, err := os.ReadFile(filepath.Join(dir, id+"-2026-11.pdf")); err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("pdf: %v", err)
		}
		if out := a.cli("statements", "generate", "--month", "2026-11", "--out", t.TempDir()); !strings.Contains(out, id) ||
			!strings.Contains(out, "2.83") {
			t.Fatalf("all accounts:\n%s", out)
		}
		if err := a.cliErr("statements", "generate", "--month", "2026-11", "--account", "ANOSUCH1", "--out", dir); err == nil ||
			!strings.Contains(err.Error(), "account") {
			t.Fatalf("unknown account: %v", err)
		}
		// The Easy number's session of the 23rd, on proximus's charge file.
		a.sms("2026-11-23T12:00:00+01:00", phone, "1021 1ABC123")
		a.sms("2026-11-23T13:00:00+01:00", phone, "Q")
		if out := a.cli("statements", "charges", "--day", "2026-11-23", "--operator", "proximus"); !strings.Contains(out, "+32475000001") {
			t.Fatalf("charges:\n%s", out)
		}
	})

	t.Run("keys", func(t *testing.T) {
		a := a.in(t)
		key := strings.TrimSpace(a.cli("keys", "create", "--role", "warden", "--city", "Brussels", "--label", "wardens"))
		if !strings.HasPrefix(key, "sk_warden_") {
			t.Fatalf("key %q", key)
		}
		rec, err := a.main.DB.APIKeyByHash(context.Background(), store.HashKey(key))
		if err != nil || rec.Role != "warden" || rec.City != "Brussels" {
			t.Fatalf("stored key: %+v %v", rec, err)
		}
		var keys []apikeys.Listed
		a.cliJSON(&keys, "keys", "list")
		if len(keys) != 1 || keys[0].ID != rec.ID || keys[0].Key != "" {
			t.Fatalf("keys: %+v", keys)
		}
		if out := a.cli("keys", "list"); !strings.Contains(out, rec.ID) || strings.Contains(out, key) {
			t.Fatalf("list:\n%s", out)
		}
		if err := a.cliErr("keys", "create", "--role", "portal", "--city", "Atlantis"); !strings.Contains(err.Error(), "Atlantis") {
			t.Fatalf("unknown city: %v", err)
		}
	})

	t.Run("backup", func(t *testing.T) {
		a := a.in(t)
		file := filepath.Join(t.TempDir(), "copy.db")
		if out := a.cli("backup", file); !strings.Contains(out, "bytes") {
			t.Fatalf("backup:\n%s", out)
		}
		checkBackup(t, file)
		if err := a.cliErr("backup", file); !errors.Is(err, os.ErrExist) {
			t.Fatalf("backup over a file: %v", err)
		}
	})
}

// checkBackup opens a copy of a backup as a store: the consistency check
// passes (every record decodes, the running index matches the running
// sessions) and it holds sessions. It returns how many.
func checkBackup(t *testing.T, file string) int {
	t.Helper()
	dir := t.TempDir()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, store.FileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatalf("backup %s does not open: %v", file, err)
	}
	defer db.Close()
	if err := db.Check(context.Background()); err != nil {
		t.Fatalf("backup %s: %v", file, err)
	}
	all, err := db.Sessions(context.Background(), store.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	running, err := db.Sessions(context.Background(), store.SessionFilter{Running: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range all {
		if s.Running() {
			n++
		}
	}
	if n != len(running) || len(all) == 0 {
		t.Fatalf("backup %s: %d sessions, %d running, %d in the running index", file, len(all), n, len(running))
	}
	return len(all)
}

// TestAdminBackupUnderLoad takes hot backups while phones text the engine
// over SMPP; each opens as a consistent store.
func TestAdminBackupUnderLoad(t *testing.T) {
	a := startAdminE2E(t, "")
	a.clock.Set(mustTime(t, "2026-11-23T10:00:00+01:00"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		wg   sync.WaitGroup
		sent atomic.Int64
		errs = make(chan error, 8)
	)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := fmt.Sprintf("+324750020%02d", i)
			for j := 0; ctx.Err() == nil; j++ {
				plate := fmt.Sprintf("%dLD%03d", i, j/2%1000)
				text := "1021 " + plate
				if j%2 == 1 {
					text = "Q " + plate
				}
				dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
				d, err := a.sim.DeliverMO(dctx, smsc.MO{From: from, To: "4411", Text: text})
				dcancel()
				if ctx.Err() != nil {
					return
				}
				if err != nil || d.Status != smsc.StatusOK {
					errs <- fmt.Errorf("MO %q from %s: %v %v", text, from, d.Status, err)
					return
				}
				sent.Add(1)
			}
		}()
	}
	waitFor(t, "40 MOs", func() bool { return sent.Load() >= 40 })
	// Back up again and again until 150 MOs were handled meanwhile.
	var files []string
	before := sent.Load()
	for i := 0; i < 50 && sent.Load() < before+150; i++ {
		file := filepath.Join(t.TempDir(), fmt.Sprintf("hot-%d.db", i))
		a.cli("backup", file)
		files = append(files, file)
	}
	during := sent.Load() - before
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d backups while %d MOs were handled", len(files), during)
	if during == 0 {
		t.Fatal("no MO was handled while backing up")
	}
	for _, f := range files {
		checkBackup(t, f)
	}
}

// TestAdminConfigReload: a changed tariff applies to the next session; a
// file that does not load (422) and a zone removed under a running
// session (409) are refused with the reason, and the tariff in force
// stays.
func TestAdminConfigReload(t *testing.T) {
	ref, err := os.ReadFile(filepath.Join("..", "..", "config", "reference.yml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "smspark.yml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(string(ref))
	a := startAdminE2E(t, file)
	// The file names the SMSC the engine runs with: a reload applies the
	// file's SMSCs too.
	smsc := fmt.Sprintf("smscs:\n  - name: proximus-1\n    operator: proximus\n    address: %s\n    system_id: smspark\n"+
		"    password: secret\n    bind_mode: transceiver\n    window: 10\n    enquire_link: 2s\n    reconnect_min: 10ms\n"+
		"    reconnect_max: 200ms\n", a.sim.Addr())
	ref = []byte(strings.Replace(string(ref), "smscs: []\n", smsc, 1))
	write(string(ref))
	const p = "+32475000031"
	a.sms("2026-11-22T10:00:00+01:00", p, "1021 3ABC333") // first use, free
	a.sms("2026-11-22T10:05:00+01:00", p, "Q")

	const louise = "        name: Louise\n        charging: [\"mon-sat 09:00-21:00\"]\n        rate_per_hour: 2.50\n"
	if !strings.Contains(string(ref), louise) {
		t.Fatal("reference.yml: zone 1021 not found as expected")
	}
	write(strings.Replace(string(ref), louise, strings.Replace(louise, "2.50", "5.00", 1), 1))
	// The file's SMSC has the configuration's default pace; the engine's
	// had none: it is re-bound with it.
	if out := a.cli("config", "reload"); !strings.Contains(out, "configuration reloaded: applied cities, smscs") ||
		!strings.Contains(out, "proximus-1 changed: max_submits_per_second (re-bound)") {
		t.Fatalf("reload:\n%s", out)
	}
	a.waitBound()
	a.sms("2026-11-23T10:00:00+01:00", p, "1021 3ABC333")
	if mt := a.sms("2026-11-23T11:08:00+01:00", p, "Q"); !strings.Contains(mt.Text, "5,67") {
		t.Fatalf("68 minutes at €5.00 an hour: %q", mt.Text)
	}

	write("cities: [\n")
	err = a.cliErr("config", "reload")
	if !strings.Contains(err.Error(), "422") || !strings.Contains(err.Error(), file) {
		t.Fatalf("bad YAML: %v", err)
	}
	a.sms("2026-11-23T12:00:00+01:00", p, "8500 3ABC333")
	write(strings.Replace(string(ref), `code: "8500"`, `code: "8501"`, 1))
	if err := a.cliErr("config", "reload"); !strings.Contains(err.Error(), "409") || !strings.Contains(err.Error(), "8500") {
		t.Fatalf("zone gone under a running session: %v", err)
	}
	a.sms("2026-11-23T12:30:00+01:00", p, "Q")
	a.sms("2026-11-23T14:00:00+01:00", p, "1021 3ABC333")
	if mt := a.sms("2026-11-23T15:08:00+01:00", p, "Q"); !strings.Contains(mt.Text, "5,67") {
		t.Fatalf("after refused reloads the tariff in force stays: %q", mt.Text)
	}
}

// TestAdminKeyOffLoopback: an admin endpoint configured on a non-loopback
// address refuses requests without the admin key (401) or with another
// role's (403), and takes them with it. Tests send no traffic off
// loopback: the requests go through the endpoint's handler with a
// non-loopback client address.
func TestAdminKeyOffLoopback(t *testing.T) {
	m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	keys := map[string]string{}
	for _, role := range []string{"admin", "portal"} {
		city := ""
		if role == "portal" {
			city = "Brussels"
		}
		k, rec, err := newAPIKey(role, city, "test")
		if err != nil {
			t.Fatal(err)
		}
		if err := m.DB.PutAPIKey(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
		keys[role] = k
	}
	admin, err := httpapi.NewAdmin(httpapi.AdminOptions{Addr: "192.0.2.10:8081", Engine: m.Engine, Store: m.DB,
		Outbox: m.Sender, Vouchers: m.Vouchers})
	if err != nil {
		t.Fatal(err)
	}
	if !admin.KeyRequired() {
		t.Fatal("an admin endpoint off loopback needs no key")
	}
	for _, c := range []struct {
		name, key string
		want      int
	}{
		{"no key", "", http.StatusUnauthorized},
		{"unknown key", "sk_admin_nosuchkey", http.StatusUnauthorized},
		{"portal key", keys["portal"], http.StatusForbidden},
		{"admin key", keys["admin"], http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/admin/status", nil)
			req.RemoteAddr = "192.0.2.99:40000"
			if c.key != "" {
				req.Header.Set("Authorization", "Bearer "+c.key)
			}
			rec := httptest.NewRecorder()
			admin.Handler().ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("%d, want %d: %s", rec.Code, c.want, rec.Body)
			}
			if c.want != http.StatusOK && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("content type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}

// TestAdminTarget: every admin command refuses --server with --data, and
// neither.
func TestAdminTarget(t *testing.T) {
	dir := t.TempDir()
	commands := [][]string{
		{"status"},
		{"sessions", "list"},
		{"sessions", "show", "1"},
		{"sessions", "stop", "1"},
		{"accounts", "show", "--account", "A1"},
		{"accounts", "create", "--package", "premium", "--number", "+32475000001"},
		{"vouchers", "show", "BLA6JKPMWQR"},
		{"statements", "generate", "--month", "2026-11"},
		{"keys", "list"},
		{"backup", filepath.Join(dir, "b.db")},
	}
	for _, c := range commands {
		t.Run(strings.Join(c[:min(2, len(c))], " "), func(t *testing.T) {
			_, err := run(t, append(c, "--data", dir, "--server", "http://127.0.0.1:1")...)
			if !errors.Is(err, errTarget) || !strings.Contains(err.Error(), "mutually exclusive") {
				t.Fatalf("--data with --server: %v", err)
			}
			if _, err := run(t, c...); !errors.Is(err, errTarget) {
				t.Fatalf("neither: %v", err)
			}
		})
	}
	if _, err := run(t, "config", "reload", "--data", dir); err == nil {
		t.Fatal("config reload --data")
	}
}

// TestAdminDataMode: the new commands on a stopped engine's store.
func TestAdminDataMode(t *testing.T) {
	dir := storeDir(t)
	const phone = "+32475000041"
	// Now: `sessions stop --data` ends it on the wall clock.
	sms(t, dir, time.Now().Format(time.RFC3339), phone, "proximus", "1021 4ABC444")
	out, err := run(t, "sessions", "stop", "--data", dir, "--plate", "4ABC444", "--json")
	if err != nil {
		t.Fatal(err, out)
	}
	var s sessionJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.EndReason == nil || *s.EndReason != "admin" {
		t.Fatalf("stop: %v %s", err, out)
	}
	var st httpapi.AdminStatus
	out, err = run(t, "status", "--data", dir, "--json")
	if err != nil || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("status: %v %s", err, out)
	}
	// The stopped SMS waits for the engine.
	if st.EngineRunning || st.OutboxDepth != 1 || st.Store.SizeBytes == 0 || len(st.RunningSessions) != 0 {
		t.Fatalf("status: %+v", st)
	}
	if out, err := run(t, "status", "--data", dir); err != nil || !strings.Contains(out, "not running") {
		t.Fatalf("status: %v\n%s", err, out)
	}
	out, err = run(t, "vouchers", "issue", "--data", dir, "--city", "Blankenberge", "--type", "BLA", "--citizen", "An Peeters",
		"--street", "Kerkstraat", "--number", "12", "--quantity", "10", "--json")
	var l httpapi.AdminVoucherLookup
	if err != nil || json.Unmarshal([]byte(out), &l) != nil || l.Order.Status != "paid" || len(l.Order.Vouchers) != 10 {
		t.Fatalf("issue: %v %s", err, out)
	}
	if out, err := run(t, "vouchers", "show", "--data", dir, l.Order.Vouchers[0].Code); err != nil || !strings.Contains(out, l.Order.ID) {
		t.Fatalf("show: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "cold.db")
	if out, err := run(t, "backup", "--data", dir, file); err != nil {
		t.Fatal(err, out)
	}
	checkBackup(t, file)
}

// TestAdminAddrTaken: serve's default admin address, when taken, is
// logged and the engine runs without it; an address asked for must be
// listened on.
func TestAdminAddrTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, optional := range []bool{true, false} {
		t.Run(fmt.Sprintf("optional=%v", optional), func(t *testing.T) {
			m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: testLogger(t),
				AdminAddr: ln.Addr().String(), AdminOptional: optional}
			err := m.Open(context.Background())
			defer m.Close()
			switch {
			case optional && (err != nil || m.Admin != nil):
				t.Fatalf("Open: %v, admin %v", err, m.Admin)
			case !optional && err == nil:
				t.Fatal("Open took a taken admin address")
			}
		})
	}
}

// TestAdminServerDialect: the commands that once had only --data ask a
// running engine with --server too: reduced, permits, messages, keys
// revoke; all print --json.
func TestAdminServerDialect(t *testing.T) {
	a := startAdminE2E(t, "")
	const p = "+32475000061"
	a.sms("2026-11-23T10:00:00+01:00", p, "I")
	var msgs []map[string]any
	a.cliJSON(&msgs, "messages", "--number", "0475000061")
	if len(msgs) != 1 || msgs[0]["to"] != p {
		t.Fatalf("messages --server: %v", msgs)
	}
	var g grantOut
	a.cliJSON(&g, "reduced", "grant", "--city", "Kortrijk", "--number", p, "--from", "2026-11-01", "--to", "2026-12-31",
		"--by", "counter", "--reason", "UiTPAS")
	if g.City != "Kortrijk" || g.Percent != 25 || g.To != "2026-12-31" {
		t.Fatalf("reduced grant --server: %+v", g)
	}
	var gs []grantOut
	a.cliJSON(&gs, "reduced", "revoke", "--id", g.ID)
	if len(gs) != 1 || !gs[0].Revoked {
		t.Fatalf("reduced revoke --server: %+v", gs)
	}
	a.cliJSON(&gs, "reduced", "list", "--city", "Kortrijk")
	if len(gs) != 1 || gs[0].ID != g.ID {
		t.Fatalf("reduced list --server: %+v", gs)
	}
	var ps []permitJSON
	a.cliJSON(&ps, "permits", "list")
	if len(ps) != 0 {
		t.Fatalf("permits list --server: %+v", ps)
	}
	if err := a.cliErr("permits", "show", "PNOSUCH"); !strings.Contains(err.Error(), "404") {
		t.Fatalf("permits show unknown: %v", err)
	}
	var k apikeys.Listed
	a.cliJSON(&k, "keys", "create", "--role", "admin", "--label", "noc")
	var revoked []apikeys.Listed
	a.cliJSON(&revoked, "keys", "revoke", "--id", k.ID)
	if len(revoked) != 1 || !revoked[0].Revoked {
		t.Fatalf("keys revoke --server: %+v", revoked)
	}
	var entries []httpapi.AuditEntry
	a.cliJSON(&entries, "audit")
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, " ") != "reduced.grant reduced.revoke key.create key.revoke" {
		t.Fatalf("audit: %q", actions)
	}
}
