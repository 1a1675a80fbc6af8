package httpapi

import (
	"fmt"
	"net/http"
)

// Problem is an RFC 9457 problem document. Type is stable: clients branch
// on it.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Outcome and Text, for a refused parking command: the outcome code
	// and the text the SMS would have carried.
	Outcome string `json:"outcome,omitempty"`
	Text    string `json:"text,omitempty"`
	// Sections, for a refused configuration reload: what each section of
	// the configuration would have done.
	Sections []ReloadSection `json:"sections,omitempty"`
}

func (p *Problem) Error() string { return p.Type + ": " + p.Detail }

// problemBase prefixes every problem type.
const problemBase = "https://smspark.example/problems/"

// problem returns a Problem of a stable kind.
func problem(status int, kind, title, format string, args ...any) *Problem {
	return &Problem{Type: problemBase + kind, Title: title, Status: status, Detail: fmt.Sprintf(format, args...)}
}

// Problems every endpoint may answer.
func errUnauthorized() *Problem {
	return problem(http.StatusUnauthorized, "unauthorized", "Unauthorized", "a valid API key or login token is required")
}
func errForbidden(detail string) *Problem {
	return problem(http.StatusForbidden, "forbidden", "Forbidden", "%s", detail)
}
func errNotFound(what string) *Problem {
	return problem(http.StatusNotFound, "not-found", "Not found", "%s", what)
}
func errBadRequest(format string, args ...any) *Problem {
	return problem(http.StatusBadRequest, "bad-request", "Bad request", format, args...)
}

// writeProblem writes err as a problem (writeProblem).
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(s.opts.Logger, w, r, err)
}
