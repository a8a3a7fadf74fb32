// Command loadtest measures Mobility Fund from outside while it serves:
// it signs in as the given people (the development sign-in), requests the
// pages in a closed loop (-c clients, each waiting for its answer) or an
// open loop (-rate requests a second, whatever the answers take) for a
// duration, and prints requests per second and p50/p90/p99/max per page.
//
// In the same run, interleaved with the pages, it requests a baseline: a
// bare net/http server in this process that runs the list's and the
// detail page's SQL with database/sql and writes the rows as plain HTML.
// The ratio of the application's list and detail to the baseline's shows
// what the application itself costs, on a machine whose speed varies.
//
//	go run ./cmd/loadtest -url http://127.0.0.1:8080 -db postgres://… \
//	    -as syn-coordinator,syn-applicant -c 50 -d 20s
//	go run ./cmd/loadtest … -rate 50 -d 20s -pid $(pgrep -n mobilityfund)
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL for the baseline and the sign-in ids
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	base, dsn, as, search string
	pages, paths          string
	clients               int
	rate                  float64
	duration              time.Duration
	pid                   int
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.base, "url", "http://127.0.0.1:8080", "the running application")
	fs.StringVar(&o.dsn, "db", os.Getenv("DATABASE_URL"), "its PostgreSQL database (for the sign-in ids and the baseline)")
	fs.StringVar(&o.as, "as", "syn-coordinator", "comma-separated subjects of development users to sign in as")
	fs.StringVar(&o.search, "q", "studieresa till debrecen", "the search text")
	fs.IntVar(&o.clients, "c", 10, "closed loop: this many clients, each waiting for its answer")
	fs.Float64Var(&o.rate, "rate", 0, "open loop: this many requests a second (overrides -c)")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "how long to run")
	fs.IntVar(&o.pid, "pid", 0, "the server's process id: report its resident memory")
	fs.StringVar(&o.pages, "pages", "start,list,next,search,detail,tasks,followup",
		"comma-separated pages to request: start, list, next, search, detail, tasks, followup")
	fs.StringVar(&o.paths, "paths", "", "comma-separated further paths to request as each person, e.g. /finance,/followup.csv")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := sql.Open("pgx", o.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	base := newBaseline(db)
	srv := &http.Server{Handler: base, ReadHeaderTimeout: 5 * time.Second}
	ln, err := listen()
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	baseURL := "http://" + ln.Addr().String()

	var targets []target
	for _, subject := range strings.Split(o.as, ",") {
		t, err := signIn(o, db, strings.TrimSpace(subject), baseURL)
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", subject, err)
		}
		targets = append(targets, t...)
	}
	rec := newRecorder()
	mem := watchMemory(o.pid)
	start := time.Now()
	if o.rate > 0 {
		openLoop(targets, rec, o.rate, o.duration)
	} else {
		closedLoop(targets, rec, o.clients, o.duration)
	}
	elapsed := time.Since(start)
	rec.print(out, elapsed)
	fmt.Fprintln(out)
	for _, page := range []string{"list", "detail"} {
		app, bare := rec.mean("app "+page), rec.mean("baseline "+page)
		if app > 0 && bare > 0 {
			fmt.Fprintf(out, "%s: application %.1f ms, baseline %.1f ms: the application serves %.0f %% of the baseline's throughput per client\n",
				page, ms(app), ms(bare), 100*float64(bare)/float64(app))
		}
	}
	if o.pid != 0 {
		peak, now := mem()
		fmt.Fprintf(out, "server memory: peak resident %d MB during the run (VmHWM %s), now %d MB\n",
			peak>>20, hwm(o.pid), now>>20)
	}
	return nil
}

// target is one page to request, as one signed-in person.
type target struct {
	name   string
	client *http.Client
	url    string
}

var (
	detailHref = regexp.MustCompile(`href="/applications/(\d+)"`)
	nextHref   = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
)

// signIn signs subject in and returns the pages to request as them: the
// start page, the list, its next page, a search, an application from the
// list, My tasks and the follow-up, and the baseline's list and detail.
func signIn(o options, db *sql.DB, subject, baseURL string) ([]target, error) {
	var id int64
	if err := db.QueryRow("SELECT id FROM users WHERE issuer = 'dev' AND subject = $1", subject).Scan(&id); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	r, err := c.PostForm(o.base+"/login/dev", url.Values{"user_id": {fmt.Sprint(id)}})
	if err != nil {
		return nil, err
	}
	_ = r.Body.Close()
	list, err := get(c, o.base+"/applications")
	if err != nil {
		return nil, err
	}
	var out []target
	want := map[string]bool{}
	for _, p := range strings.Split(o.pages, ",") {
		want[strings.TrimSpace(p)] = true
	}
	add := func(page, name, u string) {
		if want[page] {
			out = append(out, target{name: name, client: c, url: u})
		}
	}
	add("start", "app start", o.base+"/")
	add("list", "app list", o.base+"/applications")
	if m := nextHref.FindStringSubmatch(list); m != nil {
		add("next", "app list next", o.base+strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	add("search", "app search", o.base+"/applications?q="+url.QueryEscape(o.search))
	detail := int64(0)
	if m := detailHref.FindStringSubmatch(list); m != nil {
		add("detail", "app detail", o.base+"/applications/"+m[1])
		_, _ = fmt.Sscan(m[1], &detail)
	}
	add("tasks", "app tasks", o.base+"/tasks")
	for _, p := range strings.Split(o.paths, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, target{name: "app " + p, client: c, url: o.base + p})
		}
	}
	if want["followup"] {
		if r, err := c.Get(o.base + "/followup"); err == nil {
			_ = r.Body.Close()
			if r.StatusCode == http.StatusOK {
				add("followup", "app followup", o.base+"/followup")
			}
		}
	}
	bare := &http.Client{Timeout: 60 * time.Second}
	out = append(out, target{name: "baseline list", client: bare, url: baseURL + "/list"})
	if detail != 0 {
		out = append(out, target{name: "baseline detail", client: bare, url: fmt.Sprintf("%s/detail?id=%d", baseURL, detail)})
	}
	return out, nil
}

func get(c *http.Client, u string) (string, error) {
	r, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err == nil && r.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, r.Status)
	}
	return string(b), err
}

// hit requests t once and records how long the whole answer took from
// since.
func hit(t target, rec *recorder, since time.Time) {
	r, err := t.client.Get(t.url)
	if err == nil {
		_, err = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
		if err == nil && r.StatusCode != http.StatusOK {
			err = errors.New(r.Status)
		}
	}
	rec.add(t.name, time.Since(since), err)
}

// closedLoop runs clients that each request the targets in turn, starting
// at a different one, until d has passed.
func closedLoop(targets []target, rec *recorder, clients int, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; ctx.Err() == nil; n++ {
				hit(targets[n%len(targets)], rec, time.Now())
			}
		}()
	}
	wg.Wait()
}

// openLoop starts a request every 1/rate seconds whatever the answers
// take, timing each from when it was due (so that a slow server is not
// excused by having been asked less often), until d has passed.
func openLoop(targets []target, rec *recorder, rate float64, d time.Duration) {
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	var wg sync.WaitGroup
	for n := 0; ; n++ {
		due := start.Add(time.Duration(n) * interval)
		if due.Sub(start) >= d {
			break
		}
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func() {
			defer wg.Done()
			hit(targets[n%len(targets)], rec, due)
		}()
	}
	wg.Wait()
}
