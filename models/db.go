// Package models persists Mobility Fund's data with gorm on PostgreSQL or
// SQLite: one file per entity, versioned migrations, seed data, and one
// transaction per user action.
package models

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database kind behind a Store.
type Dialect string

// The two supported databases.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DefaultSQLitePath is where the embedded database lives when DATABASE_URL
// is empty.
const DefaultSQLitePath = "data/mobilityfund.db"

//go:embed migrations
var migrationFS embed.FS

// Store is the application's access to its database. It is safe for
// concurrent use; create one with Open and pass it to whoever needs it.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	now     func() time.Time
	// zone is the university's time zone (TIME_ZONE): the calendar of
	// every date, deadline and year the store reckons.
	zone *time.Location
	// reminderAfter is the application id the last reminder run stopped
	// after; the next one continues from there (QueueReminders).
	reminderAfter atomic.Int64
	// plans keeps the plans' trees between requests (plan_cache.go).
	plans planCache
}

// Open connects to the database named by url: empty for the default SQLite
// file, "sqlite://PATH" for another SQLite file (":memory:" is not
// supported because every connection would see its own database), or a
// "postgres://" URL. It does not migrate; call Migrate.
func Open(url string) (*Store, error) {
	cfg := &gorm.Config{
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError: true,
	}
	var (
		db      *gorm.DB
		dialect Dialect
		err     error
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		dialect = Postgres
		db, err = gorm.Open(postgres.Open(url), cfg)
	case url == "", strings.HasPrefix(url, "sqlite://"):
		dialect = SQLite
		path := strings.TrimPrefix(url, "sqlite://")
		if path == "" {
			path = DefaultSQLitePath
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
		var sqlDB *sql.DB
		if sqlDB, err = sql.Open(sqlite.DriverName, sqliteDSN(path)); err == nil {
			db, err = gorm.Open(&sqlite.Dialector{Conn: newWriterPool(sqlDB)}, cfg)
		}
	default:
		return nil, fmt.Errorf("DATABASE_URL must be empty, sqlite://PATH or postgres://…, not %q", redact(url))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// Writers queue for one write slot (writerPool); the other
		// connections serve readers beside the writer.
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
	} else {
		// Idle = open: under load a pool that keeps fewer idle than it
		// opens closes and reopens PostgreSQL sessions (each a process
		// fork) many times a second.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	return &Store{db: db, dialect: dialect, now: cfg.NowFunc, zone: defaultZone()}, nil
}

func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
}

// redact hides a password in a database URL for error messages.
func redact(url string) string {
	if at := strings.LastIndex(url, "@"); at > 0 {
		if scheme := strings.Index(url, "://"); scheme > 0 && scheme < at {
			return url[:scheme+3] + "…" + url[at:]
		}
	}
	return url
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the gorm handle, for tests and the schema check.
func (s *Store) DB() *gorm.DB { return s.db }

// SetClock replaces the store's clock; tests use it to move time.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's current time in UTC.
func (s *Store) Now() time.Time { return s.now() }

// SetZone sets the university's time zone; main sets TIME_ZONE's before
// the store is used. The default is Europe/Stockholm.
func (s *Store) SetZone(loc *time.Location) {
	if loc != nil {
		s.zone = loc
		numberZone.Store(loc)
	}
}

// Zone is the university's time zone.
func (s *Store) Zone() *time.Location { return s.zone }

// YearOf is the calendar year of t in the university's time zone: a call
// that opens at midnight on 1 January Swedish time is of that year,
// although it is still the previous year in UTC.
func (s *Store) YearOf(t time.Time) int { return t.In(s.zone).Year() }

// yearStart is midnight on 1 January of year in the university's time
// zone.
func (s *Store) yearStart(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, s.zone) }

// defaultZone is Europe/Stockholm, the zone of the first university;
// time/tzdata in main makes it available on machines without zoneinfo.
func defaultZone() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Migrate brings the schema to the newest version, loads the action plan
// and writes the months of the university's time zone for the month
// totals (summing them again when the zone is not the one they were
// written for), holding a lock so that several replicas can start at
// once. It returns the schema version reached.
func (s *Store) Migrate(ctx context.Context) (int64, error) {
	var version int64
	err := s.withMigrationLock(ctx, func(db *sql.DB) error {
		sub, err := fs.Sub(migrationFS, "migrations/"+string(s.dialect))
		if err != nil {
			return err
		}
		dialect := goose.DialectPostgres
		if s.dialect == SQLite {
			dialect = goose.DialectSQLite3
		}
		// Features land in any order, each with migrations numbered in a
		// range of its own: a database that has a higher-numbered one
		// already still takes a lower-numbered newcomer.
		p, err := goose.NewProvider(dialect, db, sub, goose.WithAllowOutofOrder(true))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if version, err = p.GetDBVersion(ctx); err != nil {
			return err
		}
		if err := s.SeedPlan(ctx); err != nil {
			return err
		}
		return s.ensureZoneMonths(ctx)
	})
	return version, err
}

// withMigrationLock serialises migrations and seeding across replicas
// starting at the same time, with a PostgreSQL advisory lock keyed on the
// schema (so that separate schemas on one server do not wait for each
// other).
func (s *Store) withMigrationLock(ctx context.Context, fn func(*sql.DB) error) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if s.dialect != Postgres {
		return fn(sqlDB)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext(current_schema()))"); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		// A background context: the unlock must happen even when ctx ended.
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(hashtext(current_schema()))")
	}()
	return fn(sqlDB)
}

// ctxKey marks the transaction carried in a context.
type ctxKey struct{}

// WithTx runs fn in a transaction, reusing the one already in ctx so that
// helpers compose into one user action. Inside fn every query goes through
// s.conn(ctx), which is the transaction. An error from fn rolls it back.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(ctxKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == SQLite {
			// Take the write lock first, as BEGIN IMMEDIATE would: a
			// transaction that reads and then writes could otherwise find
			// its snapshot stale (SQLITE_BUSY_SNAPSHOT) instead of waiting.
			// The driver ignores _txlock when _time_format is set.
			if err := tx.Exec("UPDATE goose_db_version SET id = id WHERE id < 0").Error; err != nil {
				return err
			}
		}
		return fn(context.WithValue(ctx, ctxKey{}, tx))
	})
}

// inTx reports whether ctx carries a transaction.
func (s *Store) inTx(ctx context.Context) bool {
	_, ok := ctx.Value(ctxKey{}).(*gorm.DB)
	return ok
}

// conn returns the transaction in ctx, or the pool.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(ctxKey{}).(*gorm.DB); ok {
		return tx
	}
	return s.db.WithContext(ctx)
}

// lockClause returns the row-lock suffix for SELECT … FOR UPDATE where the
// database has one; SQLite's BEGIN IMMEDIATE already holds the write lock.
func (s *Store) forUpdate(q *gorm.DB) *gorm.DB {
	if s.dialect == Postgres {
		return q.Clauses(forUpdateClause)
	}
	return q
}

// notFound turns gorm's record-not-found into a NotFoundError.
func notFound(err error, what string, id any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &NotFoundError{What: what, ID: id}
	}
	return err
}

// Tables returns one value of every model stored in its own table; the
// schema test checks each against the migrated database.
func Tables() []any {
	return []any{
		&OrgUnit{}, &User{}, &RoleGrant{}, &Plan{}, &PlanResponsible{}, &PlanArea{}, &PlanGoal{},
		&PlanActivity{}, &Call{}, &Application{}, &BudgetLine{}, &ApplicationActivity{},
		&AuditEvent{}, &OutboxMessage{}, &MailboxMessage{}, &Session{}, &Attachment{},
		&Report{},
		&FinanceSettings{}, &FinanceBatch{}, &FinanceBatchLine{},
		&RecordSettings{}, &Decision{}, &DecisionDocument{}, &Comment{},
		&CallActivity{}, &auditRedactionPermit{}, &ApplicationTotal{}, &ReportTotal{},
	}
}
