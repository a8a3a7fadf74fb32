package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"mobilityfund/internal/apptest"
	"mobilityfund/internal/dbtest"
)

// syncBuffer is a log sink the server's goroutines may write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the log records written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, rec)
	}
	return out
}

// TestRequestID: every response carries an id of its own, the error page
// shows it, and every log line of the request has it.
func TestRequestID(t *testing.T) {
	t.Parallel()
	s := dbtest.New(t, dbtest.Backends(t)[0])
	var logs syncBuffer
	a := &app{t: t, srv: apptest.ServerLogging(t, s, &logs), store: s}
	c := a.client()

	first := c.get("/")
	second := c.get("/no-such-page")
	id1, id2 := first.header.Get("X-Request-Id"), second.header.Get("X-Request-Id")
	if len(id1) != 16 || len(id2) != 16 || id1 == id2 {
		t.Fatalf("request ids %q and %q, want two different 16-character ids", id1, id2)
	}
	if second.status != http.StatusNotFound || !strings.Contains(second.body, id2) {
		t.Errorf("404 page (status %d) does not show its reference %s", second.status, id2)
	}

	// A client cannot choose its id: that would let it forge log lines.
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/", nil)
	req.Header.Set("X-Request-Id", "forged")
	if got := c.do(req).header.Get("X-Request-Id"); got == "forged" {
		t.Error("the server took the client's request id")
	}

	seen := map[string]bool{}
	for _, rec := range logs.lines(t) {
		if rec["msg"] != "request" {
			continue
		}
		id, _ := rec["request_id"].(string)
		if id == "" {
			t.Errorf("log line without request id: %v", rec)
		}
		seen[id] = true
	}
	if !seen[id1] || !seen[id2] {
		t.Errorf("access log has ids %v, want %s and %s", seen, id1, id2)
	}
}
