package config

import (
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CredentialsDirEnv is the variable systemd sets to the directory of a
// service's credentials (LoadCredential=, LoadCredentialEncrypted=).
const CredentialsDirEnv = "CREDENTIALS_DIRECTORY"

// secret reads a secret written in one of four ways, so that the config
// file itself need hold none:
//
//	password: s3cret                          # in the file (keep it private)
//	password: {file: /etc/smspark/proximus.pw} # a file's content (relative: to the config's directory)
//	password: {env: SMSPARK_PROXIMUS_PW}        # an environment variable
//	password: {credential: proximus-password}   # a systemd credential, $CREDENTIALS_DIRECTORY/NAME
//
// One trailing newline of a file is dropped. An error names the source,
// never the value.
func (o *object) secret(key string, required bool) Secret {
	v := o.value(key, required)
	if v == nil {
		return ""
	}
	if v.Kind == yaml.ScalarNode {
		s := o.str(key, required, "")
		return Secret(s)
	}
	src := o.d.object(v, o.what+": "+key, "file", "env", "credential")
	if o.d.failed() {
		return ""
	}
	if len(src.vals) != 1 {
		o.d.fail(v, "%s: %s takes one of file, env or credential, e.g. {credential: %s}", o.what, key, strings.ReplaceAll(key, "_", "-"))
		return ""
	}
	var val string
	switch {
	case src.has("file"):
		val = o.secretFile(src.at("file"), key, src.str("file", true, ""))
	case src.has("env"):
		val = o.secretEnv(src.at("env"), key, src.str("env", true, ""))
	default:
		val = o.secretCredential(src.at("credential"), key, src.str("credential", true, ""))
	}
	if !o.d.failed() && val == "" {
		o.d.fail(v, "%s: %s is empty", o.what, key)
	}
	return Secret(val)
}

func (o *object) secretFile(n *yaml.Node, key, path string) string {
	if o.d.failed() {
		return ""
	}
	if !filepath.IsAbs(path) && o.d.file != "" {
		path = filepath.Join(filepath.Dir(o.d.file), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		o.d.failErr(n, err, "%s: %s: cannot read the file %s", o.what, key, path)
		return ""
	}
	return trimNewline(string(b))
}

func (o *object) secretEnv(n *yaml.Node, key, name string) string {
	if o.d.failed() {
		return ""
	}
	v, ok := os.LookupEnv(name)
	if !ok {
		o.d.fail(n, "%s: %s: the environment variable %s is not set", o.what, key, name)
		return ""
	}
	return v
}

func (o *object) secretCredential(n *yaml.Node, key, name string) string {
	if o.d.failed() {
		return ""
	}
	if name != filepath.Base(name) || name == "." || name == ".." {
		o.d.fail(n, "%s: %s: credential %q must be a plain name, as in LoadCredential=NAME:PATH", o.what, key, name)
		return ""
	}
	dir := os.Getenv(CredentialsDirEnv)
	if dir == "" {
		o.d.fail(n, "%s: %s: credential %s, but $%s is not set (run under systemd with LoadCredential=%s:PATH)",
			o.what, key, name, CredentialsDirEnv, name)
		return ""
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		o.d.failErr(n, err, "%s: %s: cannot read credential %s (LoadCredential=%s:PATH in the unit?)", o.what, key, name, name)
		return ""
	}
	return trimNewline(string(b))
}

// trimNewline drops one trailing "\n" or "\r\n", as editors and echo add.
func trimNewline(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r")
}
