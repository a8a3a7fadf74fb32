package workflow

import (
	"errors"
	"testing"
	"time"
)

// TestConversationOf is the access rule of the conversation, per role:
// institution 2 of faculty 1 applies; person 7 reads.
func TestConversationOf(t *testing.T) {
	app := Application{ID: 1, UnitID: 2, UnitPath: []int64{2, 1}, CreatedBy: 50}
	tests := []struct {
		name    string
		actor   Actor
		contact int64
		want    ConversationAccess
	}{
		{"Author", Actor{UserID: 50}, 0, ConversationAccess{Read: true, Write: true, Applicant: true}},
		{"ContactPerson", Actor{UserID: 7}, 7, ConversationAccess{Read: true, Write: true, Applicant: true}},
		{"ApplicantOfUnit", Actor{UserID: 7, Grants: []Grant{{RoleApplicant, 2}}}, 0, ConversationAccess{Read: true, Write: true, Applicant: true}},
		{"ApplicantOfFaculty", Actor{UserID: 7, Grants: []Grant{{RoleApplicant, 1}}}, 0, ConversationAccess{Read: true, Write: true, Applicant: true}},
		{"Coordinator", Actor{UserID: 7, Grants: []Grant{{RoleCoordinator, 0}}}, 0, ConversationAccess{Read: true, Write: true, ReadNotes: true, WriteNotes: true}},
		{"CoordinatorOfTheUnitIsPartial", Actor{UserID: 7, Grants: []Grant{{RoleCoordinator, 0}}, Units: []int64{2}}, 0, ConversationAccess{Read: true, Write: true}},
		{"Decider", Actor{UserID: 7, Grants: []Grant{{RoleDecider, 0}}}, 0, ConversationAccess{Read: true, ReadNotes: true, WriteNotes: true}},
		{"DeciderOfTheFacultyIsPartial", Actor{UserID: 7, Grants: []Grant{{RoleDecider, 0}}, Units: []int64{1}}, 0, ConversationAccess{Read: true}},
		{"UnitHead", Actor{UserID: 7, Grants: []Grant{{RoleUnitHead, 2}}, Units: []int64{2}}, 0, ConversationAccess{Read: true, ReadNotes: true, WriteNotes: true}},
		{"Dean", Actor{UserID: 7, Grants: []Grant{{RoleUnitHead, 1}}}, 0, ConversationAccess{Read: true, ReadNotes: true, WriteNotes: true}},
		{"UnitHeadOfAnotherUnit", Actor{UserID: 7, Grants: []Grant{{RoleUnitHead, 3}}}, 0, ConversationAccess{Read: true}},
		{"Finance", Actor{UserID: 7, Grants: []Grant{{RoleFinance, 0}}}, 0, ConversationAccess{Read: true}},
		{"Admin", Actor{UserID: 7, Grants: []Grant{{RoleAdmin, 0}}}, 0, ConversationAccess{Read: true}},
		// Whoever is on the applicants' side never reads internal notes,
		// whatever else they are.
		{"CoordinatorWhoWroteIt", Actor{UserID: 50, Grants: []Grant{{RoleCoordinator, 0}}}, 0, ConversationAccess{Read: true, Write: true, Applicant: true}},
		{"UnitHeadWhoIsContact", Actor{UserID: 7, Grants: []Grant{{RoleUnitHead, 2}}}, 7, ConversationAccess{Read: true, Write: true, Applicant: true}},
		{"UnitHeadAndApplicant", Actor{UserID: 7, Grants: []Grant{{RoleUnitHead, 2}, {RoleApplicant, 2}}}, 0, ConversationAccess{Read: true, Write: true, Applicant: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConversationOf(tt.actor, app, tt.contact); got != tt.want {
				t.Errorf("ConversationOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMayKeepRegister(t *testing.T) {
	for _, tt := range []struct {
		name   string
		grants []Grant
		want   bool
	}{
		{"Coordinator", []Grant{{RoleCoordinator, 0}}, true},
		{"UnitCoordinator", []Grant{{RoleCoordinator, 2}}, false},
		{"Decider", []Grant{{RoleDecider, 0}}, false},
		{"Admin", []Grant{{RoleAdmin, 0}}, false},
		{"Applicant", []Grant{{RoleApplicant, 2}}, false},
	} {
		if got := MayKeepRegister(Actor{UserID: 1, Grants: tt.grants}); got != tt.want {
			t.Errorf("%s: MayKeepRegister = %v", tt.name, got)
		}
	}
}

func TestCommentRules(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := Comment{AuthorID: 5, CreatedAt: t0}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"AuthorWithinWindow", MayEditComment(5, c, t0.Add(CommentEditWindow)), nil},
		{"AuthorAfterWindow", MayEditComment(5, c, t0.Add(CommentEditWindow+time.Second)), ErrInvalidTransition},
		{"OtherPerson", MayEditComment(6, c, t0), ErrForbidden},
		{"StruckComment", MayEditComment(5, Comment{AuthorID: 5, CreatedAt: t0, Struck: true}, t0), ErrInvalidTransition},
		{"StrikeOwn", MayStrikeComment(5, false, ConversationAccess{Write: true}, c, "fel ansökan"), nil},
		{"StrikeAsCoordinator", MayStrikeComment(6, true, ConversationAccess{Write: true}, c, "personuppgifter"), nil},
		{"StrikeNoteAsCoordinatorWithoutNotes", MayStrikeComment(6, true, ConversationAccess{Write: true}, Comment{AuthorID: 5, Internal: true}, "x"), ErrForbidden},
		{"StrikeOthersAsApplicant", MayStrikeComment(6, false, ConversationAccess{Write: true}, c, "x"), ErrForbidden},
		{"StrikeTwice", MayStrikeComment(5, false, ConversationAccess{Write: true}, Comment{AuthorID: 5, Struck: true}, "x"), ErrInvalidTransition},
		{"WriteNoteWithoutAccess", MayComment(ConversationAccess{Write: true}, true), ErrForbidden},
		{"WriteComment", MayComment(ConversationAccess{Write: true}, false), nil},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) || (tt.want == nil && tt.err != nil) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	var v *ValidationError
	if err := MayStrikeComment(5, false, ConversationAccess{Write: true}, c, "  "); !errors.As(err, &v) || v.Fields["reason"] != MsgStrikeReason {
		t.Errorf("strike without reason: %v", err)
	}
	if err := CheckCommentBody(" \n"); !errors.As(err, &v) || v.Fields["body"] != MsgRequired {
		t.Errorf("empty body: %v", err)
	}
}

func TestCommentNotices(t *testing.T) {
	kinds := func(ns []Notice) (out []RecipientKind) {
		for _, n := range ns {
			out = append(out, n.To.Kind)
		}
		return out
	}
	app := Application{State: StateInReview}
	if got := kinds(CommentNotices(app, true, false)); len(got) != 1 || got[0] != RecipientCoordinators {
		t.Errorf("applicant's comment goes to %v", got)
	}
	if got := kinds(CommentNotices(app, false, false)); len(got) != 1 || got[0] != RecipientApplicants {
		t.Errorf("coordinator's comment goes to %v", got)
	}
	for _, n := range CommentNotices(app, false, true) {
		if n.To.Kind == RecipientApplicants || n.Event != EventInternalNote {
			t.Errorf("internal note notice %+v", n)
		}
	}
	app.State = StateReadyForDecision
	if got := kinds(CommentNotices(app, false, true)); len(got) != 3 || got[2] != RecipientDeciders {
		t.Errorf("note while waiting for decision goes to %v", got)
	}
}
