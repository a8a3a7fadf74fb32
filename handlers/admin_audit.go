package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
)

// auditQuery is the audit page's filter as typed.
type auditQuery struct {
	Entity, Action, Actor, Application, From, To string
}

// readAuditFilter reads the audit page's query string. problems names
// the fields that could not be read.
func readAuditFilter(q url.Values, zone *time.Location) (auditQuery, models.AuditFilter, map[string]string) {
	typed := auditQuery{Entity: q.Get("entity"), Action: q.Get("action"), Actor: q.Get("actor"),
		Application: q.Get("application"), From: q.Get("from"), To: q.Get("to")}
	f := models.AuditFilter{Action: typed.Action, ActorID: queryID(q, "actor"), ApplicationID: queryID(q, "application"),
		Before: queryID(q, "before")}
	problems := map[string]string{}
	if slices.Contains(models.AuditEntities, typed.Entity) {
		f.Entity = typed.Entity
	} else if typed.Entity != "" {
		problems["entity"] = "error.invalid_choice"
	}
	if d, msg := parseDay(typed.From, zone); msg != "" {
		problems["from"] = msg
	} else if d != nil {
		f.From = *d
	}
	if d, msg := parseDay(typed.To, zone); msg != "" {
		problems["to"] = msg
	} else if d != nil {
		f.To = d.AddDate(0, 0, 1) // the whole last day
	}
	return typed, f, problems
}

// showAuditLog shows the audit trail to administrators, newest first,
// filtered by kind of record, action, person, application and dates.
func (h *Handler) showAuditLog(c *gin.Context) {
	q := c.Request.URL.Query()
	typed, f, problems := readAuditFilter(q, h.store.Zone())
	status := http.StatusOK
	var (
		entries []models.AuditEntry
		more    bool
		err     error
	)
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	} else if entries, more, err = h.store.AuditLog(c.Request.Context(), f); err != nil {
		h.fail(c, err)
		return
	}
	csvQuery := url.Values{}
	for k, v := range q {
		if k != "before" {
			csvQuery[k] = v
		}
	}
	older := ""
	if more && len(entries) > 0 {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		older = "/admin/audit?" + next.Encode()
	}
	h.render(c, status, "admin_audit", gin.H{"Entries": entries, "Form": typed, "Errors": problems,
		"Entities": models.AuditEntities, "Older": older, "CSV": "/admin/audit.csv?" + csvQuery.Encode(), "Newest": f.Before > 0, "Zone": h.store.Zone().String(),
		"Today": h.store.Now().In(h.store.Zone()).Format(time.DateOnly)})
}

// exportAuditLog streams the audit trail matching the page's filter as
// CSV, page by page from the database, so that no size of trail is held
// at once.
func (h *Handler) exportAuditLog(c *gin.Context) {
	_, f, problems := readAuditFilter(c.Request.URL.Query(), h.store.Zone())
	if len(problems) > 0 {
		h.fail(c, errBadQuery)
		return
	}
	ctx := c.Request.Context()
	rows := func(yield func(export.AuditRow, error) bool) {
		stop := errors.New("stopped")
		err := h.store.EachAuditEntry(ctx, f, func(e *models.AuditEntry) error {
			r := export.AuditRow{ID: e.ID, At: e.CreatedAt, Actor: e.ActorName, Entity: e.Entity, EntityID: e.EntityID,
				Action: e.Action, From: e.FromState, To: e.ToState, AmountOre: e.AmountOre, Comment: e.Comment}
			if e.ApplicationID != nil {
				r.ApplicationID = *e.ApplicationID
			}
			if !yield(r, nil) {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			yield(export.AuditRow{}, err)
		}
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="granskningslogg.csv"`)
	c.Status(http.StatusOK)
	if err := export.WriteAuditCSV(c.Writer, rows, h.store.Zone()); err != nil {
		// The status is sent; cutting the body short tells the client.
		h.log.ErrorContext(c.Request.Context(), "audit CSV", "err", err)
		c.Abort()
	}
}
