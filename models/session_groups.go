package models

import (
	"context"
	"time"
)

// GroupsDue reports whether the session's groups were last read from the
// provider at or before since (or never), and if so marks them read now,
// so that of several requests at once only one asks the provider. It
// returns database errors only.
func (s *Store) GroupsDue(ctx context.Context, sessionID int64, since time.Time) (bool, error) {
	res := s.conn(ctx).Model(&Session{}).
		Where("id = ? AND (groups_checked_at IS NULL OR groups_checked_at <= ?)", sessionID, since).
		Update("groups_checked_at", s.now())
	return res.RowsAffected == 1, res.Error
}

// RefreshGroups brings a signed-in person's grants from groups in step
// with groups, as a sign-in does (each change audited; grants an
// administrator made are left alone), and keeps providerToken (the
// provider may have issued new tokens) with the session, in one
// transaction. It returns the unit codes in rules that match no unit,
// and database errors.
func (s *Store) RefreshGroups(ctx context.Context, sessionID, userID int64, groups []string, rules []GroupRole, providerToken string) ([]string, error) {
	var unknown []string
	err := s.WithTx(ctx, func(ctx context.Context) error {
		units, err := s.unitIDs(ctx)
		if err != nil {
			return err
		}
		if unknown, err = s.syncGroupGrants(ctx, userID, groups, rules, units); err != nil {
			return err
		}
		return s.conn(ctx).Model(&Session{}).Where("id = ?", sessionID).Update("provider_token", providerToken).Error
	})
	return unknown, err
}
