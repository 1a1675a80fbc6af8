package sessions

import (
	"fmt"
	"io"
	"time"
)

// passwordAlphabet has no look-alikes: no 0/O, 1/I/l.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"

// PasswordLength is the length of a PASS password.
const PasswordLength = 12

// passLimit is how many PASS requests a number may make per passWindow.
const (
	passLimit  = 3
	passWindow = time.Hour
)

// newPassword draws a password from r without modulo bias.
func newPassword(r io.Reader) (string, error) {
	return randomString(r, passwordAlphabet, PasswordLength)
}

func randomString(r io.Reader, alphabet string, n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("sessions: random: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// recentPass returns the PASS requests of the last passWindow.
func recentPass(st Settings, now time.Time) []time.Time {
	var recent []time.Time
	for _, t := range st.PassRequests {
		if now.Sub(t) < passWindow {
			recent = append(recent, t)
		}
	}
	return recent
}

func (e *Engine) passLimited(st Settings, now time.Time) bool {
	return len(recentPass(st, now)) >= passLimit
}

// credentials answers PASS: a new password replaces the previous one.
func (e *Engine) credentials(t *txn, st Settings, password, hash string) {
	if e.passLimited(st, t.now) || hash == "" {
		t.notice.Outcome = TooManyRequests
		return
	}
	st.PassRequests = append(recentPass(st, t.now), t.now)
	st.PasswordHash = hash
	t.change.Settings = append(t.change.Settings, st)
	t.notice = Notice{Outcome: CredentialsSent, Username: st.Number, Password: password}
}
