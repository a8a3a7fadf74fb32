package dbtest

import (
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"mobilityfund/models"
)

// Statements counts the SQL statements a store sends through gorm, to
// assert how many a user action or a page takes.
type Statements struct {
	n atomic.Int64
}

// CountStatements starts counting every statement s sends from now on:
// queries, inserts, updates, deletes, row scans and raw statements.
func CountStatements(t testing.TB, s *models.Store) *Statements {
	t.Helper()
	c := &Statements{}
	count := func(*gorm.DB) { c.n.Add(1) }
	cb := s.DB().Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("dbtest:count", count),
		cb.Query().After("gorm:query").Register("dbtest:count", count),
		cb.Update().After("gorm:update").Register("dbtest:count", count),
		cb.Delete().After("gorm:delete").Register("dbtest:count", count),
		cb.Row().After("gorm:row").Register("dbtest:count", count),
		cb.Raw().After("gorm:raw").Register("dbtest:count", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// Reset starts the count again from zero.
func (c *Statements) Reset() { c.n.Store(0) }

// N is the number of statements counted since the last Reset.
func (c *Statements) N() int64 { return c.n.Load() }
