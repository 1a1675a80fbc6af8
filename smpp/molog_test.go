package smpp

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/rs/zerolog"
)

// TestMOLogFields: an event logged about a delivery carries the masked
// sender and the sequence number, never the number in clear; an MO that
// logs nothing costs no allocation.
func TestMOLogFields(t *testing.T) {
	var buf bytes.Buffer
	log := zerolog.New(&buf).Level(zerolog.InfoLevel)
	l := moLog{log: &log, from: "+32470123456", seq: 42}
	l.Warn().Str("error", "x").Msg("smpp: MO not handled")
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	if got["from"] != "*********456" || got["seq"] != float64(42) || got["error"] != "x" {
		t.Errorf("logged %s", buf.Bytes())
	}
	if bytes.Contains(buf.Bytes(), []byte("32470123456")) {
		t.Errorf("number in clear: %s", buf.Bytes())
	}

	quiet := zerolog.New(&buf).Level(zerolog.ErrorLevel)
	l = moLog{log: &quiet, from: "+32470123456", seq: 42}
	if n := testing.AllocsPerRun(100, func() { l.Info().Msg("not logged") }); n != 0 {
		t.Errorf("allocations per unlogged event = %v, want 0", n)
	}
}
