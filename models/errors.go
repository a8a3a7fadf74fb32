package models

import (
	"errors"
	"fmt"
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
