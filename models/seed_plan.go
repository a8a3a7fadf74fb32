package models

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The university's action plan and its calls are data, not code:
// seed/university.json holds the 2025–2026 plan as the university adopted
// it (the Swedish texts verbatim from the plan, the English ones
// translations) and the 2026 call for outgoing student mobility. They are
// loaded on every start, in every mode; loading is idempotent, keyed on
// the plan's and the call's codes, so a plan or call changed in the app is
// never overwritten.
//
//go:embed seed/university.json
var universityJSON []byte

// PlanCode2025 is the code of the 2025–2026 plan.
const PlanCode2025 = "2025-2026"

// CallCode2026 is the code of the 2026 call.
const CallCode2026 = "2026"

// SeedData is the shape of a seed file: plans with their areas, goals and
// activities, and calls that name their plan by code.
type SeedData struct {
	Plans []SeedPlan `json:"plans"`
	Calls []SeedCall `json:"calls"`
}

// SeedPlan is one action plan in a seed file. Dates are YYYY-MM-DD.
type SeedPlan struct {
	Code         string `json:"code"`
	TitleSV      string `json:"title_sv"`
	TitleEN      string `json:"title_en"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
	Responsibles []struct {
		Code string `json:"code"`
		SV   string `json:"sv"`
		EN   string `json:"en"`
	} `json:"responsibles"`
	Areas []struct {
		SV    string `json:"sv"`
		EN    string `json:"en"`
		Goals []struct {
			SV         string `json:"sv"`
			EN         string `json:"en"`
			Activities []struct {
				SV          string  `json:"sv"`
				EN          string  `json:"en"`
				Neolaia     Neolaia `json:"neolaia"`
				Responsible string  `json:"responsible"`
			} `json:"activities"`
		} `json:"goals"`
	} `json:"areas"`
}

// SeedCall is one call in a seed file. Times are the university's local
// time (YYYY-MM-DDTHH:MM), dates YYYY-MM-DD, the budget whole kronor.
type SeedCall struct {
	Code                string `json:"code"`
	Plan                string `json:"plan"`
	TitleSV             string `json:"title_sv"`
	TitleEN             string `json:"title_en"`
	DescriptionSV       string `json:"description_sv"`
	DescriptionEN       string `json:"description_en"`
	BudgetKr            int64  `json:"budget_kr"`
	OpensAt             string `json:"opens_at"`
	DeadlineAt          string `json:"deadline_at"`
	ReportDueOn         string `json:"report_due_on"`
	EndorsementRequired bool   `json:"endorsement_required"`
}

// ParseSeed reads a seed file, refusing unknown fields so that a typo in
// the data is an error rather than a silently empty value.
func ParseSeed(raw []byte) (SeedData, error) {
	var d SeedData
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("seed data: %w", err)
	}
	return d, nil
}

// SeedPlan loads the university's plans and calls (seed/university.json)
// that are not there yet. Migrate calls it; it is safe to call again.
func (s *Store) SeedPlan(ctx context.Context) error {
	data, err := ParseSeed(universityJSON)
	if err != nil {
		return err
	}
	return s.LoadSeed(ctx, data)
}

// LoadSeed inserts the plans and calls of d whose codes are not in the
// database yet, in one transaction. It returns an error naming the first
// field that does not parse or a call whose plan is unknown.
func (s *Store) LoadSeed(ctx context.Context, d SeedData) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		planIDs := map[string]int64{}
		for _, p := range d.Plans {
			var plan Plan
			err := tx.Where("code = ?", p.Code).First(&plan).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				plan, err = s.insertSeedPlan(ctx, p)
			}
			if err != nil {
				return err
			}
			planIDs[p.Code] = plan.ID
		}
		for _, c := range d.Calls {
			if err := s.insertSeedCall(ctx, c, planIDs); err != nil {
				return fmt.Errorf("seed call %s: %w", c.Code, err)
			}
		}
		return nil
	})
}

func (s *Store) insertSeedCall(ctx context.Context, c SeedCall, planIDs map[string]int64) error {
	tx := s.conn(ctx)
	var n int64
	if err := tx.Model(&Call{}).Where("code = ?", c.Code).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	planID, ok := planIDs[c.Plan]
	if !ok {
		var plan Plan
		if err := tx.Where("code = ?", c.Plan).First(&plan).Error; err != nil {
			return fmt.Errorf("plan %q: %w", c.Plan, err)
		}
		planID = plan.ID
	}
	loc := s.zone
	opens, err := time.ParseInLocation("2006-01-02T15:04", c.OpensAt, loc)
	if err != nil {
		return fmt.Errorf("opens_at: %w", err)
	}
	deadline, err := time.ParseInLocation("2006-01-02T15:04", c.DeadlineAt, loc)
	if err != nil {
		return fmt.Errorf("deadline_at: %w", err)
	}
	due, err := time.Parse(time.DateOnly, c.ReportDueOn)
	if err != nil {
		return fmt.Errorf("report_due_on: %w", err)
	}
	// A seeded call goes in as any call made on the calls page does.
	_, err = s.insertCall(ctx, nil, CallInput{
		PlanID: planID, Code: c.Code,
		TitleSV: c.TitleSV, TitleEN: c.TitleEN,
		DescriptionSV: c.DescriptionSV, DescriptionEN: c.DescriptionEN,
		BudgetOre: c.BudgetKr * 100,
		OpensAt:   opens.UTC(), DeadlineAt: deadline.UTC(), ReportDueOn: due,
		EndorsementRequired: c.EndorsementRequired,
	})
	return err
}

func (s *Store) insertSeedPlan(ctx context.Context, p SeedPlan) (Plan, error) {
	tx := s.conn(ctx)
	plan := Plan{Code: p.Code, TitleSV: p.TitleSV, TitleEN: p.TitleEN}
	var err error
	if plan.StartsOn, err = time.Parse(time.DateOnly, p.StartsOn); err != nil {
		return plan, fmt.Errorf("seed plan %s: starts_on: %w", p.Code, err)
	}
	if plan.EndsOn, err = time.Parse(time.DateOnly, p.EndsOn); err != nil {
		return plan, fmt.Errorf("seed plan %s: ends_on: %w", p.Code, err)
	}
	if err := tx.Create(&plan).Error; err != nil {
		return plan, err
	}
	for i, r := range p.Responsibles {
		row := PlanResponsible{PlanID: plan.ID, Position: i + 1, Code: r.Code, DefinitionSV: r.SV, DefinitionEN: r.EN}
		if err := tx.Create(&row).Error; err != nil {
			return plan, err
		}
	}
	for ai, a := range p.Areas {
		area := PlanArea{PlanID: plan.ID, Position: ai + 1, NameSV: a.SV, NameEN: a.EN}
		if err := tx.Create(&area).Error; err != nil {
			return plan, err
		}
		for gi, g := range a.Goals {
			goal := PlanGoal{AreaID: area.ID, Position: gi + 1, TextSV: g.SV, TextEN: g.EN}
			if err := tx.Create(&goal).Error; err != nil {
				return plan, err
			}
			for xi, x := range g.Activities {
				act := PlanActivity{GoalID: goal.ID, Position: xi + 1, TextSV: x.SV, TextEN: x.EN, Neolaia: x.Neolaia, Responsible: x.Responsible}
				if err := tx.Create(&act).Error; err != nil {
					return plan, err
				}
			}
		}
	}
	return plan, nil
}
