package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// Report is an application's outcome report (återrapportering): what was
// done, the outcomes beside the expected ones, the money spent and how the
// plan's five considerations were handled. There is one per application;
// the applicants save it as a draft until they submit it.
type Report struct {
	ApplicationID int64 `gorm:"primaryKey;autoIncrement:false"`
	Done          string
	// StudentsFirst, …Second, …Third count the outgoing students per
	// study level (first cycle, second cycle, third cycle).
	StudentsFirst     int
	StudentsSecond    int
	StudentsThird     int
	WindowsIdentified int
	WindowsCreated    int
	PartnerAgreements int
	Participants      int
	OtherOutcome      string
	SpentOre          int64

	ConsiderationQuality        string
	ConsiderationResponsibility string
	ConsiderationInclusion      string
	ConsiderationSustainability string
	ConsiderationEquality       string

	// RevisionNote is the coordinator's latest request for revision.
	RevisionNote string
	UpdatedBy    int64
	SubmittedAt  *time.Time
	SubmittedBy  *int64
	AcceptedAt   *time.Time
	AcceptedBy   *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName keeps reports beside the applications they belong to.
func (Report) TableName() string { return "application_reports" }

// Considerations returns the five consideration texts in the plan's order.
func (r Report) Considerations() [5]string {
	return [5]string{r.ConsiderationQuality, r.ConsiderationResponsibility, r.ConsiderationInclusion,
		r.ConsiderationSustainability, r.ConsiderationEquality}
}

// ReportInput holds exactly the fields applicants may edit in a report;
// anything else in a form has no effect.
type ReportInput struct {
	Done              string
	StudentsFirst     int
	StudentsSecond    int
	StudentsThird     int
	WindowsIdentified int
	WindowsCreated    int
	PartnerAgreements int
	Participants      int
	OtherOutcome      string
	SpentOre          int64
	Considerations    [5]string
}

// Input returns the report's editable fields, to fill a form.
func (r Report) Input() ReportInput {
	return ReportInput{Done: r.Done, StudentsFirst: r.StudentsFirst, StudentsSecond: r.StudentsSecond,
		StudentsThird: r.StudentsThird, WindowsIdentified: r.WindowsIdentified, WindowsCreated: r.WindowsCreated,
		PartnerAgreements: r.PartnerAgreements, Participants: r.Participants, OtherOutcome: r.OtherOutcome,
		SpentOre: r.SpentOre, Considerations: r.Considerations()}
}

// Valid checks the input against the amount granted and returns field →
// message id. A draft only needs sound numbers; a submission also needs
// the account of what was done and of every consideration.
func (in ReportInput) Valid(grantedOre int64, submit bool) map[string]string {
	v := map[string]string{}
	counts := map[string]int{"students_first": in.StudentsFirst, "students_second": in.StudentsSecond,
		"students_third": in.StudentsThird, "windows_identified": in.WindowsIdentified,
		"windows_created": in.WindowsCreated, "partner_agreements": in.PartnerAgreements, "participants": in.Participants}
	for field, n := range counts {
		if n < 0 {
			v[field] = MsgCountNegative
		}
	}
	for field, text := range map[string]string{"done": in.Done, "other_outcome": in.OtherOutcome} {
		if workflow.TooLong(text, workflow.MaxText) {
			v[field] = workflow.MsgTooLong
		}
	}
	for i, c := range in.Considerations {
		if workflow.TooLong(c, workflow.MaxText) {
			v["consideration_"+workflow.ConsiderationFields[i]] = workflow.MsgTooLong
		}
	}
	switch {
	case in.SpentOre < 0:
		v["spent"] = workflow.MsgAmountPositive
	case in.SpentOre > grantedOre:
		v["spent"] = workflow.MsgSpentAbove
	}
	if submit {
		if strings.TrimSpace(in.Done) == "" {
			v["done"] = workflow.MsgRequired
		}
		for i, c := range in.Considerations {
			if strings.TrimSpace(c) == "" {
				v["consideration_"+workflow.ConsiderationFields[i]] = workflow.MsgRequired
			}
		}
	}
	return v
}

// MsgCountNegative is the message id for a negative count in a report.
const MsgCountNegative = "followup.err.count_negative"

// ReportView is what the report page shows: the application, its report
// (an empty one before the first save) and what the viewer may do.
type ReportView struct {
	Detail    *ApplicationDetail
	Unit      OrgUnit
	Report    Report
	Saved     bool // a report row exists
	CanEdit   bool // the viewer may save and submit the report now
	CanReview bool // the viewer may accept or return the report now
	// ReviewBlocked is ErrConflictOfInterest when the viewer would review
	// but belongs to the applying unit.
	ReviewBlocked error
	Overdue       bool
}

// UnspentOre is the money granted and not reported as spent: shown on the
// page, and returned to the pot when the report is accepted.
func (v *ReportView) UnspentOre() int64 {
	return max(v.Detail.App.GrantedOre-v.Report.SpentOre, 0)
}

// ReportPage loads application id's report for actor; a draft only for
// those who may edit it. It returns a NotFoundError when the actor may not
// see the application.
func (s *Store) ReportPage(ctx context.Context, actor *Actor, id int64) (*ReportView, error) {
	d, chart, err := s.detailFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v := &ReportView{Detail: d}
	v.Unit, _ = chart.Unit(d.App.UnitID)
	if err := s.conn(ctx).First(&v.Report, "application_id = ?", id).Error; err == nil {
		v.Saved = true
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	opts, err := s.reportOptions(ctx, actor, &d.App, &d.Call, chart)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		switch {
		case o.Action == workflow.ActionReport && o.Blocked == nil:
			v.CanEdit = true
		case o.Action == workflow.ActionAcceptReport && o.Blocked == nil:
			v.CanReview = true
		case o.Action == workflow.ActionAcceptReport:
			v.ReviewBlocked = o.Blocked
		}
	}
	// A draft is the applicants' own until they submit it.
	if !v.CanEdit && v.Report.SubmittedAt == nil {
		v.Report, v.Saved = Report{}, false
	}
	now := s.now()
	v.Overdue = v.CanEdit && v.Report.SubmittedAt == nil && now.After(d.Call.ReportDueOn.AddDate(0, 0, 1))
	return v, nil
}

// reportOptions asks the workflow what actor may do to app now.
func (s *Store) reportOptions(ctx context.Context, actor *Actor, app *Application, call *Call, chart *OrgChart) ([]workflow.Option, error) {
	wapp, err := s.workflowApplication(ctx, app, chart)
	if err != nil {
		return nil, err
	}
	return workflow.Available(wapp, workflowCall(call), actor.Workflow, s.now()), nil
}

// SaveReport saves application id's report as a draft, or, when submit is
// set, saves it and reports it (workflow.ActionReport with the spent
// amount and the account of what was done) in the same transaction.
// version is the application's version the actor saw. It returns a
// NotFoundError when the actor may not see the application, a *StaleError
// for an old version, workflow.ErrForbidden when the actor may not report
// for the unit, workflow.ErrInvalidTransition when the application is not
// waiting for a report, and a *workflow.ValidationError for bad input.
func (s *Store) SaveReport(ctx context.Context, actor *Actor, id int64, version int, in ReportInput, submit bool) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var app Application
		chart, err := s.lockVisible(ctx, id, version, actor, &app)
		if err != nil {
			return err
		}
		var call Call
		if err := tx.First(&call, app.CallID).Error; err != nil {
			return err
		}
		opts, err := s.reportOptions(ctx, actor, &app, &call, chart)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(opts, func(o workflow.Option) bool { return o.Action == workflow.ActionReport && o.Blocked == nil }) {
			if app.State == workflow.StateBooked || app.State == workflow.StateReportRevision {
				return workflow.ErrForbidden
			}
			return workflow.ErrInvalidTransition
		}
		if fields := in.Valid(app.GrantedOre, submit); len(fields) > 0 {
			return &workflow.ValidationError{Fields: fields}
		}
		now := s.now()
		var r Report
		err = tx.First(&r, "application_id = ?", id).Error
		isNew := errors.Is(err, gorm.ErrRecordNotFound)
		if err != nil && !isNew {
			return err
		}
		r.ApplicationID = id
		r.Done, r.OtherOutcome = strings.TrimSpace(in.Done), strings.TrimSpace(in.OtherOutcome)
		r.StudentsFirst, r.StudentsSecond, r.StudentsThird = in.StudentsFirst, in.StudentsSecond, in.StudentsThird
		r.WindowsIdentified, r.WindowsCreated = in.WindowsIdentified, in.WindowsCreated
		r.PartnerAgreements, r.Participants, r.SpentOre = in.PartnerAgreements, in.Participants, in.SpentOre
		c := in.Considerations
		r.ConsiderationQuality, r.ConsiderationResponsibility, r.ConsiderationInclusion = c[0], c[1], c[2]
		r.ConsiderationSustainability, r.ConsiderationEquality = c[3], c[4]
		r.UpdatedBy, r.UpdatedAt = actor.User.ID, now
		if submit {
			r.SubmittedAt, r.SubmittedBy = &now, &actor.User.ID
		}
		if isNew {
			r.CreatedAt = now
			err = tx.Create(&r).Error
		} else {
			err = tx.Model(&Report{}).Where("application_id = ?", id).Select("*").Omit("application_id", "created_at").Updates(&r).Error
		}
		if err != nil {
			return err
		}
		if !submit {
			// A saved draft is a change too: a second applicant's form
			// from before it must come back as stale, not overwrite it.
			res := tx.Model(&Application{}).Where("id = ? AND version = ?", id, version).UpdateColumn("version", version+1)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return &StaleError{Have: version, Current: version + 1}
			}
			return nil
		}
		_, err = s.Apply(ctx, id, version, actor, workflow.ActionReport, workflow.Input{AmountOre: in.SpentOre, Comment: r.Done})
		return err
	})
}

// AcceptReport accepts application id's report as a coordinator: the
// application is closed and the money granted but not spent returns to
// the pot. It returns what Apply returns.
func (s *Store) AcceptReport(ctx context.Context, actor *Actor, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if _, err := s.Apply(ctx, id, version, actor, workflow.ActionAcceptReport, workflow.Input{}); err != nil {
			return err
		}
		now := s.now()
		return tx.Model(&Report{}).Where("application_id = ?", id).
			Updates(map[string]any{"accepted_at": now, "accepted_by": actor.User.ID, "revision_note": ""}).Error
	})
}

// RequestReportRevision sends application id's report back to the
// applicants with message, which is required. It returns what Apply
// returns; a blank message is a *workflow.ValidationError.
func (s *Store) RequestReportRevision(ctx context.Context, actor *Actor, id int64, version int, message string) error {
	message = strings.TrimSpace(message)
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if _, err := s.Apply(ctx, id, version, actor, workflow.ActionRequestRevision, workflow.Input{Comment: message}); err != nil {
			return err
		}
		return tx.Model(&Report{}).Where("application_id = ?", id).
			Updates(map[string]any{"revision_note": message, "updated_at": s.now()}).Error
	})
}
