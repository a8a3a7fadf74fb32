package config_test

import (
	"testing"
	"time"

	"mobilityfund/config"
)

func TestParseRetention(t *testing.T) {
	t.Parallel()
	for in, months := range map[string]int{"24m": 24, "24 months": 24, "2y": 24, " 3 Years ": 36, "1 month": 1, "18m": 18} {
		r, err := config.ParseRetention(in)
		if err != nil || r.Months != months {
			t.Errorf("%q: %v, %v; want %d months", in, r, err, months)
		}
	}
	for _, in := range []string{"", "0m", "24", "2w", "m", "-3y", "101y", "1.5y", "24 days"} {
		if r, err := config.ParseRetention(in); err == nil {
			t.Errorf("%q accepted as %v", in, r)
		}
	}
	if got := (config.Retention{Months: 24}).Cutoff(time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("cutoff %v", got)
	}
}

func TestRetentionSetting(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := config.Load(env(nil))
	if err != nil || c.Retention != config.DefaultRetention {
		t.Errorf("default: %v, %v", c.Retention, err)
	}
	c, err = config.Load(env(map[string]string{"PERSONAL_DATA_RETENTION": "3y"}))
	if err != nil || c.Retention.Months != 36 {
		t.Errorf("3y: %v, %v", c.Retention, err)
	}
	if _, err := config.Load(env(map[string]string{"PERSONAL_DATA_RETENTION": "forever"})); err == nil {
		t.Error("forever accepted")
	}
}
