package models

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// Application is a unit's request for money from a call. RequestedOre is
// the sum of its budget lines, written with them (Draft.RequestedOre).
type Application struct {
	ID        int64
	CallID    int64
	UnitID    int64
	CreatedBy int64
	Title     string
	Summary   string
	Purpose   string

	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Neolaia     Neolaia

	ConsiderationQuality        string
	ConsiderationResponsibility string
	ConsiderationInclusion      string
	ConsiderationSustainability string
	ConsiderationEquality       string

	// TargetLevels holds study levels ("first", "second", "third")
	// separated by commas.
	TargetLevels              string
	ExpectedStudentsFirst     int
	ExpectedStudentsSecond    int
	ExpectedStudentsThird     int
	ExpectedMobilityWindows   int
	ExpectedPartnerAgreements int
	ExpectedOther             string

	State              workflow.State
	RequestedOre       int64
	GrantedOre         int64
	ReturnedOre        int64
	RecommendedOre     int64
	SpentOre           int64
	Assessment         string
	DecisionRef        string // the grant's or rejection's reference
	Motivation         string
	DecidedAt          *time.Time
	RevocationRef      string // a revocation's own reference; the grant's stays
	RevokedAt          *time.Time
	SubmittedAt        *time.Time
	DeadlineExtendedTo *time.Time
	// ContactID is the applicant the university addresses first; nil
	// means the author.
	ContactID *int64
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletedAt marks a draft its applicants deleted: gorm leaves it out
	// of every query on the model, and the audit trail keeps it.
	DeletedAt gorm.DeletedAt
}

// StudyLevels are the target levels an application can name, in order.
var StudyLevels = []string{"first", "second", "third"}

// Levels splits TargetLevels.
func (a Application) Levels() []string {
	var out []string
	for _, l := range strings.Split(a.TargetLevels, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Number is the application's reference as people quote it: MF-2026-0042.
func (a Application) Number() string {
	return ApplicationNumber(a.CreatedAt, a.ID)
}

// numberZone is the university's time zone (TIME_ZONE), in which the
// year of an application's number is reckoned: one created at 00:30 on 1
// January Swedish time is of the new year. A number names the
// application wherever it is shown, so the zone is the process's, set
// with the store's (SetZone).
var numberZone atomic.Pointer[time.Location]

func init() { numberZone.Store(defaultZone()) }

// ApplicationNumber formats the reference of application id, created at
// created: its year in the university's time zone and its id.
func ApplicationNumber(created time.Time, id int64) string {
	year := created.In(numberZone.Load()).Year()
	s := "000" + itoa(id)
	return "MF-" + itoa(int64(year)) + "-" + s[len(s)-max(4, len(itoa(id))):]
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// BudgetLine is one costed line of an application's budget.
type BudgetLine struct {
	ID            int64
	ApplicationID int64
	Position      int
	Category      string
	Description   string
	AmountOre     int64
}

// BudgetCategories are the categories a budget line may have.
var BudgetCategories = []string{"staff", "travel", "event", "material", "services", "other"}

// ApplicationActivity links an application to a plan activity.
type ApplicationActivity struct {
	ApplicationID int64 `gorm:"primaryKey;autoIncrement:false"`
	ActivityID    int64 `gorm:"primaryKey;autoIncrement:false"`
}

// ApplicationRow is an application as lists show it, with the names a
// list needs read in the same query.
type ApplicationRow struct {
	Application
	UnitNameSV string `gorm:"column:unit_name_sv"`
	UnitNameEN string `gorm:"column:unit_name_en"`
}

// UnitName returns the unit's name in lang.
func (r ApplicationRow) UnitName(lang string) string { return Text(lang, r.UnitNameSV, r.UnitNameEN) }

// ApplicationDetail is one application with what its page shows.
type ApplicationDetail struct {
	App        Application
	Call       Call
	Lines      []BudgetLine
	Activities []PlanActivity
}

// ApplicationView loads an application that v may see. One that exists
// but is not visible is reported exactly like one that does not exist: a
// NotFoundError, so that an id in a URL reveals nothing.
func (s *Store) ApplicationView(ctx context.Context, v workflow.Visibility, id int64) (*ApplicationDetail, error) {
	db := s.conn(ctx)
	var d ApplicationDetail
	if err := db.First(&d.App, id).Error; err != nil {
		return nil, notFound(err, "application", id)
	}
	if !v.Allows(d.App.UnitID, d.App.CreatedBy) {
		return nil, &NotFoundError{What: "application", ID: id}
	}
	if err := db.First(&d.Call, d.App.CallID).Error; err != nil {
		return nil, err
	}
	if err := db.Where("application_id = ?", id).Order("position, id").Find(&d.Lines).Error; err != nil {
		return nil, err
	}
	err := db.Joins("JOIN application_activities ON application_activities.activity_id = plan_activities.id").
		Where("application_activities.application_id = ?", id).Order("plan_activities.id").Find(&d.Activities).Error
	return &d, err
}

// ApplicationPage is everything the application page shows, read for one
// reader.
type ApplicationPage struct {
	Detail      *ApplicationDetail
	Unit        OrgUnit
	Faculty     OrgUnit
	Budget      Budget
	Options     []workflow.Option // what the reader could do now, in lifecycle order
	Attachments []Attachment
	Timeline    []TimelineEntry
	Plan        *Plan
	// EditErr says why the reader may not edit the application, or is nil
	// when they may.
	EditErr error
	Chart   *OrgChart
}

// ApplicationPage reads application id's page for actor, who must be
// allowed to see it: to anyone else it does not exist (NotFoundError).
// Its statements do not grow with the number of applications.
func (s *Store) ApplicationPage(ctx context.Context, actor *Actor, id int64) (*ApplicationPage, error) {
	d, chart, err := s.detailFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	p := &ApplicationPage{Detail: d, Chart: chart}
	p.Unit, _ = chart.Unit(d.App.UnitID)
	p.Faculty, _ = chart.Faculty(d.App.UnitID)
	if p.Budget, err = s.BudgetOf(ctx, &d.Call); err != nil {
		return nil, err
	}
	if p.Options, err = s.Options(ctx, d, chart, actor); err != nil {
		return nil, err
	}
	if p.Attachments, err = s.Attachments(ctx, id); err != nil {
		return nil, err
	}
	if p.Timeline, err = s.Timeline(ctx, id); err != nil {
		return nil, err
	}
	if p.Plan, err = s.PlanByID(ctx, d.Call.PlanID); err != nil {
		return nil, err
	}
	w := workflow.Application{ID: d.App.ID, State: d.App.State, UnitID: d.App.UnitID, UnitPath: chart.Path(d.App.UnitID)}
	p.EditErr = workflow.Editable(w, actor.Workflow)
	return p, nil
}

// detailFor loads application id for actor with the org chart it checked
// visibility with; an application they may not see is a NotFoundError.
func (s *Store) detailFor(ctx context.Context, actor *Actor, id int64) (*ApplicationDetail, *OrgChart, error) {
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.ApplicationView(ctx, workflow.VisibilityOf(actor.Workflow, chart), id)
	return d, chart, err
}
