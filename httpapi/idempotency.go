package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sync"

	"smspark/idempotency"
	"smspark/sessions"
)

// idempotent runs a POST handler once per Idempotency-Key (per caller): a
// retry with the same key and body gets the stored response; the same key
// with another body is refused. Answers that say "try again" (5xx,
// 429) are not kept.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, p Principal, h HandlerFunc) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || p.KeyID == "" && p.Number == "" {
		// Public endpoints (login, payment callbacks) are not replayed
		// from storage: a login's answer is a bearer token, which must not
		// be kept, and callbacks carry their own nonces.
		return h(w, r)
	}
	if len(key) > 255 {
		return errBadRequest("Idempotency-Key is longer than 255 characters")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return problem(http.StatusRequestEntityTooLarge, "too-large", "Request too large", "the body is over %d bytes", tooBig.Limit)
		}
		return errBadRequest("reading the body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
	hash := hex.EncodeToString(sum[:])
	scope := p.scope()

	unlock := s.keyLocks.lock(scope + "\x00" + key)
	defer unlock()
	prev, err := s.opts.Store.IdempotentResponse(r.Context(), scope, key)
	switch {
	case err == nil && prev.RequestHash == hash:
		w.Header().Set("Content-Type", prev.ContentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		_, err := w.Write(prev.Body)
		return err
	case err == nil:
		return problem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency key reused",
			"this Idempotency-Key was used for another request")
	case !errors.Is(err, sessions.ErrNotFound):
		return err
	}
	rec := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	if err := h(rec, r); err != nil {
		s.writeProblem(rec, r, err)
	}
	// A 5xx or a 429 says "try again": the retry must run, not get it back.
	if rec.status < 500 && rec.status != http.StatusTooManyRequests {
		if err := s.opts.Store.PutIdempotentResponse(r.Context(), scope, key, idempotency.Response{
			RequestHash: hash, Status: rec.status, ContentType: rec.header.Get("Content-Type"),
			Body: rec.body.Bytes(), Created: s.opts.Clock()}); err != nil {
			return err
		}
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, err = w.Write(rec.body.Bytes())
	return err
}

// bufferedResponse holds a response until it is stored.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) WriteHeader(code int) {
	if !b.wrote {
		b.status, b.wrote = code, true
	}
}
func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.wrote = true
	return b.body.Write(p)
}

// keyLocks is a set of named mutexes.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyLocks) lock(name string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l, ok := k.locks[name]
	if !ok {
		l = &keyLock{}
		k.locks[name] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.locks, name)
		}
		k.mu.Unlock()
	}
}
