package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

type callSummary struct {
	Call   models.Call
	Budget models.Budget
	Open   bool
	Coming bool // opens later
}

// showStartPage shows the calls with their money: open calls first, then
// the ones that open later, then the most recent closed one.
func (h *Handler) showStartPage(c *gin.Context) {
	ctx := c.Request.Context()
	calls, err := h.store.Calls(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	budgets, err := h.store.Budgets(ctx, calls)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.store.Now()
	var open, coming, closed []callSummary
	for _, call := range calls {
		s := callSummary{Call: call, Budget: budgets[call.ID], Open: call.OpenAt(now), Coming: call.OpensAt.After(now)}
		switch {
		case s.Open:
			open = append(open, s)
		case s.Coming:
			coming = append(coming, s)
		default:
			closed = append(closed, s)
		}
	}
	shown := append(open, coming...)
	if len(closed) > 0 {
		shown = append(shown, closed[0])
	}
	h.render(c, http.StatusOK, "start", gin.H{"Calls": shown})
}

// showPlanPage shows the action plan in force: areas, goals, activities.
func (h *Handler) showPlanPage(c *gin.Context) {
	plan, err := h.store.CurrentPlan(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "plan", gin.H{"Plan": plan, "Responsible": responsibleTitles(plan, localizer(c).Lang)})
}

func responsibleTitles(p *models.Plan, lang string) map[string]string {
	m := make(map[string]string, len(p.Responsibles))
	for _, r := range p.Responsibles {
		m[r.Code] = models.Text(lang, r.DefinitionSV, r.DefinitionEN)
	}
	return m
}

// showCallPage shows one call with its dates and money.
func (h *Handler) showCallPage(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	call, err := h.store.CallByID(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	b, err := h.store.BudgetOf(ctx, call)
	if err != nil {
		h.fail(c, err)
		return
	}
	plan, err := h.store.PlanByID(ctx, call.PlanID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "call", gin.H{"Call": call, "Budget": b, "Plan": plan, "Open": call.OpenAt(h.store.Now())})
}
