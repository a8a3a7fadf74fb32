package models

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is returned when a requested row does not exist, or exists
// but the caller may not see it: the two are indistinguishable on purpose,
// so an id in a URL reveals nothing.
var ErrNotFound = errors.New("not found")

// ErrStale is returned when an action was taken on an application that
// someone else changed after the caller loaded it (optimistic locking).
var ErrStale = errors.New("stale version")

// NotFoundError names what was not found; it unwraps to ErrNotFound.
type NotFoundError struct {
	What string
	ID   any
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %v not found", e.What, e.ID) }

// Unwrap lets errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// StaleError tells which version the caller had and which one is current;
// it unwraps to ErrStale.
type StaleError struct {
	Have, Current int
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("the application was changed by someone else (your version %d, current %d)", e.Have, e.Current)
}

// Unwrap lets errors.Is(err, ErrStale) hold.
func (e *StaleError) Unwrap() error { return ErrStale }

// Unavailable reports whether err means the database could not be
// reached or went away (a restart, a network cut, a connection pool that
// cannot connect): the request may well succeed in a moment, and nothing
// of it was written, since a transaction that loses its connection is
// rolled back by the server.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var (
		op      *net.OpError
		connect *pgconn.ConnectError
		pgErr   *pgconn.PgError
	)
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &op), errors.As(err, &connect):
		return true
	case errors.As(err, &pgErr):
		// Class 08 is a connection exception; 57P01–57P03 an
		// administrator's or a crash's shutdown, or a server starting.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	// pgx reports a connection closed under it in plain text.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "failed to connect")
}
