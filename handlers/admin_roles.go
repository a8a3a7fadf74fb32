package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/workflow"
)

// peopleListLimit caps the people list; a search narrows it.
const peopleListLimit = 200

// listPeople shows people, filtered by a search on name or email.
func (h *Handler) listPeople(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	people, err := h.store.SearchPeople(c.Request.Context(), q, peopleListLimit+1)
	if err != nil {
		h.fail(c, err)
		return
	}
	more := len(people) > peopleListLimit
	if more {
		people = people[:peopleListLimit]
	}
	// Without a search the page also lists who holds power over
	// decisions, money and roles, and who gave it to them.
	var privileged []models.PrivilegedGrant
	if q == "" {
		if privileged, err = h.store.PrivilegedGrants(c.Request.Context()); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.render(c, http.StatusOK, "admin_people", gin.H{"People": people, "Q": q, "More": more, "Privileged": privileged})
}

// grantForm is the grant form as typed: only the fields an administrator
// may set, kept as text so that the form re-renders with the input.
type grantForm struct {
	Role      string `form:"role"`
	UnitID    string `form:"unit_id"`
	ValidFrom string `form:"valid_from"`
	ValidTo   string `form:"valid_to"`
}

// input parses the form; problems map field names to message ids.
func (f grantForm) input() (models.GrantInput, map[string]string) {
	in := models.GrantInput{Role: workflow.Role(strings.TrimSpace(f.Role))}
	problems := map[string]string{}
	if in.Role == "" {
		problems["role"] = models.MsgGrantRole
	}
	if s := strings.TrimSpace(f.UnitID); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			problems["unit_id"] = models.MsgGrantUnit
		} else {
			in.UnitID = &id
		}
	}
	var msg string
	if in.ValidFrom, msg = parseDay(f.ValidFrom, time.UTC); msg != "" {
		problems["valid_from"] = msg
	}
	if in.ValidTo, msg = parseDay(f.ValidTo, time.UTC); msg != "" {
		problems["valid_to"] = msg
	}
	return in, problems
}

// personPage is what the person page shows.
type personPage struct {
	User                  *models.User
	Unit                  string
	Active, Future, Ended []grantRow
	Units                 []models.OrgUnit
	Roles                 []workflow.Role
	Sessions              int64
}

// grantRow is one grant as the person page lists it.
type grantRow struct {
	models.RoleGrant
	Unit      string
	GrantedBy string
}

// loadPersonPage gathers the person page of the person in the URL. A
// malformed or unknown id gives a NotFoundError.
func (h *Handler) loadPersonPage(c *gin.Context) (*personPage, error) {
	ctx := c.Request.Context()
	id, ok := paramID(c, "id")
	if !ok {
		return nil, &models.NotFoundError{What: "user", ID: c.Param("id")}
	}
	u, err := h.store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	grants, err := h.store.GrantsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	sessions, err := h.store.CountSessions(ctx, id)
	if err != nil {
		return nil, err
	}
	lang := localizer(c).Lang
	unitName := func(id *int64) string {
		if id == nil {
			return ""
		}
		if unit, ok := chart.Unit(*id); ok {
			return unit.Name(lang) + " (" + unit.Code + ")"
		}
		return ""
	}
	names := map[int64]string{}
	rows := func(gs []models.RoleGrant) []grantRow {
		out := make([]grantRow, len(gs))
		for i, g := range gs {
			out[i] = grantRow{RoleGrant: g, Unit: unitName(g.UnitID)}
			if g.GrantedBy != nil {
				if _, ok := names[*g.GrantedBy]; !ok {
					if by, err := h.store.UserByID(ctx, *g.GrantedBy); err == nil {
						names[*g.GrantedBy] = by.Name
					}
				}
				out[i].GrantedBy = names[*g.GrantedBy]
			}
		}
		return out
	}
	active, future, ended := models.GrantsByTime(grants, h.store.Now())
	return &personPage{User: u, Unit: unitName(u.UnitID), Active: rows(active), Future: rows(future),
		Ended: rows(ended), Units: chart.Units, Roles: workflow.Roles(), Sessions: sessions}, nil
}

// showPerson shows a person, their roles (in force, coming, ended) and
// the form to grant another.
func (h *Handler) showPerson(c *gin.Context) {
	h.renderPerson(c, http.StatusOK, grantForm{}, nil)
}

// renderPerson renders the person page with the grant form's input and
// the messages beside its fields.
func (h *Handler) renderPerson(c *gin.Context, status int, form grantForm, problems map[string]string) {
	p, err := h.loadPersonPage(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "admin_person", gin.H{"P": p, "Form": form, "Errors": problems,
		"Done": c.Query("done")})
}

// grantRole grants the person a role from the form.
func (h *Handler) grantRole(c *gin.Context) {
	var form grantForm
	if err := c.ShouldBind(&form); err != nil {
		h.renderPerson(c, http.StatusUnprocessableEntity, form, map[string]string{"role": models.MsgGrantRole})
		return
	}
	in, problems := form.input()
	if len(problems) > 0 {
		h.renderPerson(c, http.StatusUnprocessableEntity, form, problems)
		return
	}
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	_, err := h.store.GrantRole(c.Request.Context(), actorOf(c), id, in)
	var verr *workflow.ValidationError
	switch {
	case errors.As(err, &verr):
		h.renderPerson(c, statusOf(err), form, verr.Fields)
	case err != nil:
		h.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=granted")
	}
}

// revokeGrant ends one of the person's grants now. A grant that has
// already ended answers 409: someone else got there first.
func (h *Handler) revokeGrant(c *gin.Context) {
	id, ok1 := paramID(c, "id")
	grant, ok2 := paramID(c, "grant")
	if !ok1 || !ok2 {
		h.fail(c, errPageNotFound)
		return
	}
	_, err := h.store.RevokeGrant(c.Request.Context(), actorOf(c), id, grant)
	var verr *workflow.ValidationError
	switch {
	case errors.As(err, &verr):
		h.renderPerson(c, statusOf(err), grantForm{}, verr.Fields)
	case err != nil:
		h.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=revoked")
	}
}
