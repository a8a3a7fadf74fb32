package models

import (
	"context"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// Application is a unit's request for money from a call. Its requested
// amount is the sum of its budget lines and is never stored.
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
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
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
	return ApplicationNumber(a.CreatedAt.Year(), a.ID)
}

// ApplicationNumber formats an application reference.
func ApplicationNumber(year int, id int64) string {
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

// ApplicationRow is an application as lists show it, with the names and
// sums a list needs computed in the same query.
type ApplicationRow struct {
	Application
	RequestedOre int64
	UnitNameSV   string `gorm:"column:unit_name_sv"`
	UnitNameEN   string `gorm:"column:unit_name_en"`
}

// UnitName returns the unit's name in lang.
func (r ApplicationRow) UnitName(lang string) string { return Text(lang, r.UnitNameSV, r.UnitNameEN) }

// Visibility says which applications an actor may see: all of them for
// university-wide roles, otherwise those of the units their grants and
// membership cover, and their own.
type Visibility struct {
	All     bool
	UnitIDs []int64
	UserID  int64
}

// VisibilityOf computes what an actor may see using the org chart: a
// unit-scoped grant or a membership covers the unit and the units below.
func VisibilityOf(a *Actor, chart *OrgChart) Visibility {
	v := Visibility{UserID: a.User.ID}
	seen := map[int64]bool{}
	add := func(id int64) {
		for _, u := range chart.Subtree(id) {
			if !seen[u] {
				seen[u] = true
				v.UnitIDs = append(v.UnitIDs, u)
			}
		}
	}
	for _, g := range a.Grants {
		if g.UnitID == nil {
			if g.Role != workflow.RoleApplicant && g.Role != workflow.RoleUnitHead {
				v.All = true
			}
			continue
		}
		add(*g.UnitID)
	}
	return v
}

// Allows reports whether v covers an application of unitID created by
// createdBy.
func (v Visibility) Allows(unitID, createdBy int64) bool {
	if v.All || createdBy == v.UserID {
		return true
	}
	for _, u := range v.UnitIDs {
		if u == unitID {
			return true
		}
	}
	return false
}

// ApplicationDetail is one application with what its page shows.
type ApplicationDetail struct {
	App        Application
	Call       Call
	Lines      []BudgetLine
	Activities []PlanActivity
}

// RequestedOre is the sum of the budget lines.
func (d *ApplicationDetail) RequestedOre() int64 {
	var sum int64
	for _, l := range d.Lines {
		sum += l.AmountOre
	}
	return sum
}

// ApplicationView loads an application that v may see. One that exists
// but is not visible is reported exactly like one that does not exist: a
// NotFoundError, so that an id in a URL reveals nothing.
func (s *Store) ApplicationView(ctx context.Context, v Visibility, id int64) (*ApplicationDetail, error) {
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
