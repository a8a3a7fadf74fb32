// Command mobilityfund runs the Mobility Fund web application.
//
// Usage:
//
//	mobilityfund [serve]      migrate, load the plan (and demo data in development), serve HTTP and deliver email
//	mobilityfund worker       migrate, then deliver email and write reminders until stopped (no HTTP)
//	mobilityfund migrate      migrate the database and load the action plan, then exit
//	mobilityfund seed [--demo] load the action plan (and with --demo the demo data), then exit
//	mobilityfund seed --synthetic N [--seed S]
//	                          also generate N applications over ten yearly calls (load tests)
//	mobilityfund help         list the subcommands and the environment variables
//	mobilityfund pseudonymise [--dry-run]
//	                          replace the names and emails of people inactive longer than
//	                          PERSONAL_DATA_RETENTION (default 24m) by a pseudonym, then exit
//
// Every setting comes from environment variables; see the README.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // Europe/Stockholm on machines without a zoneinfo database

	"github.com/gin-gonic/gin"

	"mobilityfund/auth"
	"mobilityfund/config"
	"mobilityfund/handlers"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/notify"
)

func main() {
	ctx, stop := signalContext()
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "mobilityfund:", err)
		os.Exit(1)
	}
}

// run is the whole program; ready, when not nil, receives the address the
// server listens on once it accepts connections (tests use it).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, ready chan<- string) error {
	// The handlers log every request themselves; gin's debug listing of
	// routes at start-up is noise for the people running it.
	gin.SetMode(gin.ReleaseMode)
	log := slog.New(slog.NewTextHandler(stdout, nil))
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		// Help needs no valid configuration: it is what one reads to
		// make one.
		usage(stdout)
		return nil
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, ready)
	case "migrate":
		store, err := openAndMigrate(ctx, cfg, log)
		if err != nil {
			return err
		}
		return store.Close()
	case "seed":
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		fs.SetOutput(stdout)
		demo := fs.Bool("demo", false, "also load the demo units, users and applications")
		synthetic := fs.Int("synthetic", 0, "also generate this many applications over ten yearly calls, for load tests")
		seed := fs.Uint64("seed", 1, "the generator's seed: the same N and seed give the same data")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if (*demo || *synthetic > 0) && cfg.Production() {
			return errors.New("seed --demo and --synthetic are development-only; they refuse to run with APP_ENV=production")
		}
		store, err := openAndMigrate(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer store.Close()
		if *demo {
			if err := store.SeedDemo(ctx); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			log.Info("demo data loaded")
		}
		if *synthetic > 0 {
			stats, err := store.SeedSynthetic(ctx, *synthetic, *seed)
			if err != nil {
				return fmt.Errorf("synthetic data: %w", err)
			}
			log.Info("synthetic data loaded", "applications", stats.Applications, "calls", stats.Calls, "users", stats.Users,
				"budget_lines", stats.BudgetLines, "audit_events", stats.AuditEvents, "reports", stats.Reports,
				"batch_lines", stats.BatchLines, "decisions", stats.Decisions)
		}
		return nil
	case "worker":
		store, err := openAndMigrate(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer store.Close()
		w, err := notify.New(store, cfg, log, notify.DefaultOptions())
		if err != nil {
			return err
		}
		return w.Run(ctx)
	case "pseudonymise":
		return pseudonymise(ctx, cfg, args, log, stdout)
	default:
		return fmt.Errorf("unknown command %q: use serve, worker, migrate, seed or pseudonymise (mobilityfund help lists them)", cmd)
	}
}

// commands are the subcommands, as help lists them.
var commands = []struct{ name, what string }{
	{"serve", "migrate, load the plan (and demo data in development), serve HTTP and deliver email (the default)"},
	{"worker", "migrate, then deliver email and write reminders until stopped (no HTTP)"},
	{"migrate", "migrate the database and load the action plan, then exit"},
	{"seed [--demo]", "load the action plan (and with --demo the demo data), then exit"},
	{"seed --synthetic N [--seed S]", "also generate N applications over ten yearly calls (load tests)"},
	{"pseudonymise [--dry-run]", "replace the names and emails of people inactive longer than PERSONAL_DATA_RETENTION by a pseudonym, then exit"},
	{"help", "show this text"},
}

// usage writes the subcommands and every environment variable with its
// default.
func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: mobilityfund [command]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.what)
	}
	fmt.Fprintln(w, "\nEnvironment variables (nothing else is read):")
	for _, v := range config.Variables() {
		def := v.Default
		if def == "" {
			def = "empty"
		}
		fmt.Fprintf(w, "  %s (default: %s)\n      %s\n", v.Name, def, strings.ReplaceAll(v.Description, "`", ""))
	}
}

func openAndMigrate(ctx context.Context, cfg config.Config, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	store.SetZone(cfg.Zone)
	version, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	log.Info("database ready", "dialect", store.Dialect(), "schema_version", version)
	return store, nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, ready chan<- string) error {
	var sso *auth.OIDC
	if cfg.OIDC.Issuer != "" {
		var err error
		if sso, err = auth.NewOIDC(cfg.OIDC); err != nil {
			return err
		}
		// The provider may be down at start-up: the app serves anyway
		// (sign-in says it is unavailable) while discovery retries.
		go func() { _ = sso.DiscoverWithRetry(ctx, log) }()
	}
	store, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.DemoData {
		if err := store.SeedDemo(ctx); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	bundle, err := i18n.New()
	if err != nil {
		return err
	}
	bundle.SetZone(cfg.Zone)
	key := []byte(cfg.SessionSecret)
	if len(key) == 0 {
		// Development only (production refuses to start without a
		// secret): sessions last until the next restart.
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		log.Warn("SESSION_SECRET is not set: using a random one, sessions end when the server restarts")
	}
	h, err := handlers.New(handlers.Deps{Config: cfg, Store: store, I18n: bundle, Log: log, SessionKey: key, OIDC: sso})
	if err != nil {
		return err
	}
	mailer, err := notify.New(store, cfg, log, notify.DefaultOptions())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return err
	}
	// The mail worker stops after the HTTP server, so that mail queued by
	// the last requests is still tried; it finishes the message it is
	// sending and gives back the rest of its claim.
	mailCtx, stopMail := context.WithCancel(context.Background())
	mailDone := make(chan struct{})
	go func() { defer close(mailDone); _ = mailer.Run(mailCtx) }()
	defer func() { stopMail(); <-mailDone }()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: config.ReadHeaderTimeout, ReadTimeout: config.ReadTimeout,
		WriteTimeout: config.WriteTimeout, IdleTimeout: config.IdleTimeout}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "url", "http://"+ln.Addr().String(), "env", cfg.Env)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), config.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// signalContext ends when the process is asked to stop (SIGINT, SIGTERM):
// the server then finishes the requests it took and the mail worker the
// message it is sending.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
