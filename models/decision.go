package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"mobilityfund/document"
	"mobilityfund/workflow"
)

// Decision is the record of a grant, partial grant, rejection or
// revocation: who decided what and when, under which reference number,
// with its document in Swedish and English (DecisionDocument). It is
// written in the transaction of the decision itself.
type Decision struct {
	ID             int64
	ApplicationID  int64
	AuditEventID   int64
	Kind           document.Kind
	DecisionRef    string
	DecidedAt      time.Time
	DecidedBy      int64
	DeciderName    string
	OnBehalfOf     *int64
	OnBehalfOfName string
	PresenterID    *int64
	PresenterName  string
	Title          string
	UnitID         int64
	UnitName       string // in Swedish, as the register lists it
	AmountOre      int64  // granted; for a revocation, what returns to the fund; 0 for a rejection
	FileName       string // of the Swedish document
	RegisteredAt   *time.Time
	RegisteredBy   *int64
}

// DecisionDocument is a decision's PDF in one language, stored with the
// decision so that every download is the same file.
type DecisionDocument struct {
	DecisionID int64  `gorm:"primaryKey;autoIncrement:false"`
	Language   string `gorm:"primaryKey"`
	FileName   string
	Content    []byte
	Sha256     string `gorm:"column:sha256"`
}

// decisionActions are the actions whose outcome is a decision document.
var decisionActions = map[workflow.Action]bool{
	workflow.ActionGrant: true, workflow.ActionReject: true, workflow.ActionRevoke: true,
}

// decisionFacts is what a decision's record is written from, all read
// by the action that takes it: the application before and after, its call
// and unit, the audit event, the decider, the plan activities it is
// linked to, and the people who may be named (the recipients the action
// read for its notices).
type decisionFacts struct {
	before, app *Application
	call        *Call
	chart       *OrgChart
	ev          *AuditEvent
	actor       *Actor
	activities  []PlanActivity
	people      *recipientIndex
}

// recordDecision writes the decision that the action in f took, with its
// documents, in the action's transaction, and returns it. It reads one
// row (the settings, the plan's title and the presenter) and writes two,
// and reads the earlier grant of a revocation.
func (s *Store) recordDecision(ctx context.Context, f decisionFacts) (*Decision, error) {
	tx := s.conn(ctx)
	app, call, ev, actor := f.app, f.call, f.ev, f.actor
	var kind document.Kind
	amount := app.GrantedOre
	switch workflow.Action(ev.Action) {
	case workflow.ActionGrant:
		kind = document.KindGrant
		if app.GrantedOre < app.RequestedOre {
			kind = document.KindPartial
		}
	case workflow.ActionReject:
		kind, amount = document.KindReject, 0
	default:
		kind, amount = document.KindRevoke, app.ReturnedOre
	}
	// A revocation has no case of its own presented for decision.
	presenterAction := string(workflow.ActionMarkReady)
	if kind == document.KindRevoke {
		presenterAction = ""
	}
	var head struct {
		RecordSettings
		PlanSV, PlanEN string
		PresenterID    *int64
		PresenterName  string
	}
	if err := tx.Raw("SELECT record_settings.*, plans.title_sv AS plan_sv, plans.title_en AS plan_en, "+
		"p.id AS presenter_id, COALESCE(p.name, '') AS presenter_name "+
		"FROM record_settings JOIN plans ON plans.id = ? "+
		"LEFT JOIN users p ON p.id = (SELECT actor_id FROM audit_events WHERE application_id = ? AND action = ? "+
		"AND actor_id IS NOT NULL ORDER BY id DESC LIMIT 1) WHERE record_settings.id = 1",
		call.PlanID, app.ID, presenterAction).Scan(&head).Error; err != nil {
		return nil, err
	}
	settings := head.RecordSettings
	unit, _ := f.chart.Unit(app.UnitID)
	faculty, _ := f.chart.Faculty(app.UnitID)
	var contact NoticePayload
	f.people.addContact(app, &contact)
	d := Decision{ApplicationID: app.ID, AuditEventID: ev.ID, Kind: kind, DecisionRef: app.DecisionRef,
		DecidedAt: ev.CreatedAt, DecidedBy: actor.User.ID, DeciderName: actor.User.Name, Title: app.Title,
		UnitID: app.UnitID, UnitName: unit.NameSV, AmountOre: amount,
		FileName: document.DecisionFileName(app.DecisionRef, app.Number(), "sv")}
	if head.PresenterID != nil {
		d.PresenterID, d.PresenterName = head.PresenterID, head.PresenterName
	}
	if regular := f.people.regularDecider(actor); regular != nil {
		d.OnBehalfOf, d.OnBehalfOfName = &regular.ID, regular.Name
	}
	var earlier Decision
	if kind == document.KindRevoke {
		err := tx.Where("application_id = ? AND kind IN ?", app.ID, []document.Kind{document.KindGrant, document.KindPartial}).
			Order("id DESC").First(&earlier).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, err
		}
	}
	if err := tx.Create(&d).Error; err != nil {
		return nil, err
	}
	docs := make([]DecisionDocument, 0, 2)
	for _, lang := range []string{"sv", "en"} {
		doc := document.Decision{Kind: kind, University: settings.University(lang), Fund: settings.Fund(lang),
			Ref: d.DecisionRef, DecidedAt: d.DecidedAt, Zone: s.zone,
			Application: app.Number(), Title: app.Title, Unit: unit.Name(lang), Contact: contact.Contact,
			Call: Text(lang, call.TitleSV, call.TitleEN), Plan: Text(lang, head.PlanSV, head.PlanEN),
			PeriodStart: deref(app.PeriodStart), PeriodEnd: deref(app.PeriodEnd),
			RequestedOre: app.RequestedOre, GrantedOre: app.GrantedOre, ReturnedOre: app.ReturnedOre,
			Motivation: ev.Comment, ReportDue: call.ReportDueOn,
			Decider: d.DeciderName, DeciderTitle: settings.DeciderTitle(lang), OnBehalfOf: d.OnBehalfOfName,
			Presenter: d.PresenterName, EarlierRef: earlier.DecisionRef, EarlierAt: earlier.DecidedAt}
		if faculty.ID != 0 && faculty.ID != unit.ID {
			doc.Faculty = faculty.Name(lang)
		}
		if kind == document.KindRevoke && earlier.ID == 0 {
			doc.EarlierAt = deref(f.before.DecidedAt)
		}
		for _, a := range f.activities {
			doc.Activities = append(doc.Activities, Text(lang, a.TextSV, a.TextEN))
		}
		pdf, err := document.DecisionPDF(doc, lang)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(pdf)
		docs = append(docs, DecisionDocument{DecisionID: d.ID, Language: lang, Content: pdf, Sha256: hex.EncodeToString(sum[:]),
			FileName: document.DecisionFileName(d.DecisionRef, app.Number(), lang)})
	}
	if err := tx.Create(&docs).Error; err != nil {
		return nil, err
	}
	return &d, nil
}

// regularDecider says on whose behalf actor decides: nil when actor holds
// the decider role without dates (the regular decider), else the person
// who does, the first such grant's holder who is not disabled. A dated
// grant is how a substitute is appointed (a holiday, a leave).
func (idx *recipientIndex) regularDecider(actor *Actor) *User {
	for _, g := range actor.Grants {
		if g.Role == workflow.RoleDecider && g.ValidFrom == nil && g.ValidTo == nil {
			return nil
		}
	}
	for _, g := range idx.grants {
		if g.Role != workflow.RoleDecider || g.UnitID != nil || g.ValidFrom != nil || g.ValidTo != nil || g.UserID == actor.User.ID {
			continue
		}
		if u, ok := idx.users[g.UserID]; ok {
			return &u
		}
	}
	return nil
}

// DecisionsOf lists the decisions on application id, oldest first. The
// caller has checked that the reader may see the application.
func (s *Store) DecisionsOf(ctx context.Context, id int64) ([]Decision, error) {
	var out []Decision
	err := s.conn(ctx).Where("application_id = ?", id).Order("id").Find(&out).Error
	return out, err
}

// DecisionDocumentFor returns decision id's document in lang ("sv" or
// "en") for actor, who must be allowed to see its application or keep
// the register. It returns a NotFoundError for a decision they may not
// see, one that does not exist, or another language.
func (s *Store) DecisionDocumentFor(ctx context.Context, actor *Actor, id int64, lang string) (*DecisionDocument, error) {
	var d Decision
	if err := s.conn(ctx).First(&d, id).Error; err != nil {
		return nil, notFound(err, "decision", id)
	}
	if !workflow.MayKeepRegister(actor.Workflow) {
		if _, _, err := s.detailFor(ctx, actor, d.ApplicationID); err != nil {
			return nil, &NotFoundError{What: "decision", ID: id}
		}
	}
	var doc DecisionDocument
	if err := s.conn(ctx).Where("decision_id = ? AND language = ?", id, lang).First(&doc).Error; err != nil {
		return nil, notFound(err, "decision document", id)
	}
	return &doc, nil
}
