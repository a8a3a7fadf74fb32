package models

import "context"

// EachOperationalRowChunked is EachOperationalRow reading chunk
// applications at a time, for tests that need several chunks.
func (s *Store) EachOperationalRowChunked(ctx context.Context, f FollowupFilter, chunk int, fn func(*OperationalRow) error) error {
	return s.eachOperationalRow(ctx, f, chunk, fn)
}
