package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"mobilityfund/config"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// Options tune the worker; DefaultOptions gives the production values.
type Options struct {
	BatchSize   int           // rows claimed at once
	MaxAttempts int           // attempts before a row is failed
	Backoff     time.Duration // wait after the first failed attempt; doubles with each one
	MaxBackoff  time.Duration // longest wait between attempts
	// Lease is how long a claim holds; a worker that dies gives its rows
	// back when the lease runs out. It must exceed a few SMTPTimeouts.
	Lease       time.Duration
	SMTPTimeout time.Duration // per network operation
	Poll        time.Duration // wait between looks at the outbox
	// ReminderEvery is how often the scheduler writes due reminders.
	ReminderEvery time.Duration
	Reminders     workflow.ReminderRules
	// Mailbox keeps a copy of every mail in the development mailbox.
	Mailbox bool
}

// DefaultOptions are the worker's settings in production: eight attempts
// spread over about four hours, an hourly reminder run.
func DefaultOptions() Options {
	return Options{
		BatchSize: 20, MaxAttempts: 8, Backoff: time.Minute, MaxBackoff: 2 * time.Hour,
		Lease: 5 * time.Minute, SMTPTimeout: 15 * time.Second, Poll: 5 * time.Second,
		ReminderEvery: time.Hour,
		Reminders:     workflow.ReminderRules{DeadlineDays: 7, ReportDays: 14, OverdueEveryDays: 7, DecisionWaitDays: 7},
	}
}

// withDefaults fills in every unset (zero) setting that must not be zero
// from DefaultOptions; Backoff may be zero (tests retry at once).
func (o Options) withDefaults() Options {
	def := DefaultOptions()
	if o.BatchSize <= 0 {
		o.BatchSize = def.BatchSize
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = def.MaxAttempts
	}
	if o.Lease <= 0 {
		o.Lease = def.Lease
	}
	if o.SMTPTimeout <= 0 {
		o.SMTPTimeout = def.SMTPTimeout
	}
	if o.Poll <= 0 {
		o.Poll = def.Poll
	}
	if o.ReminderEvery <= 0 {
		o.ReminderEvery = def.ReminderEvery
	}
	return o
}

// Worker delivers the outbox and writes reminders. Several workers, in one
// process or in several replicas, may run on one database: each row is
// claimed by one of them at a time.
type Worker struct {
	store     *models.Store
	render    *Renderer
	transport Transport
	log       *slog.Logger
	opts      Options
}

// New builds a worker for cfg: SMTP when SMTP_HOST is set, otherwise the
// log, plus the development mailbox outside production. It returns an
// error when a template does not parse or SMTP_FROM is not an address.
func New(store *models.Store, cfg config.Config, log *slog.Logger, opts Options) (*Worker, error) {
	opts = opts.withDefaults()
	var t Transport
	if cfg.SMTP.Host != "" {
		var err error
		if t, err = NewSMTP(cfg.SMTP, opts.SMTPTimeout); err != nil {
			return nil, err
		}
	} else {
		t = NewLog(log)
		opts.Mailbox = !cfg.Production()
		if cfg.Production() {
			log.Warn("SMTP_HOST is empty: notifications are written to the log only, nobody receives them")
		}
	}
	return NewWithTransport(store, cfg.BaseURL, t, log, opts)
}

// NewWithTransport builds a worker that delivers through t, with links
// into baseURL. It returns an error when a template does not parse.
func NewWithTransport(store *models.Store, baseURL string, t Transport, log *slog.Logger, opts Options) (*Worker, error) {
	r, err := NewRenderer(baseURL)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	return &Worker{store: store, render: r, transport: t, log: log, opts: opts}, nil
}

// Run delivers and schedules reminders until ctx ends: reminders at once
// and then every ReminderEvery, the outbox every Poll. On the way out it
// finishes the message it is sending and gives back the rest of its
// claim. It returns nil when ctx ends; database trouble is logged and
// retried at the next poll, not returned.
func (w *Worker) Run(ctx context.Context) error {
	w.log.Info("mail worker started", "transport", w.transport.Name())
	var nextReminders time.Time
	for {
		if now := time.Now(); !now.Before(nextReminders) {
			if n, err := w.QueueReminders(ctx); err != nil && ctx.Err() == nil {
				w.log.Error("reminders", "err", err)
			} else if n > 0 {
				w.log.Info("reminders queued", "count", n)
			}
			nextReminders = now.Add(w.opts.ReminderEvery)
		}
		if _, err := w.DeliverPending(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("mail delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			w.log.Info("mail worker stopped")
			return nil
		case <-time.After(w.opts.Poll):
		}
	}
}

// QueueReminders writes the reminders that are due into the outbox and
// returns how many; running it again the same day adds none.
func (w *Worker) QueueReminders(ctx context.Context) (int, error) {
	return w.store.QueueReminders(ctx, w.opts.Reminders)
}

// DeliverPending delivers batches until no due row is left unclaimed, and
// returns how many mails it sent. Failed attempts are recorded on their
// rows, not returned; the error is the database's.
func (w *Worker) DeliverPending(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		sent, full, err := w.deliverBatch(ctx)
		total += sent
		if err != nil || !full {
			return total, err
		}
	}
	return total, nil
}

// deliverBatch claims one batch and sends it; full reports whether the
// batch was as large as allowed, so that more may be waiting.
func (w *Worker) deliverBatch(ctx context.Context) (sent int, full bool, err error) {
	claim, err := w.store.ClaimOutbox(ctx, w.opts.BatchSize, w.opts.Lease)
	if err != nil || len(claim.Messages) == 0 {
		return 0, false, err
	}
	// Whatever happens below, the rows this worker did not get to go back
	// at once rather than when the lease runs out; recording outlives
	// a cancelled ctx so that a shutdown does not lose what was sent.
	record := context.WithoutCancel(ctx)
	defer func() {
		if rerr := w.store.ReleaseOutbox(record, claim.Token); rerr != nil {
			w.log.Error("release outbox claim", "err", rerr)
		}
	}()
	var (
		sess    Session
		openErr error
	)
	defer func() {
		if sess != nil {
			_ = sess.Close()
		}
	}()
	for _, m := range claim.Messages {
		// Stop when asked to, or when the lease could run out during a
		// send: another worker may claim the row after that.
		if ctx.Err() != nil || claim.Until.Sub(w.store.Now()) < 2*w.opts.SMTPTimeout {
			break
		}
		mail, err := w.render.Render(m)
		if err != nil {
			w.attemptFailed(record, m, claim.Token, err, true)
			continue
		}
		if sess == nil && openErr == nil {
			sess, openErr = w.transport.Open(ctx)
		}
		if openErr != nil {
			// The server is unreachable: every message of the batch
			// counts one attempt, without dialling again for each.
			w.attemptFailed(record, m, claim.Token, openErr, false)
			continue
		}
		if err := sess.Send(mail); err != nil {
			_ = sess.Close()
			sess = nil
			w.attemptFailed(record, m, claim.Token, err, false)
			continue
		}
		var kept *models.MailboxMessage
		if w.opts.Mailbox {
			kept = &models.MailboxMessage{RecipientEmail: mail.To, Subject: mail.Subject, TextBody: mail.Text, HTMLBody: mail.HTML}
		}
		if err := w.recordSent(record, m.ID, claim, kept); err != nil {
			// Sent but not recorded: the row may be sent once more
			// after its lease; its Message-ID stays the same. Nothing
			// more is sent until the database answers again.
			w.log.Error("record sent mail", "outbox_id", m.ID, "err", err)
			break
		}
		sent++
	}
	return sent, len(claim.Messages) == w.opts.BatchSize, nil
}

// recordSent records that message id of claim went out. The mail has
// left, so giving up here would send it again once the lease ran out:
// while the database does not answer, recordSent keeps trying (holding the
// claim, and sending nothing else) until it does, until the claim is
// someone else's, or until the lease has run out twice over.
func (w *Worker) recordSent(ctx context.Context, id int64, claim *models.Claim, kept *models.MailboxMessage) error {
	giveUp := claim.Until.Add(w.opts.Lease)
	wait := 50 * time.Millisecond
	for {
		err := w.store.MarkOutboxSent(ctx, id, claim.Token, kept)
		if err == nil || errors.Is(err, models.ErrLeaseLost) || !w.store.Now().Before(giveUp) {
			return err
		}
		w.log.Warn("recording a sent mail failed; trying again", "outbox_id", id, "err", err)
		time.Sleep(wait)
		wait = min(2*wait, 2*time.Second)
	}
}

// attemptFailed records a failed attempt: the row waits for its next
// attempt with exponential backoff, or is failed when permanent or out
// of attempts.
func (w *Worker) attemptFailed(ctx context.Context, m models.ClaimedMessage, token string, cause error, permanent bool) {
	attempts := m.Attempts + 1
	final := permanent || attempts >= w.opts.MaxAttempts
	next := w.store.Now().Add(w.backoff(attempts))
	w.log.Warn("mail not delivered", "outbox_id", m.ID, "event", m.Event, "attempt", attempts, "final", final, "err", cause)
	if err := w.store.MarkOutboxAttempt(ctx, m.ID, token, cause.Error(), next, final); err != nil && !errors.Is(err, models.ErrLeaseLost) {
		w.log.Error("record failed mail", "outbox_id", m.ID, "err", err)
	}
}

// backoff is the wait after the n-th failed attempt: Backoff, doubled
// for every attempt after the first, at most MaxBackoff.
func (w *Worker) backoff(n int) time.Duration {
	d := w.opts.Backoff
	for i := 1; i < n && d < w.opts.MaxBackoff; i++ {
		d *= 2
	}
	if w.opts.MaxBackoff > 0 && d > w.opts.MaxBackoff {
		d = w.opts.MaxBackoff
	}
	return d
}
