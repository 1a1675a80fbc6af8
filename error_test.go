package smspark_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"smspark"
)

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := &smspark.Error{Code: smspark.ENOTFOUND, Message: "permit not found"}
	tests := []struct {
		name      string
		err       error
		code, msg string
	}{
		{"nil", nil, "", ""},
		{"coded", notFound, smspark.ENOTFOUND, "permit not found"},
		{"wrapped with detail", fmt.Errorf("permits: %w: %q", notFound, "P1"), smspark.ENOTFOUND, "permit not found"},
		{"formatted", smspark.Errorf(smspark.EINVALID, "%d days: 1 to %d", 0, 100), smspark.EINVALID, "0 days: 1 to 100"},
		{"first of a chain", fmt.Errorf("%w: %w", smspark.Errorf(smspark.EUNAVAILABLE, "down"), notFound), smspark.EUNAVAILABLE, "down"},
		{"uncoded", io.ErrUnexpectedEOF, smspark.EINTERNAL, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := smspark.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := smspark.ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.msg)
			}
		})
	}
	if !errors.Is(fmt.Errorf("x: %w", notFound), notFound) {
		t.Error("a wrapped sentinel *Error is not errors.Is itself")
	}
}
