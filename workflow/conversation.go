package workflow

import (
	"strings"
	"time"
)

// CommentEditWindow is how long the author may correct a comment. After
// it a comment is part of the record: it can only be struck, with a
// reason, and stays readable.
const CommentEditWindow = 15 * time.Minute

// Message ids of the conversation's validation errors.
const (
	MsgCommentTooLong = "error.comment_too_long"
	MsgStrikeReason   = "error.strike_reason"
)

// MaxCommentRunes is the longest comment or note accepted.
const MaxCommentRunes = 10000

// Comment is what the rules need to know about a comment.
type Comment struct {
	AuthorID  int64
	Internal  bool
	CreatedAt time.Time
	Struck    bool
}

// CheckCommentBody validates a comment's text and returns a
// *ValidationError (field body) when it is empty or too long.
func CheckCommentBody(body string) error {
	switch {
	case blank(body):
		return &ValidationError{Fields: map[string]string{"body": MsgRequired}}
	case len([]rune(body)) > MaxCommentRunes:
		return &ValidationError{Fields: map[string]string{"body": MsgCommentTooLong}}
	}
	return nil
}

// MayComment checks that access allows writing in the thread (internal
// or not); it returns ErrForbidden when it does not.
func MayComment(access ConversationAccess, internal bool) error {
	if (internal && !access.WriteNotes) || (!internal && !access.Write) {
		return ErrForbidden
	}
	return nil
}

// MayEditComment says whether actor may change c's text at now: only its
// author, within CommentEditWindow, and never once it is struck. It
// returns ErrForbidden for anyone else and ErrInvalidTransition when the
// window has passed or the comment is struck.
func MayEditComment(actorID int64, c Comment, now time.Time) error {
	if actorID != c.AuthorID {
		return ErrForbidden
	}
	if c.Struck || now.Sub(c.CreatedAt) > CommentEditWindow {
		return ErrInvalidTransition
	}
	return nil
}

// MayStrikeComment says whether a person with access may strike c with
// reason: its author, or a coordinator who writes in its thread. It
// returns ErrForbidden, ErrInvalidTransition when c is struck already, or
// a *ValidationError (field reason) when the reason is missing.
func MayStrikeComment(actorID int64, coordinator bool, access ConversationAccess, c Comment, reason string) error {
	mayWrite := (c.Internal && access.WriteNotes) || (!c.Internal && access.Write)
	if actorID != c.AuthorID && !(coordinator && mayWrite) {
		return ErrForbidden
	}
	if c.Struck {
		return ErrInvalidTransition
	}
	if strings.TrimSpace(reason) == "" {
		return &ValidationError{Fields: map[string]string{"reason": MsgStrikeReason}}
	}
	return nil
}

// CommentNotices says who hears of a new comment: a comment from the
// applicants' side goes to the coordinators, one from the coordinators to
// the applicants; an internal note goes to the coordinators and the unit
// heads, and to the deciders once the application waits for them. The
// caller leaves out the writer, and for notes anyone who may not read
// them.
func CommentNotices(app Application, fromApplicant, internal bool) []Notice {
	switch {
	case internal:
		out := []Notice{{Event: EventInternalNote, To: Recipient{Kind: RecipientCoordinators}},
			{Event: EventInternalNote, To: Recipient{Kind: RecipientUnitHeads}}}
		if app.State == StateReadyForDecision {
			out = append(out, Notice{Event: EventInternalNote, To: Recipient{Kind: RecipientDeciders}})
		}
		return out
	case fromApplicant:
		return []Notice{{Event: EventComment, To: Recipient{Kind: RecipientCoordinators}}}
	}
	return []Notice{{Event: EventComment, To: Recipient{Kind: RecipientApplicants}}}
}
