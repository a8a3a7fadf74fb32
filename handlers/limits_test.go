package handlers_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// zeros is an endless body of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestHugeBodyRefused posts 100 MB anonymously, as a stream without a
// length and with one, and expects 413 without the server holding it:
// the process allocates far less than the body. It runs alone (not in
// parallel) so that the allocation count is the server's and this test's.
func TestHugeBodyRefused(t *testing.T) {
	s := dbtest.New(t, dbtest.Backends(t)[0])
	a := newApp(t, s)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, withLength := range []bool{false, true} {
		const size = 100 << 20
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/language", io.LimitReader(zeros{}, size))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if withLength {
			req.ContentLength = size
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("length %v: %v", withLength, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "Det du skickade är för stort") {
			t.Errorf("length %v: status %d, want 413 with the page", withLength, resp.StatusCode)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 20<<20 {
		t.Errorf("two 100 MB posts made the process allocate %d MB, want under 20 MB", grew>>20)
	}
}

// TestBodiesAndTexts: multipart only where files are taken, and text
// that cannot be stored answered the same on both databases.
func TestBodiesAndTexts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()
		c.login(a.demoUser(workflow.RoleCoordinator, nil))
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/applications?q=%00", http.StatusBadRequest},
			{"/applications?q=%FF", http.StatusBadRequest},
			{"/admin/people?q=%00", http.StatusBadRequest},
			{"/applications?q=Tartu", http.StatusOK},
			{"/applications?q=%C3%B6", http.StatusOK},
			{"/followup?year=300000", http.StatusBadRequest},
			{"/followup?year=-1", http.StatusBadRequest},
			{"/followup?year=2026", http.StatusOK},
			{"/followup/yearly?year=99999999999999999999", http.StatusBadRequest},
		} {
			if r := c.get(tc.path); r.status != tc.want {
				t.Errorf("GET %s: %d, want %d", tc.path, r.status, tc.want)
			}
		}
		for _, v := range []string{"A\x00B", "bad \xff", "bell\x07"} {
			r := c.post("/applications", url.Values{"title": {v}, "call": {"1"}})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "title") {
				t.Errorf("POST a title %q: %d, want 422 naming the field", v, r.status)
			}
		}
		if r := c.post("/language", url.Values{"lang": {"en"}, "next": {"/tasks\r\n"}}); r.status == http.StatusUnprocessableEntity {
			t.Errorf("CR LF is text a browser sends: %d", r.status)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("lang", "en")
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/language", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if r := c.do(req); r.status != http.StatusUnsupportedMediaType {
			t.Errorf("multipart to /language: %d, want 415", r.status)
		}
	})
}
