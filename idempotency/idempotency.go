// Package idempotency holds the responses kept for requests carrying an
// Idempotency-Key: a retried POST gets the first answer again instead of
// acting twice.
package idempotency

import "time"

// Response is a stored response to a POST with an Idempotency-Key, under
// a scope (who asked, on which route) and the key.
type Response struct {
	// RequestHash tells a retry (the same request) from a reuse of the key
	// for a different one.
	RequestHash string    `json:"request_hash"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type"`
	Body        []byte    `json:"body"`
	Created     time.Time `json:"created"`
}
