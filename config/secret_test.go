package config_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"smspark/config"
)

func TestSecretNeverShown(t *testing.T) {
	c, err := config.Load("testdata/conf.good.yml")
	if err != nil {
		t.Fatal(err)
	}
	passwords := []string{"pXq7-Zt9", "bS3cr3t!"}
	for i, p := range passwords {
		if got := c.SMSCs[i].Password.Reveal(); got != p {
			t.Fatalf("SMSC %d password = %q, want %q", i, got, p)
		}
	}

	// JSON of a whole Config fails on tariffs.Tariff.Holidays (a map keyed
	// by the struct tariffs.Date), so the JSON cases marshal the Config
	// without its cities, and the SMSCs alone. (A Secret used as a JSON map
	// key would show: encoding/json writes string-kind keys as they are.)
	noCities := *c
	noCities.Cities = nil
	outputs := map[string]func() (string, error){
		"%v":  func() (string, error) { return fmt.Sprintf("%v", c), nil },
		"%+v": func() (string, error) { return fmt.Sprintf("%+v", c), nil },
		"%#v": func() (string, error) { return fmt.Sprintf("%#v", c), nil },
		"%s": func() (string, error) {
			return fmt.Sprintf("%s %10s %-3s", c.SMSCs[0].Password, c.SMSCs[1].Password, c.SMSCs[0].Password), nil
		},
		"%q": func() (string, error) { return fmt.Sprintf("%q", c.SMSCs[0].Password), nil },
		"%x": func() (string, error) { return fmt.Sprintf("%x %X", c.SMSCs[0].Password, c.SMSCs[1].Password), nil },
		"%v value": func() (string, error) {
			return fmt.Sprintf("%v %+v %#v", *c, c.SMSCs[0], c.SMSCs[1]), nil
		},
		"Println": func() (string, error) { return fmt.Sprintln(c.SMSCs[0].Password, c.SMSCs), nil },
		"JSON Config": func() (string, error) {
			//lint:ignore SA1026 Cities, which holds the map, is nil here.
			b, err := json.Marshal(noCities)
			return string(b), err
		},
		"JSON SMSCs": func() (string, error) {
			b, err := json.MarshalIndent(c.SMSCs, "", " ")
			return string(b), err
		},
		"YAML SMSCs": func() (string, error) {
			b, err := yaml.Marshal(c.SMSCs)
			return string(b), err
		},
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			s, err := out()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range passwords {
				if strings.Contains(s, p) {
					t.Errorf("output shows the password %q:\n%s", p, s)
				}
			}
			// encoding/json escapes < and > as \u003c and \u003e.
			if !strings.Contains(s, "<secret>") && !strings.Contains(s, `\u003csecret\u003e`) {
				t.Errorf("output has no <secret> placeholder:\n%s", s)
			}
		})
	}
}

func TestSecretNotInErrors(t *testing.T) {
	const pw = "longpassword123"
	data := strings.Replace(minimal, "#SMSC", `smscs:
  - name: base-1
    operator: base
    address: smsc.example:2775
    system_id: smspark
    password: `+pw, 1)
	_, err := config.Parse("x.yml", []byte(data))
	if err == nil {
		t.Fatal("a 15-character password passed")
	}
	if strings.Contains(err.Error(), pw) {
		t.Errorf("error shows the password: %v", err)
	}
}

// Secrets come from a file, an environment variable or a systemd
// credential, so the config file itself holds none and may be 0644.
func TestSecretSources(t *testing.T) {
	creds, err := filepath.Abs("testdata/credentials")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(config.CredentialsDirEnv, creds)
	t.Setenv("SMSPARK_TEST_PROXIMUS_PASSWORD", "3nv-pw")
	c, err := config.Load("testdata/conf.secrets.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"base-1": "fIl3-pw", "orange-1": "cr3d-pw", "proximus-1": "3nv-pw", "proximus-2": "inl1ne"}
	for _, s := range c.SMSCs {
		if got := s.Password.Reveal(); got != want[s.Name] {
			t.Errorf("%s password = %q, want %q", s.Name, got, want[s.Name])
		}
	}
	if got := c.PaymentSecret.Reveal(); got != "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" {
		t.Errorf("payment secret = %q", got)
	}
	if s := fmt.Sprintf("%v %+v", c.SMSCs, c.PaymentSecret); strings.Contains(s, "pw") || strings.Contains(s, "0011") {
		t.Errorf("a secret shows: %s", s)
	}
}

// Without $CREDENTIALS_DIRECTORY (not started by systemd, or no
// LoadCredential=), a credential is an error naming the cure, and an empty
// source is refused.
func TestSecretSourceErrors(t *testing.T) {
	t.Setenv(config.CredentialsDirEnv, "")
	t.Setenv("SMSPARK_TEST_PROXIMUS_PASSWORD", "")
	_, err := config.Load("testdata/conf.secrets.yml")
	if err == nil || !strings.Contains(err.Error(), "credential orange-password, but $CREDENTIALS_DIRECTORY is not set") ||
		!strings.Contains(err.Error(), "LoadCredential=orange-password:PATH") {
		t.Errorf("err = %v", err)
	}
	creds, _ := filepath.Abs("testdata/credentials")
	t.Setenv(config.CredentialsDirEnv, creds)
	_, err = config.Load("testdata/conf.secrets.yml")
	if err == nil || !strings.Contains(err.Error(), "smsc proximus-1: password is empty") {
		t.Errorf("err = %v", err)
	}
}
