package notify

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/go-mail/mail"

	"mobilityfund/config"
)

// Transport delivers rendered mail. The worker opens one session per
// batch and sends the batch's mail through it.
type Transport interface {
	// Open starts a session, for SMTP a connection; its error counts as
	// a failed attempt for every message waiting for it.
	Open(ctx context.Context) (Session, error)
	// Name says where mail goes, for the log.
	Name() string
}

// Session sends mail until it is closed. After an error from Send the
// worker closes it and opens a new one for the next message.
type Session interface {
	Send(m Mail) error
	Close() error
}

// smtpTransport sends over SMTP with go-mail.
type smtpTransport struct {
	dialer   gomail.Dialer
	from     string
	fromName string
	domain   string
}

// NewSMTP returns the transport for cfg: TLS "tls" is implicit TLS,
// "starttls" requires STARTTLS, "none" sends in clear (for a relay on the
// same host or Mailpit). Each network operation gives up after timeout.
// It returns an error when SMTP_FROM is not an address.
func NewSMTP(cfg config.SMTP, timeout time.Duration) (Transport, error) {
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP_FROM %q: %w", cfg.From, err)
	}
	d := gomail.NewDialer(cfg.Host, cfg.Port, cfg.Username, cfg.Password)
	d.Timeout = timeout
	// The worker retries with backoff; go-mail must not reconnect and
	// resend on its own.
	d.RetryFailure = false
	switch cfg.TLS {
	case "tls":
		d.SSL = true
	case "none":
		d.SSL, d.StartTLSPolicy = false, gomail.NoStartTLS
	default:
		d.SSL, d.StartTLSPolicy = false, gomail.MandatoryStartTLS
	}
	domain := "localhost"
	if at := strings.LastIndex(from.Address, "@"); at >= 0 {
		domain = from.Address[at+1:]
	}
	return &smtpTransport{dialer: *d, from: from.Address, fromName: from.Name, domain: domain}, nil
}

func (t *smtpTransport) Name() string {
	return fmt.Sprintf("smtp %s:%d", t.dialer.Host, t.dialer.Port)
}

// Open connects to the server. go-mail's Dial fills in the dialer's Auth,
// so every session dials with its own copy.
func (t *smtpTransport) Open(ctx context.Context) (Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := t.dialer
	s, err := d.Dial()
	if err != nil {
		return nil, err
	}
	return &smtpSession{t: t, s: s}, nil
}

type smtpSession struct {
	t *smtpTransport
	s gomail.SendCloser
}

// Send builds a multipart/alternative message: the plain text first, the
// HTML as the preferred alternative.
func (s *smtpSession) Send(m Mail) error {
	msg := gomail.NewMessage()
	msg.SetAddressHeader("From", s.t.from, s.t.fromName)
	msg.SetAddressHeader("To", m.To, headerSafe(m.ToName))
	msg.SetHeader("Subject", headerSafe(m.Subject))
	msg.SetHeader("Message-ID", "<"+m.MessageID+"@"+s.t.domain+">")
	msg.SetHeader("Auto-Submitted", "auto-generated")
	msg.SetDateHeader("Date", time.Now())
	msg.SetBody("text/plain", m.Text)
	msg.AddAlternative("text/html", m.HTML)
	return gomail.Send(s.s, msg)
}

func (s *smtpSession) Close() error { return s.s.Close() }

// logTransport writes mail to the log instead of sending it; without
// SMTP_HOST it is where mail goes.
type logTransport struct {
	log *slog.Logger
}

// NewLog returns the transport that writes each mail to log.
func NewLog(log *slog.Logger) Transport { return logTransport{log: log} }

func (t logTransport) Name() string { return "log" }

func (t logTransport) Open(ctx context.Context) (Session, error) { return t, ctx.Err() }

func (t logTransport) Send(m Mail) error {
	t.log.Info("mail (not sent: SMTP_HOST is empty)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

func (t logTransport) Close() error { return nil }
