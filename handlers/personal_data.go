package handlers

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// personalShown is how many of the newest rows of each long list the page
// shows; the JSON download has them all.
const personalShown = 50

// personalMail is a mail to the person with the subject it had.
type personalMail struct {
	models.OutboxMessage
	Subject string
}

// showPersonalData shows the signed-in person the personal data held
// about them (GDPR article 15): profile, roles, sessions, and the newest
// of their applications, comments, reports, audit rows and mail, with the
// download of everything as JSON.
func (h *Handler) showPersonalData(c *gin.Context) {
	ctx := c.Request.Context()
	me := actorOf(c).User.ID
	p, err := h.store.PersonalProfileOf(ctx, me)
	if err != nil {
		h.fail(c, err)
		return
	}
	var (
		apps     []models.PersonalApplication
		comments []models.Comment
		reports  []models.PersonalReport
		audit    []models.AuditEntry
		mail     []personalMail
	)
	err = h.store.EachPersonalApplication(ctx, me, personalShown, collect(&apps))
	if err == nil {
		err = h.store.EachPersonalComment(ctx, me, personalShown, collect(&comments))
	}
	if err == nil {
		err = h.store.EachPersonalReport(ctx, me, personalShown, collect(&reports))
	}
	if err == nil {
		err = h.store.EachPersonalAudit(ctx, me, personalShown, collect(&audit))
	}
	if err == nil {
		err = h.store.EachPersonalMail(ctx, me, personalShown, func(m *models.OutboxMessage) error {
			mail = append(mail, personalMail{OutboxMessage: *m, Subject: h.mail.Subject(*m)})
			return nil
		})
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	more := map[string]bool{"apps": int64(len(apps)) < p.Counts.Applications,
		"comments": int64(len(comments)) < p.Counts.Comments, "reports": int64(len(reports)) < p.Counts.Reports,
		"audit": int64(len(audit)) < p.Counts.Audit, "mail": int64(len(mail)) < p.Counts.Mail}
	h.render(c, http.StatusOK, "personal_data", gin.H{"P": p, "Applications": apps, "Comments": comments,
		"Reports": reports, "Audit": audit, "Mail": mail, "More": more,
		"RetentionMonths": h.cfg.Retention.Months})
}

func collect[T any](into *[]T) func(*T) error {
	return func(v *T) error { *into = append(*into, *v); return nil }
}

// downloadPersonalData sends everything held about the signed-in person
// as one JSON document (GDPR article 20: structured, commonly used and
// machine-readable), written as it is read so that a long audit trail is
// never held in memory at once. Nothing of it may be cached on the way.
func (h *Handler) downloadPersonalData(c *gin.Context) {
	ctx := c.Request.Context()
	me := actorOf(c).User.ID
	p, err := h.store.PersonalProfileOf(ctx, me)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="personal-data-`+strconv.FormatInt(me, 10)+`.json"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	j := &jsonStream{w: c.Writer}
	j.raw("{")
	j.field("generated_at", h.store.Now().UTC().Format(time.RFC3339))
	j.field("profile", personalProfileJSON(p))
	j.field("grants", p.Grants)
	j.field("sessions", p.Sessions)
	j.list("applications", func(item func(any) error) error {
		return h.store.EachPersonalApplication(ctx, me, 0, func(a *models.PersonalApplication) error {
			return item(struct {
				Number string `json:"number"`
				*models.PersonalApplication
			}{a.Number(), a})
		})
	})
	j.list("comments", func(item func(any) error) error {
		return h.store.EachPersonalComment(ctx, me, 0, func(v *models.Comment) error { return item(v) })
	})
	j.list("reports", func(item func(any) error) error {
		return h.store.EachPersonalReport(ctx, me, 0, func(v *models.PersonalReport) error { return item(v) })
	})
	j.list("audit", func(item func(any) error) error {
		return h.store.EachPersonalAudit(ctx, me, 0, func(v *models.AuditEntry) error { return item(v) })
	})
	j.list("mail", func(item func(any) error) error {
		return h.store.EachPersonalMail(ctx, me, 0, func(m *models.OutboxMessage) error {
			return item(mailJSON{ID: m.ID, Event: string(m.Event), Subject: h.mail.Subject(*m), To: m.RecipientEmail,
				ApplicationID: m.ApplicationID, Status: m.Status, CreatedAt: m.CreatedAt, SentAt: m.SentAt})
		})
	})
	j.raw("}\n")
	if j.err != nil {
		// The status is sent; the log says why the document is cut short.
		h.log.ErrorContext(ctx, "personal data download", "user", me, "err", j.err)
	}
}

// mailJSON is a mail as the download describes it: not its body, which is
// rendered from the application's data the download has anyway.
type mailJSON struct {
	ID            int64      `json:"id"`
	Event         string     `json:"event"`
	Subject       string     `json:"subject"`
	To            string     `json:"to"`
	ApplicationID *int64     `json:"application_id,omitempty"`
	Status        string     `json:"status"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

// personalProfileJSON is the profile part of the download.
func personalProfileJSON(p *models.PersonalProfile) any {
	u := p.User
	return struct {
		ID              int64      `json:"id"`
		Name            string     `json:"name"`
		Email           string     `json:"email"`
		Issuer          string     `json:"issuer"`
		Subject         string     `json:"subject"`
		Language        string     `json:"language"`
		Unit            string     `json:"unit,omitempty"`
		Disabled        bool       `json:"disabled"`
		CreatedAt       time.Time  `json:"created_at"`
		UpdatedAt       time.Time  `json:"updated_at"`
		PseudonymisedAt *time.Time `json:"pseudonymised_at,omitempty"`
	}{u.ID, u.Name, u.Email, u.Issuer, u.Subject, u.Language, p.UnitCode, u.Disabled, u.CreatedAt, u.UpdatedAt, u.PseudonymisedAt}
}

// jsonStream writes one JSON object field by field; after the first
// error it writes nothing more and keeps the error.
type jsonStream struct {
	w      io.Writer
	err    error
	fields int
}

func (j *jsonStream) raw(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

func (j *jsonStream) value(v any) {
	if j.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(b)
}

func (j *jsonStream) key(name string) {
	if j.fields > 0 {
		j.raw(",\n")
	}
	j.fields++
	j.value(name)
	j.raw(":")
}

// field writes "name": v.
func (j *jsonStream) field(name string, v any) {
	j.key(name)
	j.value(v)
}

// list writes "name": [ … ] with the items that each passes to item.
func (j *jsonStream) list(name string, each func(item func(any) error) error) {
	j.key(name)
	j.raw("[")
	n := 0
	err := each(func(v any) error {
		if n > 0 {
			j.raw(",\n")
		}
		n++
		j.value(v)
		return j.err
	})
	if j.err == nil {
		j.err = err
	}
	j.raw("]")
}
