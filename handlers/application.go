package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// pageSize is how many applications a list page shows.
const pageSize = 25

// listApplications lists the applications the signed-in person may see,
// filtered, sorted and paged by the query string.
func (h *Handler) listApplications(c *gin.Context) {
	ctx := c.Request.Context()
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	q := c.Request.URL.Query()
	f := models.ApplicationFilter{
		CallID: queryID(q, "call"), State: workflow.State(q.Get("state")), UnitID: queryID(q, "unit"),
		FacultyID: queryID(q, "faculty"), GoalID: queryID(q, "goal"), Query: q.Get("q"),
		Sort: q.Get("sort"), Desc: q.Get("desc") == "1", Limit: pageSize, After: q.Get("after"), Before: q.Get("before"),
	}
	// The page number only labels the page: the cursor finds it.
	page := 1
	if f.After != "" || f.Before != "" {
		page = max(2, int(queryID(q, "page")))
	}
	list, err := h.store.ApplicationList(ctx, workflow.VisibilityOf(actorOf(c).Workflow, chart), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	calls, err := h.store.Calls(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	plan, err := h.store.CurrentPlan(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	var faculties []models.OrgUnit
	for _, u := range chart.Units {
		if u.Kind == models.KindFaculty {
			faculties = append(faculties, u)
		}
	}
	pages := 0
	if list.Exact {
		pages = int((list.Total + pageSize - 1) / pageSize)
	}
	h.render(c, http.StatusOK, "applications", gin.H{
		"Deleted": c.Query("done") == "deleted",
		"Rows":    list.Rows, "Total": list.Total, "Exact": list.Exact, "CountCap": models.CountCap, "Filter": f,
		"Calls": calls, "Units": chart.Units, "Faculties": faculties, "Plan": plan, "States": workflow.States(),
		"Page": page, "Pages": pages, "Query": q, "SortKeys": models.SortKeys,
		"Prev": pageLink(q, "before", list.Prev, page-1), "Next": pageLink(q, "after", list.Next, page+1),
		"CSV": csvLink(q),
	})
}

// listFilter reads the list's filters and order from the query string,
// for the whole list (no page).
func listFilter(q url.Values) models.ApplicationFilter {
	return models.ApplicationFilter{
		CallID: queryID(q, "call"), State: workflow.State(q.Get("state")), UnitID: queryID(q, "unit"),
		FacultyID: queryID(q, "faculty"), GoalID: queryID(q, "goal"), Query: q.Get("q"),
		Sort: q.Get("sort"), Desc: q.Get("desc") == "1",
	}
}

// csvLink is the address of the list's CSV file with the same filters,
// every page.
func csvLink(q url.Values) string {
	next := url.Values{}
	for k, v := range q {
		if k != "page" && k != "after" && k != "before" && k != "done" {
			next[k] = v
		}
	}
	if len(next) == 0 {
		return "/applications.csv"
	}
	return "/applications.csv?" + next.Encode()
}

// exportApplicationsCSV sends the list as filtered, every page of it, as
// CSV in the reader's language.
func (h *Handler) exportApplicationsCSV(c *gin.Context) {
	ctx := c.Request.Context()
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := workflow.VisibilityOf(actorOf(c).Workflow, chart)
	f := listFilter(c.Request.URL.Query())
	l := localizer(c)
	rows := func(yield func(export.ListRow, error) bool) {
		stop := errors.New("stopped")
		err := h.store.EachApplication(ctx, v, f, func(r *models.ApplicationRow) error {
			if !yield(export.ListRow{Number: r.Number(), Title: r.Title, Unit: r.UnitName(l.Lang), State: stateName(l, r.State),
				RequestedOre: r.RequestedOre, GrantedOre: r.GrantedOre, Updated: r.UpdatedAt}, nil) {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			yield(export.ListRow{}, err)
		}
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+l.T("applications.csv_file")+`.csv"`)
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	if err := export.WriteListCSV(c.Writer, func(id string) string { return l.T(id) }, rows); err != nil {
		// The status is sent; cutting the body short tells the client.
		h.log.ErrorContext(ctx, "applications CSV", "err", err)
		c.Abort()
	}
}

// pageLink is the list's URL for page n, the one beside the row cursor
// names (dir "after" or "before"), with the same filters; "" when there
// is no such page. The first page is the list without a cursor.
func pageLink(q url.Values, dir, cursor string, n int) string {
	if cursor == "" {
		return ""
	}
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Del("after")
	next.Del("before")
	next.Del("page")
	if n > 1 {
		next.Set(dir, cursor)
		next.Set("page", strconv.Itoa(n))
	}
	return "/applications?" + next.Encode()
}

// sortLink is the list's URL sorted by key, flipping the direction when
// the list is sorted by key already.
func sortLink(q url.Values, key string) string {
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Del("page")
	next.Del("after")
	next.Del("before")
	desc := next.Get("sort") == key && next.Get("desc") != "1"
	next.Set("sort", key)
	if desc {
		next.Set("desc", "1")
	} else {
		next.Del("desc")
	}
	return "/applications?" + next.Encode()
}

// showTasks lists what waits for the signed-in person, by what they can
// do next: a group per action with its count and first page, or with
// ?group=ACTION&after=CURSOR the next page of one group.
func (h *Handler) showTasks(c *gin.Context) {
	only := workflow.Action(c.Query("group"))
	if only != "" && !slices.Contains(workflow.TaskActions(), only) {
		h.fail(c, errBadQuery)
		return
	}
	groups, err := h.store.TaskGroups(c.Request.Context(), actorOf(c), only, c.Query("after"))
	if err != nil {
		h.fail(c, err)
		return
	}
	var total int64
	for _, g := range groups {
		total += g.Count
	}
	h.render(c, http.StatusOK, "tasks", gin.H{"Groups": groups, "Only": only, "Now": h.store.Now(), "Total": total})
}

// applicationPage is what the application page shows besides the form
// errors of an action that failed.
type applicationPage struct {
	*models.ApplicationPage
	Editable bool
	// The record (handlers/conversation.go): decisions with their
	// documents, the contact person and who may become it, and the
	// conversation as far as the reader may read it.
	Decisions    []models.Decision
	Contact      *models.User
	Applicants   []models.User
	Conversation *models.Conversation
}

// loadApplicationPage loads everything the application page shows, for a
// reader who may see it; to anyone else it does not exist.
func (h *Handler) loadApplicationPage(c *gin.Context, id int64) (*applicationPage, error) {
	mp, err := h.store.ApplicationPage(c.Request.Context(), actorOf(c), id)
	if err != nil {
		return nil, err
	}
	p := &applicationPage{ApplicationPage: mp, Editable: mp.EditErr == nil}
	if err := h.loadRecord(c, p); err != nil {
		return nil, err
	}
	// What moves the application forward comes first.
	slices.SortStableFunc(p.Options, func(a, b workflow.Option) int {
		pa, pb := actionOptions[a.Action].Primary, actionOptions[b.Action].Primary
		switch {
		case pa && !pb:
			return -1
		case pb && !pa:
			return 1
		}
		return 0
	})
	return p, nil
}

// Offers reports whether the reader may take action now.
func (p *applicationPage) Offers(a workflow.Action) bool {
	for _, o := range p.Options {
		if o.Action == a && o.Blocked == nil {
			return true
		}
	}
	return false
}

// showApplication shows one application to a person who may see it.
func (h *Handler) showApplication(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	h.renderApplication(c, http.StatusOK, id, nil)
}

// renderApplication renders the application page; failed, when not nil,
// is an action whose form comes back with what was typed and what is
// wrong.
func (h *Handler) renderApplication(c *gin.Context, status int, id int64, failed *actionAttempt) {
	p, err := h.loadApplicationPage(c, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if failed != nil && failed.Action == workflow.ActionAssess && p.Offers(workflow.ActionMarkReady) {
		// Saving an assessment is a second button of the mark-ready form.
		shown := *failed
		shown.Action = workflow.ActionMarkReady
		failed = &shown
	}
	data := gin.H{"P": p, "App": p.Detail.App, "Done": doneMessage(c.Query("done")), "Failed": failed, "FailedAction": "",
		"Tab": conversationTab(c, p, failed), "EditComment": queryID(c.Request.URL.Query(), "edit")}
	if failed != nil {
		data["FailedAction"] = string(failed.Action)
		data["Errors"] = failed.Errors
		data["Conflict"] = staleNotice(p, failed)
	}
	h.render(c, status, "application", data)
}

// doneMessages are the confirmations a redirect after an action may ask
// for; anything else in the query string shows nothing.
var doneMessages = map[string]bool{"create": true, "save": true, "attach": true, "detach": true,
	"comment": true, "note": true, "edit": true, "strike": true, "contact": true}

func doneMessage(done string) string {
	if doneMessages[done] || slices.Contains(workflow.Actions(), workflow.Action(done)) {
		return done
	}
	return ""
}

// blockedReason is the message id that says why an action is not offered.
func blockedReason(err error) string {
	if errors.Is(err, workflow.ErrDeadlinePassed) {
		return "blocked.deadline"
	}
	return "blocked.conflict"
}

// byteSize formats a file size for people: 12 kB, 3.4 MB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " kB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
