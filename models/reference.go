package models

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// ReferenceSettings holds the pattern decisions' reference numbers
// (diarienummer) are proposed from; one row.
type ReferenceSettings struct {
	ID        int64
	Pattern   string
	Version   int
	UpdatedAt time.Time
}

// MsgReferencePattern is the message id of a pattern the rules refuse;
// MsgReferenceTaken of a reference number another decision has.
const (
	MsgReferencePattern = "admin.err.reference_pattern"
	MsgReferenceTaken   = "error.reference_taken"
)

// ReferencePattern returns the pattern reference numbers are proposed
// from.
func (s *Store) ReferencePattern(ctx context.Context) (ReferenceSettings, error) {
	var r ReferenceSettings
	err := s.conn(ctx).First(&r, 1).Error
	return r, err
}

// SetReferencePattern changes the pattern. It returns a
// *workflow.ValidationError (field pattern) for a pattern without exactly
// one {seq} or with an unknown placeholder, ErrStale when it changed since
// the form was shown, and workflow.ErrForbidden for anyone but
// coordinators and administrators.
func (s *Store) SetReferencePattern(ctx context.Context, actor *Actor, version int, pattern string) error {
	if !mayManageCalls(actor) {
		return workflow.ErrForbidden
	}
	pattern = strings.TrimSpace(pattern)
	if workflow.CheckDiaryPattern(pattern) != "" || workflow.TooLong(pattern, workflow.MaxReference) {
		return &workflow.ValidationError{Fields: map[string]string{"pattern": MsgReferencePattern}}
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		now := s.now()
		res := tx.Model(&ReferenceSettings{}).Where("id = 1 AND version = ?", version).
			Updates(map[string]any{"pattern": pattern, "version": version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrStale
		}
		return tx.Create(&AuditEvent{Entity: "reference_settings", EntityID: 1, ActorID: &actor.User.ID, Action: "update",
			Comment: pattern, CreatedAt: now}).Error
	})
}

// ProposeReference returns the next reference number of this year's
// series: the pattern filled with the year (in the university's time
// zone) and one more than the highest number of that year's series a
// decision has, so that a number the decider typed by hand into the
// series moves it on.
func (s *Store) ProposeReference(ctx context.Context) (string, error) {
	set, err := s.ReferencePattern(ctx)
	if err != nil {
		return "", err
	}
	year := s.YearOf(s.now())
	re := seriesRegexp(set.Pattern, year)
	var refs []string
	// The series' numbers can only be in decisions of this year or later
	// (a clock set back); a year's decisions are a few hundred at most.
	if err := s.conn(ctx).Model(&Decision{}).Where("decided_at >= ?", s.yearStart(year).UTC()).
		Pluck("decision_ref", &refs).Error; err != nil {
		return "", err
	}
	next := 1
	for _, ref := range refs {
		if m := re.FindStringSubmatch(ref); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= next {
				next = n + 1
			}
		}
	}
	return workflow.FormatDiary(set.Pattern, year, next), nil
}

// seriesRegexp matches the references of year's series of pattern and
// captures the number.
func seriesRegexp(pattern string, year int) *regexp.Regexp {
	loc := seqPlaceholder.FindStringIndex(pattern)
	if loc == nil {
		return regexp.MustCompile(`^\b$`) // matches nothing
	}
	fill := func(part string) string {
		return regexp.QuoteMeta(strings.ReplaceAll(part, "{year}", strconv.Itoa(year)))
	}
	return regexp.MustCompile("^" + fill(pattern[:loc[0]]) + `0*(\d+)` + fill(pattern[loc[1]:]) + "$")
}

var seqPlaceholder = regexp.MustCompile(`\{seq(?::0\d+)?\}`)

// ReferenceTaken reports whether a decision has ref already. Reference
// numbers are unique: the decision page refuses a number in use.
func (s *Store) ReferenceTaken(ctx context.Context, ref string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&Decision{}).Where("decision_ref = ?", strings.TrimSpace(ref)).Count(&n).Error
	return n > 0, err
}
