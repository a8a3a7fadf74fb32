package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/document"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// downloadApplicationPDF sends the whole application as a PDF in the
// reader's language, with exactly what the page shows them: the internal
// notes only for a reader who may read them.
func (h *Handler) downloadApplicationPDF(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	p, err := h.loadApplicationPage(c, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	settings, err := h.store.RecordSettings(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	pdf, err := document.ApplicationPDF(applicationDocument(p, l, settings, actorOf(c), h.store.Now()), l, l.Lang)
	if err != nil {
		h.fail(c, err)
		return
	}
	name := p.Detail.App.Number() + ".pdf"
	c.Header("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// applicationDocument is the application page as the PDF shows it, in
// the reader's language.
func applicationDocument(p *applicationPage, l *i18n.Localizer, set *models.RecordSettings, me *models.Actor, now time.Time) document.Application {
	app, d := p.Detail.App, p.Detail
	unit := p.Unit.Name(l.Lang)
	if p.Faculty.ID != 0 && p.Faculty.ID != p.Unit.ID {
		unit += ", " + p.Faculty.Name(l.Lang)
	}
	out := document.Application{
		Number: app.Number(), Title: app.Title, State: stateName(l, app.State), Unit: unit,
		Call: models.Text(l.Lang, d.Call.TitleSV, d.Call.TitleEN), Period: l.Date(app.PeriodStart) + " – " + l.Date(app.PeriodEnd),
		Neolaia: neolaiaName(l, app.Neolaia), RequestedOre: app.RequestedOre, GrantedOre: app.GrantedOre,
		DecisionRef: app.DecisionRef, Summary: app.Summary, Purpose: app.Purpose,
		Printed: now, PrintedBy: me.User.Name, University: set.University(l.Lang),
	}
	if p.Contact != nil {
		out.Contact = p.Contact.Name
	}
	for _, a := range d.Activities {
		out.Activities = append(out.Activities, models.Text(l.Lang, a.TextSV, a.TextEN))
	}
	levels := ""
	for i, lv := range app.Levels() {
		if i > 0 {
			levels += ", "
		}
		levels += l.T("level." + lv)
	}
	out.Expected = [][2]string{
		{l.T("field.target_levels"), levels},
		{l.T("field.expected_first"), strconv.Itoa(app.ExpectedStudentsFirst)},
		{l.T("field.expected_second"), strconv.Itoa(app.ExpectedStudentsSecond)},
		{l.T("field.expected_third"), strconv.Itoa(app.ExpectedStudentsThird)},
		{l.T("field.expected_windows"), strconv.Itoa(app.ExpectedMobilityWindows)},
		{l.T("field.expected_agreements"), strconv.Itoa(app.ExpectedPartnerAgreements)},
		{l.T("field.expected_other"), app.ExpectedOther},
	}
	texts := [5]string{app.ConsiderationQuality, app.ConsiderationResponsibility, app.ConsiderationInclusion,
		app.ConsiderationSustainability, app.ConsiderationEquality}
	for i, f := range workflow.ConsiderationFields {
		out.Considerations = append(out.Considerations, [2]string{l.T("field." + "consideration_" + f), texts[i]})
	}
	for _, b := range d.Lines {
		out.Budget = append(out.Budget, document.BudgetLine{Category: l.T("category." + b.Category), Description: b.Description, AmountOre: b.AmountOre})
	}
	for _, a := range p.Attachments {
		out.Attachments = append(out.Attachments, document.Attachment{Name: a.FileName, Size: byteSize(a.SizeBytes), Added: a.CreatedAt})
	}
	for _, e := range p.Timeline {
		ev := document.Event{At: e.CreatedAt, What: l.T("event." + e.Action), Who: e.ActorName, Details: e.Comment}
		if e.AmountOre != 0 {
			ev.What += " · " + l.Money(e.AmountOre)
		}
		out.Timeline = append(out.Timeline, ev)
	}
	out.Comments = pdfComments(p.Conversation.Comments, l)
	if p.Conversation.Access.ReadNotes {
		out.Notes = pdfComments(p.Conversation.Notes, l)
	}
	return out
}

func pdfComments(cs []models.CommentView, l *i18n.Localizer) []document.Comment {
	out := make([]document.Comment, 0, len(cs))
	for _, c := range cs {
		dc := document.Comment{At: c.CreatedAt, Author: c.AuthorName, Body: c.Body, Edited: c.EditedAt != nil}
		if c.StruckAt != nil {
			dc.Struck = l.T("conversation.struck", "Name", c.StruckName, "Date", l.DateTime(c.StruckAt), "Reason", c.StrikeReason)
		}
		out = append(out, dc)
	}
	return out
}
