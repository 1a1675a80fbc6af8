package config_test

import (
	"encoding/json"
	"fmt"
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
