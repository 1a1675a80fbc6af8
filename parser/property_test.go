package parser_test

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"smspark/parser"
)

// plateGen draws a normalised plate.
var plateGen = rapid.StringMatching(`[A-Z0-9]{2,10}`)

// spaceGen draws a run of white space.
var spaceGen = rapid.SampledFrom([]string{" ", "  ", "\t", "\n", " \r\n ", "\u00a0", "\u3000"})

// written returns plate as a motorist might type it: separators between
// characters, letters in either case. No white space comes just before the
// last character, so that a lone last character is never read as the
// day-ticket D.
func written(t *rapid.T, plate string) string {
	var b strings.Builder
	for i := 0; i < len(plate); i++ {
		c := plate[i]
		if rapid.Bool().Draw(t, "lower") {
			c = lower(c)
		}
		b.WriteByte(c)
		if i < len(plate)-2 {
			b.WriteString(rapid.SampledFrom([]string{"", "", "-", ".", " ", "\t"}).Draw(t, "sep"))
		} else if i == len(plate)-2 {
			b.WriteString(rapid.SampledFrom([]string{"", "-", "."}).Draw(t, "sep"))
		}
	}
	return b.String()
}

func TestParseWrittenCommands(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.StringMatching(`[0-9]{3,6}`).Draw(t, "zone")
		plate := plateGen.Draw(t, "plate")
		sp := spaceGen.Draw(t, "space")
		tests := []struct {
			text string
			want parser.Command
		}{
			{zone + sp + written(t, plate), parser.Command{Kind: parser.Start, Zone: zone, Plate: plate}},
			{zone + sp + written(t, plate) + sp + "d", parser.Command{Kind: parser.DayTicket, Zone: zone, Plate: plate}},
			{"q" + written(t, plate), parser.Command{Kind: parser.Stop, Plate: plate}},
			{"Stop" + sp + written(t, plate), parser.Command{Kind: parser.Stop, Plate: plate}},
			{"bla6jkpmwqr" + sp + written(t, plate), parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR", Plate: plate}},
		}
		for _, tt := range tests {
			got, err := testParser.Parse(sp + tt.text + sp)
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", tt.text, got, err, tt.want)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	texts := map[string]string{
		"start":     "1021 1-ABC-123",
		"dayticket": "1021 1 abc 123 d",
		"stop":      "Q1ABC123",
		"voucher":   "BLA6JKPMWQR 1ABC123",
		"info":      "info",
		"unknown":   "hello, can I park here?",
		"long":      "1021 " + strings.Repeat("parking ", 250),
	}
	for name, text := range texts {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = testParser.Parse(text)
			}
		})
	}
}
