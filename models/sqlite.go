package models

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// SQLite has one writer at a time. Left to itself, a second writer waits
// for the file lock only as long as busy_timeout and then fails with
// SQLITE_BUSY, so a long enough queue of writers turns into errors that
// users see. writerPool queues the store's writers in the process
// instead: every write transaction (the store's own and the one gorm
// opens around a lone insert, update or delete) and every statement
// executed outside a transaction takes the single write slot first,
// waiting as long as its request lasts. Reads go straight to the pool, as
// WAL lets them run beside the writer. busy_timeout still guards against
// another process writing the same file (a separate `worker`).
type writerPool struct {
	*sql.DB
	slot    chan struct{}
	waiting atomic.Int64 // writers queued for the slot
}

func newWriterPool(db *sql.DB) *writerPool {
	return &writerPool{DB: db, slot: make(chan struct{}, 1)}
}

// acquire waits for the write slot, or for ctx to end.
func (p *writerPool) acquire(ctx context.Context) error {
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	select {
	case p.slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *writerPool) release() { <-p.slot }

// ExecContext runs a statement outside a transaction as the one writer.
func (p *writerPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := p.acquire(ctx); err != nil {
		return nil, err
	}
	defer p.release()
	return p.DB.ExecContext(ctx, query, args...)
}

// BeginTx starts a transaction holding the write slot until it commits
// or rolls back.
func (p *writerPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	if err := p.acquire(ctx); err != nil {
		return nil, err
	}
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		p.release()
		return nil, err
	}
	return &writerTx{Tx: tx, release: sync.OnceFunc(p.release)}, nil
}

// GetDBConn gives gorm the pool underneath.
func (p *writerPool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

// writerTx is a transaction that holds the write slot.
type writerTx struct {
	*sql.Tx
	release func()
}

// Commit commits and gives the write slot back.
func (t *writerTx) Commit() error {
	defer t.release()
	return t.Tx.Commit()
}

// Rollback rolls back and gives the write slot back.
func (t *writerTx) Rollback() error {
	defer t.release()
	return t.Tx.Rollback()
}
