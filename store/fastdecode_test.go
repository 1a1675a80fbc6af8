package store

// An internal test: the fast decoders are unexported, and what they must
// match is json.Unmarshal on the same bytes.

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"smspark/sessions"
)

// anyString draws plain values most of the time, and sometimes what JSON
// must escape or what is not UTF-8.
func anyString(t *rapid.T, label string) string {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"", "1021", "Brussels", "proximus", "+32470000001", "1ABC123", "Liège", "Blauwe zone"}),
		rapid.StringMatching(`[A-Z0-9+]{0,12}`),
		rapid.String(),
		rapid.SampledFrom([]string{`a"b`, `a\b`, "a\nb", "<&>", "\u2028", "\xff\xfe", "\x00", "é\x80"}),
	).Draw(t, label)
}

func anyTime(t *rapid.T, label string) time.Time {
	if rapid.IntRange(0, 4).Draw(t, label+"-zero") == 0 {
		return time.Time{}
	}
	loc := rapid.SampledFrom([]*time.Location{time.UTC, time.FixedZone("", 3600), time.FixedZone("", -9000),
		time.FixedZone("X", 7200)}).Draw(t, label+"-loc")
	sec := rapid.Int64Range(-62135596800+86400, 253402300799-86400).Draw(t, label+"-sec")
	ns := rapid.SampledFrom([]int64{0, 100_000_000, int64(rapid.IntRange(0, 999_999_999).Draw(t, label+"-ns"))}).Draw(t, label+"-nsc")
	return time.Unix(sec, ns).In(loc)
}

func anyInt(t *rapid.T, label string) int64 {
	return rapid.OneOf(rapid.Int64Range(-1000, 100_000), rapid.Int64()).Draw(t, label)
}

func anySession(t *rapid.T) sessions.Session {
	return sessions.Session{
		ID: rapid.OneOf(rapid.Uint64Range(0, 1_000_000), rapid.Uint64()).Draw(t, "id"), Account: anyString(t, "account"),
		Number: anyString(t, "number"), Operator: anyString(t, "operator"), Plate: anyString(t, "plate"),
		Zone: anyString(t, "zone"), City: anyString(t, "city"), Channel: sessions.Channel(anyString(t, "channel")),
		Start: anyTime(t, "start"), Until: anyTime(t, "until"), End: anyTime(t, "end"),
		EndReason: sessions.EndReason(anyString(t, "reason")), CostCents: anyInt(t, "cost"),
		TransactionCents: anyInt(t, "tx"), Free: rapid.Bool().Draw(t, "free"), Reminded: rapid.Bool().Draw(t, "reminded"),
		Voucher: anyString(t, "voucher"), DayTicket: rapid.Bool().Draw(t, "day"), DayPriceCents: anyInt(t, "dayprice"),
		ReducedPercent: int(anyInt(t, "reduced")), Grant: anyString(t, "grant"),
	}
}

func anySettings(t *rapid.T) sessions.Settings {
	s := sessions.Settings{Number: anyString(t, "number"), ConfirmationsOff: rapid.Bool().Draw(t, "off"),
		Language: anyString(t, "language"), LastPlate: anyString(t, "plate"), LastZone: anyString(t, "zone"),
		Parked: rapid.Bool().Draw(t, "parked"), Month: anyString(t, "month"), MonthCents: anyInt(t, "cents"),
		PasswordHash: anyString(t, "hash")}
	for range rapid.IntRange(0, 3).Draw(t, "requests") {
		s.PassRequests = append(s.PassRequests, anyTime(t, "request"))
	}
	return s
}

// plainJSON reports whether encoding/json wrote the record without any
// escape and with integers of at most 18 digits: the fast decoders must
// then take it.
func plainJSON(raw []byte) bool {
	return !strings.Contains(string(raw), `\`) && !regexp.MustCompile(`[0-9]{19}`).Match(raw)
}

// mutate damages raw a little, as a corrupt or foreign record might be.
func mutate(t *rapid.T, raw []byte) []byte {
	out := append([]byte(nil), raw...)
	for range rapid.IntRange(0, 3).Draw(t, "mutations") {
		if len(out) == 0 {
			break
		}
		i := rapid.IntRange(0, len(out)-1).Draw(t, "at")
		b := rapid.SampledFrom([]byte(` "\{}[],:.-+eE0123456789tfnulAZaz`+"\t\n\x00\xff")).Draw(t, "byte")
		switch rapid.IntRange(0, 2).Draw(t, "how") {
		case 0:
			out[i] = b
		case 1:
			out = append(out[:i], out[i+1:]...)
		default:
			out = append(out[:i], append([]byte{b}, out[i:]...)...)
		}
	}
	return out
}

// checkFast checks that whatever fast accepts, json.Unmarshal decodes to
// the same value.
func checkFast[T any](t *rapid.T, raw []byte, fast func(*fastJSON, *T) bool, mustTake bool) {
	p := &fastJSON{b: raw, strs: map[string]string{}}
	var got T
	ok := fast(p, &got)
	var want T
	err := json.Unmarshal(raw, &want)
	switch {
	case ok && err != nil:
		t.Fatalf("fast decoder took %q, which json.Unmarshal refuses: %v", raw, err)
	case ok && !reflect.DeepEqual(got, want):
		t.Fatalf("%q:\nfast %#v\njson %#v", raw, got, want)
	case !ok && mustTake:
		t.Fatalf("fast decoder refused plain %q", raw)
	}
}

func TestFastSessionMatchesJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		raw, err := json.Marshal(anySession(t))
		if err != nil {
			t.Fatal(err)
		}
		checkFast(t, raw, fastSession, plainJSON(raw))
		checkFast(t, mutate(t, raw), fastSession, false)
	})
}

func TestFastSettingsMatchesJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		raw, err := json.Marshal(anySettings(t))
		if err != nil {
			t.Fatal(err)
		}
		checkFast(t, raw, fastSettings, plainJSON(raw))
		checkFast(t, mutate(t, raw), fastSettings, false)
	})
}

func TestFastDecodeEdges(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  string
		take bool
	}{
		{"empty object", `{}`, true},
		{"white space", " {\n\t\"id\" : 7 ,\r\"plate\":\"1ABC123\" } ", true},
		{"duplicate key", `{"plate":"A","plate":"B"}`, true},
		{"unknown key", `{"colour":"red"}`, false},
		{"key in another case", `{"Plate":"A"}`, false},
		{"null", `{"plate":null}`, false},
		{"float", `{"cost_cents":1.5}`, false},
		{"exponent", `{"cost_cents":1e3}`, false},
		{"leading zero", `{"cost_cents":01}`, false},
		{"negative id", `{"id":-1}`, false},
		{"huge id", `{"id":18446744073709551615}`, false},
		{"escape", `{"plate":"A\u0042"}`, false},
		{"trailing comma", `{"id":1,}`, false},
		{"trailing data", `{"id":1} x`, false},
		{"two objects", `{"id":1}{"id":2}`, false},
		{"bad time", `{"start":"yesterday"}`, false},
		{"unterminated", `{"plate":"A`, false},
		{"truth", `{"reminded":truex}`, false},
		{"empty", ``, false},
		{"array", `[]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &fastJSON{b: []byte(tc.raw), strs: map[string]string{}}
			var got sessions.Session
			if ok := fastSession(p, &got); ok != tc.take {
				t.Fatalf("fast decoder took %q: %v, want %v", tc.raw, ok, tc.take)
			}
			if tc.take {
				var want sessions.Session
				if err := json.Unmarshal([]byte(tc.raw), &want); err != nil || !reflect.DeepEqual(got, want) {
					t.Fatalf("%q: fast %#v, json %#v (%v)", tc.raw, got, want, err)
				}
			}
		})
	}
}

// BenchmarkDecodeSession compares the fast decoder with json.Unmarshal on
// a running session as the engine stores it.
func BenchmarkDecodeSession(b *testing.B) {
	start := time.Date(2026, 11, 23, 9, 41, 7, 123456789, time.UTC)
	raw, err := json.Marshal(sessions.Session{ID: 1234567, Number: "+32470123456", Operator: "proximus",
		Plate: "1ABC123", Zone: "1021", City: "Brussels", Channel: sessions.ChannelSMS, Start: start,
		Until: start.Add(4*time.Hour + 30*time.Minute)})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		p := &fastJSON{strs: map[string]string{}}
		for b.Loop() {
			p.b, p.i = raw, 0
			var s sessions.Session
			if !fastSession(p, &s) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			var s sessions.Session
			if err := json.Unmarshal(raw, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
