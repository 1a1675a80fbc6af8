// Package smspark is the root of the SMS parking engine: the one coded
// error every domain package returns for outcomes, translated once at each
// edge (an HTTP status and problem type in httpapi, a reply outcome in
// sessions, an exit status in cmd/smspark). The packages below it hold the
// domain (sessions, tariffs, vouchers, …) and the adapters (store, smpp,
// httpapi, …); docs/architecture.md draws them.
package smspark

import (
	"errors"
	"fmt"
)

// Codes of Error: what kind of outcome it is, coarse enough for every edge
// to translate (after wtf's error.go).
const (
	ECONFLICT     = "conflict"     // the thing's state forbids it (paid, cancelled, taken)
	EINTERNAL     = "internal"     // a failure of smspark or of what it runs on
	EINVALID      = "invalid"      // the request is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // no such thing
	EUNAVAILABLE  = "unavailable"  // a provider smspark depends on failed: retry later
	EUNAUTHORIZED = "unauthorized" // the caller may not do it
	ELIMIT        = "limit"        // a quota or limit is reached
)

// Error is a domain outcome with a code: what a caller (or an edge) needs
// to decide, and a message for a person. Domain packages declare the
// outcomes their callers branch on as *Error variables, wrapped with %w
// and detail, so errors.Is keeps working.
type Error struct {
	// Code is one of the E… codes.
	Code string
	// Message is the human-readable text.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for
// nil, EINTERNAL for an error with none.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, ""
// for nil, "internal error" for an error with none (its text is for the
// log, not for the caller).
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "internal error"
}
