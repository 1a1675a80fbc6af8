package config

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Store kinds.
const (
	// StoreBbolt is the embedded store: one file in DataDir, one machine.
	StoreBbolt = "bbolt"
	// StorePostgres is a PostgreSQL database several engines may share.
	StorePostgres = "postgres"
)

// Store says where smspark keeps its records ("store").
type Store struct {
	// Kind is StoreBbolt (the default: the file in DataDir) or
	// StorePostgres.
	Kind string
	// URL is the PostgreSQL connection URL (postgres://…), kind postgres
	// only. A secret: it may hold a password, so it may come from a file,
	// an environment variable or a systemd credential.
	URL Secret
}

// store reads the store's settings.
func (d *decoder) store(n *yaml.Node) Store {
	o := d.object(n, "store", "kind", "url")
	s := Store{Kind: o.str("kind", false, StoreBbolt), URL: o.secret("url", false)}
	if d.failed() {
		return s
	}
	switch s.Kind {
	case StoreBbolt:
		if s.URL != "" {
			d.fail(o.at("url"), "store: url is for kind postgres (kind bbolt keeps its file in data_dir)")
		}
	case StorePostgres:
		if s.URL == "" {
			d.fail(o.at("kind"), "store: kind postgres needs a url, e.g. postgres://smspark@db.example/smspark")
			return s
		}
		if u, err := url.Parse(s.URL.Reveal()); err == nil && u.Scheme != "" &&
			u.Scheme != "postgres" && u.Scheme != "postgresql" {
			d.fail(o.at("url"), "store: url: scheme %q, want postgres://", u.Scheme)
		}
	default:
		d.fail(o.at("kind"), "store: unknown kind %q (known: %s)", s.Kind, strings.Join([]string{StoreBbolt, StorePostgres}, ", "))
	}
	return s
}
