package models

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"mobilityfund/workflow"
)

// RecordSettings is what decision documents say of the university: its
// name, the fund the money comes from and the regular decider's office,
// in Swedish and English. One row, kept by administrators.
type RecordSettings struct {
	ID             int64
	UniversitySV   string `gorm:"column:university_sv"`
	UniversityEN   string `gorm:"column:university_en"`
	FundSV         string `gorm:"column:fund_sv"`
	FundEN         string `gorm:"column:fund_en"`
	DeciderTitleSV string `gorm:"column:decider_title_sv"`
	DeciderTitleEN string `gorm:"column:decider_title_en"`
	Version        int
	UpdatedBy      *int64
	UpdatedAt      time.Time
}

// Complete reports whether the university and the fund are named in
// Swedish, the language of the record.
func (r RecordSettings) Complete() bool { return r.UniversitySV != "" && r.FundSV != "" }

// University is the university's name in lang, Swedish when the English
// one is missing.
func (r RecordSettings) University(lang string) string {
	return Text(lang, r.UniversitySV, r.UniversityEN)
}

// Fund is the fund's name in lang.
func (r RecordSettings) Fund(lang string) string { return Text(lang, r.FundSV, r.FundEN) }

// DeciderTitle is the regular decider's office in lang.
func (r RecordSettings) DeciderTitle(lang string) string {
	return Text(lang, r.DeciderTitleSV, r.DeciderTitleEN)
}

// RecordSettingsInput is what an administrator types on the settings page.
type RecordSettingsInput struct {
	UniversitySV, UniversityEN     string
	FundSV, FundEN                 string
	DeciderTitleSV, DeciderTitleEN string
}

// Message ids of the settings form's errors.
const (
	MsgRecordRequired = "error.required"
	MsgRecordTooLong  = "records.err_too_long"
)

// RecordSettings reads the settings row.
func (s *Store) RecordSettings(ctx context.Context) (*RecordSettings, error) {
	var r RecordSettings
	if err := s.conn(ctx).First(&r, 1).Error; err != nil {
		return nil, err
	}
	return &r, nil
}

// SaveRecordSettings stores what an administrator typed, audited, if the
// row is still at version. It returns workflow.ErrForbidden unless actor
// is an administrator, a *workflow.ValidationError naming the fields that
// are missing (the Swedish names) or longer than 200 characters, and a
// *StaleError when someone saved in between.
func (s *Store) SaveRecordSettings(ctx context.Context, actor *Actor, version int, in RecordSettingsInput) (*RecordSettings, error) {
	if actor == nil || !actor.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	fields := []struct {
		name     string
		v        *string
		required bool
	}{
		{"university_sv", &in.UniversitySV, true}, {"university_en", &in.UniversityEN, false},
		{"fund_sv", &in.FundSV, true}, {"fund_en", &in.FundEN, false},
		{"decider_title_sv", &in.DeciderTitleSV, false}, {"decider_title_en", &in.DeciderTitleEN, false},
	}
	v := &workflow.ValidationError{Fields: map[string]string{}}
	for _, f := range fields {
		*f.v = strings.Join(strings.Fields(*f.v), " ")
		switch {
		case f.required && *f.v == "":
			v.Fields[f.name] = MsgRecordRequired
		case utf8.RuneCountInString(*f.v) > 200:
			v.Fields[f.name] = MsgRecordTooLong
		}
	}
	if len(v.Fields) > 0 {
		return nil, v
	}
	var out RecordSettings
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		now := s.now()
		res := tx.Model(&RecordSettings{}).Where("id = 1 AND version = ?", version).Updates(map[string]any{
			"university_sv": in.UniversitySV, "university_en": in.UniversityEN, "fund_sv": in.FundSV, "fund_en": in.FundEN,
			"decider_title_sv": in.DeciderTitleSV, "decider_title_en": in.DeciderTitleEN,
			"version": version + 1, "updated_by": actor.User.ID, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		if err := tx.Create(&AuditEvent{Entity: "record_settings", EntityID: 1, ActorID: &actor.User.ID,
			Action: "update", Comment: in.UniversitySV + " · " + in.FundSV, CreatedAt: now}).Error; err != nil {
			return err
		}
		return tx.First(&out, 1).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
