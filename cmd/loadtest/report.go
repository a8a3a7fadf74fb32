package main

import (
	"database/sql"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// recorder keeps every latency per page.
type recorder struct {
	mu     sync.Mutex
	times  map[string][]time.Duration
	errors map[string]int
	last   map[string]string
}

func newRecorder() *recorder {
	return &recorder{times: map[string][]time.Duration{}, errors: map[string]int{}, last: map[string]string{}}
}

func (r *recorder) add(name string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors[name]++
		r.last[name] = err.Error()
		return
	}
	r.times[name] = append(r.times[name], d)
}

// mean is the page's mean latency, or 0 when it has none.
func (r *recorder) mean(name string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	ts := r.times[name]
	if len(ts) == 0 {
		return 0
	}
	var sum time.Duration
	for _, t := range ts {
		sum += t
	}
	return sum / time.Duration(len(ts))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// print writes one line per page: requests, requests a second, errors and
// the percentiles.
func (r *recorder) print(out io.Writer, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for n := range r.times {
		names = append(names, n)
	}
	for n := range r.errors {
		if _, ok := r.times[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	fmt.Fprintf(out, "%-32s %7s %8s %6s %9s %9s %9s %9s\n", "page", "n", "req/s", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms")
	total := 0
	for _, n := range names {
		ts := r.times[n]
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		q := func(p float64) float64 {
			if len(ts) == 0 {
				return 0
			}
			return ms(ts[min(len(ts)-1, int(p*float64(len(ts))))])
		}
		total += len(ts)
		fmt.Fprintf(out, "%-32s %7d %8.1f %6d %9.1f %9.1f %9.1f %9.1f\n", n, len(ts), float64(len(ts))/elapsed.Seconds(),
			r.errors[n], q(0.50), q(0.90), q(0.99), q(1))
		if e := r.last[n]; e != "" {
			fmt.Fprintf(out, "%-32s last error: %s\n", "", e)
		}
	}
	fmt.Fprintf(out, "%-32s %7d %8.1f in %s\n", "all", total, float64(total)/elapsed.Seconds(), elapsed.Round(time.Millisecond))
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// baseline is the least a page can cost: net/http, database/sql and the
// same SQL as the application's list (first page: rows and the capped
// count) and application page (the row, its budget lines, its call),
// written out as a bare table.
type baseline struct{ db *sql.DB }

func newBaseline(db *sql.DB) http.Handler {
	b := &baseline{db: db}
	mux := http.NewServeMux()
	mux.HandleFunc("/list", b.list)
	mux.HandleFunc("/detail", b.detail)
	return mux
}

func (b *baseline) list(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var n int64
	if err := b.db.QueryRowContext(ctx, "SELECT COALESCE(SUM(applications), 0) FROM application_totals").Scan(&n); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rows, err := b.db.QueryContext(ctx, "SELECT a.id, a.title, a.state, a.requested_ore, a.granted_ore, a.updated_at, u.name_sv "+
		"FROM applications a JOIN org_units u ON u.id = a.unit_id ORDER BY a.updated_at DESC, a.id DESC LIMIT 26")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	var sb strings.Builder
	sb.WriteString("<!doctype html><title>list</title><p>" + strconv.FormatInt(n, 10) + "</p><table>")
	for rows.Next() {
		var (
			id, requested, granted int64
			title, state, unit     string
			updated                time.Time
		)
		if err := rows.Scan(&id, &title, &state, &requested, &granted, &updated, &unit); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(&sb, "<tr><td><a href=\"/detail?id=%d\">%d</a><td>%s<td>%s<td>%s<td>%d<td>%d<td>%s</tr>",
			id, id, html.EscapeString(title), html.EscapeString(unit), state, requested, granted, updated.Format(time.DateOnly))
	}
	sb.WriteString("</table>")
	_, _ = io.WriteString(w, sb.String())
}

func (b *baseline) detail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	var (
		callID                 int64
		title, summary, state  string
		purpose, call          string
		requested, granted     int64
		budget, committed, sum int64
	)
	err := b.db.QueryRowContext(ctx, "SELECT call_id, title, summary, purpose, state, requested_ore, granted_ore FROM applications WHERE id = $1", id).
		Scan(&callID, &title, &summary, &purpose, &state, &requested, &granted)
	if err == nil {
		err = b.db.QueryRowContext(ctx, "SELECT title_sv, budget_ore FROM calls WHERE id = $1", callID).Scan(&call, &budget)
	}
	if err == nil {
		err = b.db.QueryRowContext(ctx, "SELECT COALESCE(SUM(granted_ore - returned_ore), 0) FROM application_totals WHERE call_id = $1", callID).
			Scan(&committed)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "<!doctype html><title>%s</title><h1>%s</h1><p>%s</p><p>%s</p><p>%s %d/%d</p><table>", html.EscapeString(title),
		html.EscapeString(title), html.EscapeString(summary), html.EscapeString(purpose), html.EscapeString(call), committed, budget)
	rows, err := b.db.QueryContext(ctx, "SELECT category, description, amount_ore FROM budget_lines WHERE application_id = $1 ORDER BY position, id", id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var cat, desc string
		var amount int64
		if err := rows.Scan(&cat, &desc, &amount); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sum += amount
		fmt.Fprintf(&sb, "<tr><td>%s<td>%s<td>%d</tr>", cat, html.EscapeString(desc), amount)
	}
	fmt.Fprintf(&sb, "</table><p>%s %d %d %d</p>", state, requested, granted, sum)
	_, _ = io.WriteString(w, sb.String())
}

// watchMemory samples the server's resident memory every 100 ms until the
// returned function is called, which gives the peak and the last sample.
// It first resets the kernel's peak (VmHWM) of the process where it may,
// so that hwm gives the run's exact peak, spikes between samples included.
func watchMemory(pid int) func() (peak, now int64) {
	if pid == 0 {
		return func() (int64, int64) { return 0, 0 }
	}
	hwmReset = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	var mu sync.Mutex
	var peak, last int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if rss := statusKB(pid, "VmRSS:") << 10; rss > 0 {
					mu.Lock()
					last, peak = rss, max(peak, rss)
					mu.Unlock()
				}
			}
		}
	}()
	return func() (int64, int64) {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return peak, last
	}
}

// hwmReset is whether watchMemory reset the process's peak.
var hwmReset bool

// hwm is the process's peak resident memory, since the run began when
// watchMemory could reset it, else since the process started.
func hwm(pid int) string {
	since := "since the run began"
	if !hwmReset {
		since = "since the server started"
	}
	return fmt.Sprintf("%d MB %s", statusKB(pid, "VmHWM:")>>10, since)
}

// statusKB reads one kB figure of /proc/PID/status.
func statusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}
