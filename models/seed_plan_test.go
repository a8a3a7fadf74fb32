package models_test

import (
	"context"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestSeedDataRefusesMistakes: a typo in a field name, a date that does
// not parse or a call of an unknown plan is an error naming it, and
// nothing of the file is loaded.
func TestSeedDataRefusesMistakes(t *testing.T) {
	t.Parallel()
	if _, err := models.ParseSeed([]byte(`{"plans":[{"code":"x","titel_sv":"typo"}]}`)); err == nil || !strings.Contains(err.Error(), "titel_sv") {
		t.Errorf("unknown field: %v, want an error naming titel_sv", err)
	}
	s := dbtest.New(t, dbtest.Backends(t)[0])
	ctx := context.Background()
	for name, raw := range map[string]string{
		"deadline_at": `{"plans":[{"code":"p","starts_on":"2027-01-01","ends_on":"2028-12-31"}],"calls":[{"code":"c","plan":"p","opens_at":"2027-01-01T00:00","deadline_at":"2027-13-01T00:00","report_due_on":"2028-06-30"}]}`,
		"nope":        `{"calls":[{"code":"c","plan":"nope","opens_at":"2027-01-01T00:00","deadline_at":"2027-12-01T00:00","report_due_on":"2028-06-30"}]}`,
	} {
		d, err := models.ParseSeed([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.LoadSeed(ctx, d); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want an error naming it", name, err)
		}
	}
	var plans int64
	if err := s.DB().Model(&models.Plan{}).Where("code = ?", "p").Count(&plans).Error; err != nil || plans != 0 {
		t.Errorf("%d plans p after a failed load (%v), want none", plans, err)
	}
}
