package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"mobilityfund/config"
	"mobilityfund/models"
)

// pseudonymise runs `mobilityfund pseudonymise [--dry-run]`: every person
// inactive longer than the retention, holding no role and named on no
// open application, gets a pseudonym instead of their name and email,
// one transaction and one audit row each. A dry run does the same work
// and rolls it back, so what it prints is what a run would change; it
// names the people, which a real run does not, so that the run's output
// keeps no copy of what it removed.
func pseudonymise(ctx context.Context, cfg config.Config, args []string, log *slog.Logger, stdout io.Writer) error {
	fs := flag.NewFlagSet("pseudonymise", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dry := fs.Bool("dry-run", false, "print what would change, and change nothing")
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: mobilityfund pseudonymise [--dry-run]\n\n"+
			"Replaces the name and email of every person inactive longer than PERSONAL_DATA_RETENTION\n"+
			"(now %s; months such as 24m or years such as 2y) by a stable pseudonym, ends their sessions\n"+
			"and writes an audit row each. People holding a role, or named on an open application, are kept.\n\n",
			cfg.Retention)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	store, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	cutoff := cfg.Retention.Cutoff(store.Now())
	if *dry {
		fmt.Fprintln(stdout, "Dry run: nothing is changed.")
	}
	fmt.Fprintf(stdout, "Retention %s: people last active before %s.\n", cfg.Retention, cutoff.Format(time.DateOnly))
	done := 0
	err = store.EachPseudonymCandidate(ctx, cutoff, func(c models.PseudonymCandidate) error {
		res, err := store.Pseudonymise(ctx, c.User.ID, cutoff, *dry)
		if errors.Is(err, models.ErrNotPseudonymisable) {
			return nil // active again, or given a role, since it was listed
		}
		if err != nil {
			return fmt.Errorf("person %d: %w", c.User.ID, err)
		}
		done++
		who := fmt.Sprintf("person %d", c.User.ID)
		if *dry {
			who += fmt.Sprintf(" (%s <%s>)", c.User.Name, c.User.Email)
		}
		fmt.Fprintf(stdout, "%s, last active %s → %s: %s; %d sessions ended", who,
			c.LastActive.Format(time.DateOnly), res.Pseudonym, changes(res.Changed), res.Sessions)
		if !res.NameInText {
			fmt.Fprint(stdout, "; the name is too short or shared to be replaced inside free text")
		}
		fmt.Fprintln(stdout)
		return nil
	})
	if err != nil {
		return err
	}
	verb := "pseudonymised"
	if *dry {
		verb = "would be pseudonymised"
	}
	fmt.Fprintf(stdout, "%d people %s.\n", done, verb)
	return nil
}

// changes lists the changed rows per column, in a fixed order.
func changes(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
