package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"smspark/apikeys"
	"smspark/httpapi"
	"smspark/sessions"
)

// failingEngine fails every account change the way a store does: an
// internal error, not a domain one.
type failingEngine struct{ httpapi.Engine }

func (failingEngine) RemoveNumber(context.Context, string, string) (sessions.Account, error) {
	return sessions.Account{}, fmt.Errorf("commit: %w", errors.New("disk full"))
}

// failingAdminEngine is the admin endpoint's failingEngine.
type failingAdminEngine struct{ httpapi.AdminEngine }

func (failingAdminEngine) RemoveNumber(context.Context, string, string) (sessions.Account, error) {
	return sessions.Account{}, fmt.Errorf("commit: %w", errors.New("disk full"))
}

// keyStore knows one admin key.
type keyStore struct {
	httpapi.Store
	key string
}

func (k keyStore) APIKeyByHash(_ context.Context, hash string) (apikeys.Key, error) {
	if hash != apikeys.Hash(k.key) {
		return apikeys.Key{}, sessions.ErrNotFound
	}
	return apikeys.Key{ID: "K1", Role: apikeys.Admin, Hash: hash}, nil
}

// noKeys is an admin store that knows no key (loopback needs none).
type noKeys struct{ httpapi.AdminStore }

func (noKeys) APIKeyByHash(context.Context, string) (apikeys.Key, error) {
	return apikeys.Key{}, sessions.ErrNotFound
}

// A failed DELETE of an account's number is logged by its route, never
// by its path: the path holds the phone number. Both servers log alike.
func TestInternalErrorLoggedByRoute(t *testing.T) {
	const number = "+32470123456"
	const key = "sk_admin_test"
	var logs bytes.Buffer
	logger := zerolog.New(&logs)
	pub := httpapi.New(httpapi.Options{Logger: logger, Engine: failingEngine{}, Store: keyStore{key: key}})
	adm, err := httpapi.NewAdmin(httpapi.AdminOptions{Addr: "127.0.0.1:0", Logger: logger, Engine: failingAdminEngine{},
		Store: noKeys{}, Outbox: admOutbox{}, Vouchers: admVouchers{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, route string
		h           http.Handler
	}{
		{"public", "DELETE /v1/accounts/{id}/numbers/{number}", pub.Handler()},
		{"admin", "DELETE /admin/accounts/{id}/numbers/{number}", adm.Handler()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			path := strings.NewReplacer("DELETE ", "", "{id}", "P-000123", "{number}", number).Replace(tt.route)
			req := httptest.NewRequest(http.MethodDelete, path, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500: %s", rec.Code, rec.Body)
			}
			out := logs.String()
			if !strings.Contains(out, `"route":"`+tt.route+`"`) || !strings.Contains(out, "disk full") {
				t.Errorf("the log names no route or no error: %s", out)
			}
			if strings.Contains(out, number) || strings.Contains(out, strings.TrimPrefix(number, "+")) || strings.Contains(out, "P-000123") {
				t.Errorf("the log holds the path: %s", out)
			}
		})
	}
}

// A handler aborting its response with http.ErrAbortHandler is not
// answered as a 500: the panic reaches net/http, which cuts the
// connection, so the client sees the response is incomplete.
func TestAbortHandlerPassesThrough(t *testing.T) {
	var logs bytes.Buffer
	abort := func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("partial"))
		panic(http.ErrAbortHandler)
	}
	pub := httpapi.New(httpapi.Options{Logger: zerolog.New(&logs), Extra: []func(*httpapi.Server, *http.ServeMux){
		func(s *httpapi.Server, mux *http.ServeMux) { s.Route(mux, "GET /v1/abort", httpapi.Public(), abort) },
	}})
	panicked := func(h http.Handler, path string) (v any) {
		defer func() { v = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
		return nil
	}
	if v := panicked(pub.Handler(), "/v1/abort"); v != http.ErrAbortHandler {
		t.Fatalf("public server: the handler's panic ended as %v, want http.ErrAbortHandler", v)
	}
	if logs.Len() != 0 {
		t.Errorf("an abort was logged as a failure: %s", logs.String())
	}

	// Over a real connection: the client gets no complete response.
	srv := httptest.NewServer(pub.Handler())
	defer srv.Close()
	srv.Config.ErrorLog = nil
	resp, err := srv.Client().Get(srv.URL + "/v1/abort")
	if err == nil {
		_, err = bytes.NewBuffer(nil).ReadFrom(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Fatal("the client read a complete response from an aborted handler")
	}
}

// A panic of any other value is a 500 problem, logged by route.
func TestPanicIsAProblem(t *testing.T) {
	var logs bytes.Buffer
	pub := httpapi.New(httpapi.Options{Logger: zerolog.New(&logs), Extra: []func(*httpapi.Server, *http.ServeMux){
		func(s *httpapi.Server, mux *http.ServeMux) {
			s.Route(mux, "GET /v1/boom/{number}", httpapi.Public(), func(http.ResponseWriter, *http.Request) error { panic("boom") })
		},
	}})
	rec := httptest.NewRecorder()
	pub.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/boom/32470123456", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %q, want a 500 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
	if out := logs.String(); !strings.Contains(out, `"route":"GET /v1/boom/{number}"`) || strings.Contains(out, "32470123456") {
		t.Errorf("log: %s", out)
	}
}
