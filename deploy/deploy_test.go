package deploy_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"smspark/config"
	"smspark/deploy"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(deploy.Files(), name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unit parses a systemd unit: every "Key=Value" of every section, in order
// (a key may repeat).
func unit(t *testing.T, b []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("smspark.service: not Key=Value: %q", line)
			}
			out[section+"."+k] = append(out[section+"."+k], v)
		}
	}
	return out
}

func TestUnit(t *testing.T) {
	u := unit(t, read(t, "smspark.service"))
	for _, tc := range []struct{ key, want string }{
		{"Service.DynamicUser", "yes"},
		{"Service.StateDirectory", "smspark"},
		{"Service.ProtectSystem", "strict"},
		{"Service.ProtectHome", "yes"},
		{"Service.PrivateTmp", "yes"},
		{"Service.NoNewPrivileges", "yes"},
		{"Service.RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"},
		{"Service.CapabilityBoundingSet", ""},
		{"Service.Restart", "on-failure"},
		{"Service.ExecReload", "/bin/kill -HUP $MAINPID"},
		{"Service.LimitNOFILE", "65536"},
		{"Install.WantedBy", "multi-user.target"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			if got := u[tc.key]; len(got) != 1 || got[0] != tc.want {
				t.Errorf("%s = %q, want exactly %q", tc.key, got, tc.want)
			}
		})
	}
	t.Run("SystemCallFilter", func(t *testing.T) {
		if f := u["Service.SystemCallFilter"]; len(f) == 0 || f[0] != "@system-service" {
			t.Errorf("SystemCallFilter = %q, want @system-service first (an allow list)", f)
		}
		if e := u["Service.SystemCallErrorNumber"]; len(e) != 1 {
			t.Errorf("SystemCallErrorNumber = %q: without it a filtered call kills the engine", e)
		}
	})
	t.Run("TimeoutStopSec drains", func(t *testing.T) {
		v := u["Service.TimeoutStopSec"]
		if len(v) != 1 {
			t.Fatalf("TimeoutStopSec = %q", v)
		}
		d, err := time.ParseDuration(v[0])
		// a bind drains for 5 s, a submit in flight may take its 30 s
		if err != nil || d < 35*time.Second {
			t.Errorf("TimeoutStopSec = %q (%v), want at least 35s", v[0], err)
		}
	})
	t.Run("ExecStart", func(t *testing.T) {
		v := u["Service.ExecStart"]
		if len(v) != 1 {
			t.Fatalf("ExecStart = %q", v)
		}
		args := strings.Fields(v[0])
		flag := func(name string) string {
			i := slices.Index(args, name)
			if i < 0 || i+1 >= len(args) {
				return ""
			}
			return args[i+1]
		}
		if len(args) < 2 || args[1] != "serve" {
			t.Errorf("ExecStart %q does not run serve", v[0])
		}
		if got := flag("--data"); got != "/var/lib/smspark" {
			t.Errorf("--data %q, want the StateDirectory /var/lib/smspark", got)
		}
		if got := flag("--config"); got != "/etc/smspark/smspark.yml" {
			t.Errorf("--config %q, want /etc/smspark/smspark.yml", got)
		}
	})
}

// credentials are the unit's LoadCredential= lines, name to path.
func credentials(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, v := range unit(t, read(t, "smspark.service"))["Service.LoadCredential"] {
		name, path, ok := strings.Cut(v, ":")
		if !ok {
			t.Fatalf("LoadCredential=%s: want NAME:PATH", v)
		}
		out[name] = path
	}
	return out
}

// configCredentials are the {credential: NAME} the sample config uses.
func configCredentials(t *testing.T) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(read(t, "smspark.yml"), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "credential" {
				names = append(names, n.Content[i+1].Value)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	sort.Strings(names)
	return names
}

// The sample config loads with the credentials the unit hands it, and holds
// no secret itself: every SMSC password and the payment secret come from a
// LoadCredential= line, and every such line is used.
func TestSampleConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "smspark.yml")
	if err := os.WriteFile(path, read(t, "smspark.yml"), 0o644); err != nil {
		t.Fatal(err)
	}
	creds := credentials(t)
	names := make([]string, 0, len(creds))
	credDir := t.TempDir()
	for name, p := range creds {
		names = append(names, name)
		if p != "/etc/smspark/credentials/"+name {
			t.Errorf("LoadCredential=%s:%s, want the file /etc/smspark/credentials/%s (deploy/README.md)", name, p, name)
		}
		value := "pw-" + name[:3]
		if name == "payment-secret" {
			value = "00112233445566778899aabbccddeeff"
		}
		if err := os.WriteFile(filepath.Join(credDir, name), []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(names)
	if used := configCredentials(t); !slices.Equal(used, names) {
		t.Errorf("smspark.yml uses credentials %q, the unit loads %q", used, names)
	}
	t.Setenv(config.CredentialsDirEnv, credDir)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("the sample config does not load: %v", err)
	}
	if len(cfg.SMSCs) == 0 {
		t.Error("the sample config has no SMSC")
	}
	for _, s := range cfg.SMSCs {
		if !strings.HasPrefix(s.Password.Reveal(), "pw-") {
			t.Errorf("smsc %s: the password is not a credential", s.Name)
		}
	}
	if cfg.PaymentSecret.Reveal() != "00112233445566778899aabbccddeeff" {
		t.Error("payment_secret is not the credential payment-secret")
	}
	if cfg.DataDir != "/var/lib/smspark" {
		t.Errorf("data_dir %q, want /var/lib/smspark (the unit's StateDirectory)", cfg.DataDir)
	}
	if len(cfg.Cities) == 0 {
		t.Error("the sample config has no city")
	}
}

// The unit, the sample config and the README agree on how the files are
// installed: smspark.yml 0644 (the dynamic user reads it; it holds no
// secret), each credential created under /etc/smspark/credentials, and no
// file asks for a mode the service could not read.
func TestInstallDocsAgree(t *testing.T) {
	readme, yml, svc := string(read(t, "README.md")), string(read(t, "smspark.yml")), string(read(t, "smspark.service"))
	install := "install -D -m 0644 deploy/smspark.yml /etc/smspark/smspark.yml"
	for name, text := range map[string]string{"README.md": readme, "smspark.service": svc} {
		if !strings.Contains(text, install) {
			t.Errorf("%s does not install the config with %q", name, install)
		}
	}
	for name, text := range map[string]string{"README.md": readme, "smspark.yml": yml, "smspark.service": svc} {
		if strings.Contains(text, "0640") {
			t.Errorf("%s asks for mode 0640: the dynamic user could not read the file", name)
		}
	}
	if !strings.Contains(yml, "mode 0644") {
		t.Error("smspark.yml does not say it is mode 0644")
	}
	for name := range credentials(t) {
		if !regexp.MustCompile(`> ` + regexp.QuoteMeta(name) + `\b`).MatchString(readme) {
			t.Errorf("README.md's install does not create the credential %s", name)
		}
	}
}

type dashboard struct {
	UID    string  `json:"uid"`
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type panel struct {
	ID      int    `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	GridPos struct {
		X, Y, W, H int
	} `json:"gridPos"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Thresholds *struct {
				Steps []struct {
					Value *float64 `json:"value"`
				} `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	dec := json.NewDecoder(bytes.NewReader(read(t, "grafana-dashboard.json")))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	return d
}

// exprs returns every PromQL expression of the dashboard, by panel title.
func (d dashboard) exprs() map[string][]string {
	out := map[string][]string{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out[p.Title] = append(out[p.Title], tg.Expr)
		}
	}
	return out
}

func TestDashboard(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Errorf("uid %q, title %q: both needed", d.UID, d.Title)
	}
	ids := map[int]bool{}
	byTitle := map[string]panel{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		byTitle[p.Title] = p
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: bad gridPos %+v", p.Title, p.GridPos)
		}
		for _, tg := range p.Targets {
			if strings.TrimSpace(tg.Expr) == "" || tg.RefID == "" {
				t.Errorf("panel %q: a target without expr or refId", p.Title)
			}
		}
	}
	// What the dashboard must show, as a metric each panel queries.
	for _, tc := range []struct{ title, metric string }{
		{"MOs/s by outcome", "smspark_mo_total"},
		{"MTs/s by result", "smspark_mt_total"},
		{"MO→MT latency p50 / p99 by operator", "smspark_mo_to_mt_seconds_bucket"},
		{"Binds up", "smspark_smpp_binds_up"},
		{"Window in use", "smspark_smpp_window_in_use"},
		{"Throttles/s", "smspark_smpp_throttles_total"},
		{"Outbox depth", "smspark_outbox_depth"},
		{"Running sessions by city", "smspark_sessions_running"},
		{"Store commit latency p99", "smspark_store_commit_seconds_bucket"},
		{"HTTP requests/s by route and code", "smspark_http_requests_total"},
		{"Receipts undelivered ratio by operator", "smspark_delivery_receipts_total"},
	} {
		t.Run(tc.title, func(t *testing.T) {
			p, ok := byTitle[tc.title]
			if !ok {
				t.Fatalf("no panel %q", tc.title)
			}
			found := false
			for _, tg := range p.Targets {
				found = found || strings.Contains(tg.Expr, tc.metric)
			}
			if !found {
				t.Errorf("panel %q does not query %s", tc.title, tc.metric)
			}
		})
	}
	t.Run("15 s threshold line", func(t *testing.T) {
		th := byTitle["MO→MT latency p50 / p99 by operator"].FieldConfig.Defaults.Thresholds
		if th == nil || !slices.ContainsFunc(th.Steps, func(s struct {
			Value *float64 `json:"value"`
		}) bool {
			return s.Value != nil && *s.Value == 15
		}) {
			t.Error("the MO→MT panel has no threshold at 15 s")
		}
	})
}

var metricName = regexp.MustCompile(`\bsmspark_[a-z0-9_]+`)

// usedMetrics returns the smspark metrics the alert rules and the
// dashboard query, with histogram suffixes removed.
func usedMetrics(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	add := func(expr string) {
		for _, m := range metricName.FindAllString(expr, -1) {
			for _, suffix := range []string{"_bucket", "_count", "_sum"} {
				if base, ok := strings.CutSuffix(m, suffix); ok && strings.HasSuffix(base, "_seconds") {
					m = base
				}
			}
			seen[m] = true
		}
	}
	for _, r := range rules(t) {
		add(r.Expr)
	}
	for _, es := range loadDashboard(t).exprs() {
		for _, e := range es {
			add(e)
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

type rule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func rules(t *testing.T) []rule {
	t.Helper()
	var f struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []rule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(read(t, "alerts.yml"), &f); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	var out []rule
	for _, g := range f.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

func TestRules(t *testing.T) {
	rs := rules(t)
	names := map[string]bool{}
	for _, r := range rs {
		t.Run(r.Alert, func(t *testing.T) {
			if names[r.Alert] {
				t.Error("alert name used twice")
			}
			names[r.Alert] = true
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("severity %q, want critical or warning", s)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Error("summary and description annotations needed")
			}
		})
	}
	tested := string(read(t, "alerts_test.yml"))
	for name := range names {
		if !strings.Contains(tested, "alertname: "+name+"\n") {
			t.Errorf("alert %s has no test in alerts_test.yml", name)
		}
	}
}

// TestMetricsDefined checks that every metric the rules and the dashboard
// use is named in the engine's source; scripts/promtool.sh checks the same
// on a real scrape.
func TestMetricsDefined(t *testing.T) {
	defined := map[string]bool{}
	literal := regexp.MustCompile(`"(smspark_[a-z0-9_]+)"`)
	err := filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && path != ".." && (strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" || e.Name() == "bin") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllSubmatch(b, -1) {
			defined[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range usedMetrics(t) {
		if !defined[m] {
			t.Errorf("%s is used by alerts.yml or grafana-dashboard.json but defined nowhere in the engine", m)
		}
	}
}

// TestPromtool runs promtool on the rules, their unit tests and the
// dashboard's queries (as recording rules, to check their PromQL). It is
// skipped when promtool is not installed (scripts/promtool.sh installs it).
func TestPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus; scripts/promtool.sh installs it)")
	}
	run := func(t *testing.T, args ...string) {
		t.Helper()
		out, err := exec.Command(promtool, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	t.Run("check rules", func(t *testing.T) { run(t, "check", "rules", "alerts.yml") })
	t.Run("test rules", func(t *testing.T) { run(t, "test", "rules", "alerts_test.yml") })
	t.Run("dashboard queries", func(t *testing.T) {
		vars := strings.NewReplacer("$__rate_interval", "5m", "$job", "smspark", "$instance", ".*")
		type record struct {
			Record string `yaml:"record"`
			Expr   string `yaml:"expr"`
		}
		var recs []record
		for title, es := range loadDashboard(t).exprs() {
			for _, e := range es {
				recs = append(recs, record{Record: "dashboard:query", Expr: vars.Replace(e)})
				if strings.Contains(vars.Replace(e), "$") {
					t.Errorf("panel %q: unknown variable in %q", title, e)
				}
			}
		}
		b, err := yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": recs}}})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, "check", "rules", path)
	})
}
