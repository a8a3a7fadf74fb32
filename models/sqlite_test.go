package models

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// TestSQLiteWritersQueue holds the write slot in one transaction while
// many writers arrive: each waits its turn and succeeds, however long the
// queue, and one whose request ends while it waits gets its context's
// error, never SQLITE_BUSY.
func TestSQLiteWritersQueue(t *testing.T) {
	t.Parallel()
	s, err := Open("sqlite://" + filepath.Join(t.TempDir(), "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pool := s.db.ConnPool.(*writerPool)
	u := User{Issuer: "test", Subject: "queue", Email: "q@example.org", Name: "Q", Language: "sv"}
	if err := s.db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}

	hold, held := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- s.WithTx(ctx, func(ctx context.Context) error {
			if err := s.conn(ctx).Model(&User{}).Where("id = ?", u.ID).Update("name", "Held").Error; err != nil {
				return err
			}
			close(held)
			<-hold
			return nil
		})
	}()
	<-held

	const writers = 40
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			if i%2 == 0 {
				errs[i] = s.SetLanguage(ctx, u.ID, "en")
				return
			}
			errs[i] = s.WithTx(ctx, func(ctx context.Context) error {
				return s.conn(ctx).Create(&AuditEvent{Entity: "test", EntityID: int64(i), Action: "queue", CreatedAt: s.now()}).Error
			})
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	late := make(chan error, 1)
	go func() { late <- s.SetLanguage(cancelled, u.ID, "sv") }()
	for pool.waiting.Load() < writers+1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-late; !errors.Is(err, context.Canceled) {
		t.Errorf("a writer whose request ended while queued: %v, want context.Canceled", err)
	}
	close(hold)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	var n int64
	if err := s.db.Model(&AuditEvent{}).Where("action = ?", "queue").Count(&n).Error; err != nil || n != writers/2 {
		t.Errorf("%d queued transactions committed (%v), want %d", n, err, writers/2)
	}
}
