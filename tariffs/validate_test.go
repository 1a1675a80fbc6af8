package tariffs_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"smspark/tariffs"
)

func TestValidateReference(t *testing.T) {
	for code, tf := range referenceZones(t) {
		t.Run(code, func(t *testing.T) {
			if err := tf.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	valid := func() tariffs.Tariff { return zoneOf(t, "1021") }
	tests := []struct {
		name   string
		change func(*tariffs.Tariff)
		want   string // in the error
	}{
		{"no location", func(tf *tariffs.Tariff) { tf.Location = nil }, "no location"},
		{"negative from", func(tf *tariffs.Tariff) { tf.Windows[1] = []tariffs.Window{{From: -1, To: 60}} }, "Monday window minute -1-01:00"},
		{"to past midnight", func(tf *tariffs.Tariff) { tf.Windows[2] = []tariffs.Window{{From: 60, To: 1441}} }, "Tuesday window"},
		{"empty window", func(tf *tariffs.Tariff) { tf.Windows[3] = []tariffs.Window{{From: 60, To: 60}} }, "from < to"},
		{"reversed window", func(tf *tariffs.Tariff) { tf.Windows[3] = []tariffs.Window{{From: 120, To: 60}} }, "02:00-01:00"},
		{"unsorted", func(tf *tariffs.Tariff) {
			tf.Windows[0] = []tariffs.Window{{From: 600, To: 700}, {From: 60, To: 120}}
		}, "Sunday window 01:00-02:00: starts before the end of 10:00-11:40"},
		{"overlapping", func(tf *tariffs.Tariff) {
			tf.Windows[6] = []tariffs.Window{{From: 60, To: 120}, {From: 119, To: 200}}
		}, "Saturday"},
		{"negative rate", func(tf *tariffs.Tariff) { tf.RatePerHour = -1 }, "rate"},
		{"negative cap", func(tf *tariffs.Tariff) { tf.DailyCap = -1 }, "cap"},
		{"negative day price", func(tf *tariffs.Tariff) { tf.DayPrice = -1 }, "day price"},
		{"negative free minutes", func(tf *tariffs.Tariff) { tf.FreeMinutes = -1 }, "free minutes"},
		{"zero max duration", func(tf *tariffs.Tariff) { tf.MaxDuration = 0 }, "max duration"},
		{"negative max duration", func(tf *tariffs.Tariff) { tf.MaxDuration = -time.Hour }, "max duration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf := valid()
			tc.change(&tf)
			err := tf.Validate()
			if !errors.Is(err, tariffs.ErrInvalidTariff) {
				t.Fatalf("Validate = %v, want ErrInvalidTariff", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %q, want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("touching windows are fine", func(t *testing.T) {
		tf := valid()
		tf.Windows[0] = []tariffs.Window{{From: 0, To: 60}, {From: 60, To: 1440}}
		if err := tf.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
	})
}
