package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"

	"github.com/gin-gonic/gin"
)

// requestIDHeader carries the request id back to the browser, so that a
// person who reports a problem can quote it and an operator can find
// every log line of that request.
const requestIDHeader = "X-Request-Id"

type requestIDKey struct{}

// requestID gives every request an id of its own: it is set on the
// response, in the request's context (so that every log line written
// with that context carries it) and shown on error pages. An id sent by
// the client is not trusted: it would let anyone forge log lines.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := newRequestID()
		c.Header(requestIDHeader, id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Next()
	}
}

// newRequestID is 16 hex digits from math/rand/v2's generator: an id
// only has to be unique enough to find log lines, not secret.
func newRequestID() string {
	return fmt.Sprintf("%016x", rand.Uint64())
}

// RequestIDOf returns the id of the request whose context ctx is, or "".
func RequestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID is a slog handler that adds the request id of the
// record's context to every record written with one.
type withRequestID struct{ slog.Handler }

func (h withRequestID) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestIDOf(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h withRequestID) WithAttrs(as []slog.Attr) slog.Handler {
	return withRequestID{h.Handler.WithAttrs(as)}
}

func (h withRequestID) WithGroup(name string) slog.Handler {
	return withRequestID{h.Handler.WithGroup(name)}
}
