package httpapi

import (
	"errors"
	"io"
	"net/http"

	"smspark/payments"
)

// verifiedCallback reads a payment callback: the body must carry a valid
// HMAC signature, a fresh timestamp and a nonce never seen before.
func verifiedCallback(s *Server, secret []byte, nonces Nonces, r *http.Request) (payments.Callback, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return payments.Callback{}, errBadRequest("reading the body: %v", err)
	}
	now := s.opts.Clock()
	c, err := payments.Verify(secret, body, r.Header.Get(payments.SignatureHeader), now)
	switch {
	case errors.Is(err, payments.ErrBadSignature):
		return c, problem(http.StatusUnauthorized, "bad-signature", "Bad signature", "the callback's signature does not verify")
	case errors.Is(err, payments.ErrStale):
		return c, problem(http.StatusBadRequest, "stale-callback", "Stale callback", "the callback's timestamp is too far from now")
	case err != nil:
		return c, errBadRequest("%v", err)
	}
	fresh, err := nonces.UseNonce(r.Context(), c.Nonce, now)
	if err != nil {
		return c, err
	}
	if !fresh {
		return c, problem(http.StatusConflict, "replayed-callback", "Replayed callback", "this callback was received before")
	}
	return c, nil
}
