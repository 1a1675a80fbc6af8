package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// HandlerFunc is an API handler: it returns a *Problem (or any error, a
// 500) instead of writing one.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// maxBody bounds every request body.
const maxBody = 64 << 10

// plumbing is what every route of the public and the admin server goes
// through, written once: the body limit, a handler's error or panic
// answered as a problem (http.ErrAbortHandler passed on to net/http), and
// logs and metrics by route pattern, never by URL path: a path may hold
// a phone number (DELETE /v1/accounts/{id}/numbers/{number}).
type plumbing struct {
	logger  zerolog.Logger
	metrics *routeMetrics // nil: none
}

// routeMetrics count requests and their latency by route.
type routeMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// handler returns the handler of the route pattern running h.
func (p plumbing) handler(pattern string, h HandlerFunc) http.HandlerFunc {
	if m := p.metrics; m != nil {
		// From the first scrape: the latency of the route, and its successes.
		m.latency.WithLabelValues(pattern)
		m.requests.WithLabelValues(pattern, "200")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		if p.metrics != nil {
			defer p.metrics.observe(pattern, rec, time.Now())
		}
		defer p.recoverPanic(rec, r)
		r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
		if err := h(rec, r); err != nil {
			p.fail(rec, r, err)
		}
	}
}

func (m *routeMetrics) observe(pattern string, rec *recorder, start time.Time) {
	m.requests.WithLabelValues(pattern, strconv.Itoa(rec.status)).Inc()
	m.latency.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
}

// recoverPanic answers a handler's panic as a 500, except
// http.ErrAbortHandler: net/http's own way to cut a response short, which
// it must see.
func (p plumbing) recoverPanic(w *recorder, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	p.logger.Error().Interface("panic", v).Str("route", route(r)).Msg("handler panicked")
	p.fail(w, r, errors.New("panic"))
}

// fail answers err as a problem; once the response has started (a backup
// cut short) it can only abort the connection, so the client sees the
// response is incomplete.
func (p plumbing) fail(w *recorder, r *http.Request, err error) {
	pr := asProblem(p.logger, r, err)
	if w.wrote {
		panic(http.ErrAbortHandler)
	}
	writeProblemDoc(w, pr)
}

// writeProblem writes err as a problem: a *Problem as it is, anything
// else as a 500 that tells nothing of the inside (and is logged).
func writeProblem(log zerolog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	writeProblemDoc(w, asProblem(log, r, err))
}

// asProblem returns err's *Problem, or logs err by route and returns an
// internal error.
func asProblem(log zerolog.Logger, r *http.Request, err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	log.Error().Err(err).Str("route", route(r)).Msg("internal error")
	return problem(http.StatusInternalServerError, "internal", "Internal error", "the request could not be completed")
}

func writeProblemDoc(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// route is the pattern the request matched ("" outside a ServeMux): what
// logs name, never the path.
func route(r *http.Request) string { return r.Pattern }

// recorder remembers a response's status and whether it has started.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (rec *recorder) WriteHeader(code int) {
	if !rec.wrote {
		rec.status = code
	}
	rec.wrote = true
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(p []byte) (int, error) {
	rec.wrote = true
	return rec.ResponseWriter.Write(p)
}

// Flush lets a streamed response reach the client as it goes.
func (rec *recorder) Flush() {
	if f, ok := rec.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the connection's writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
