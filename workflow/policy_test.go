package workflow

import (
	"slices"
	"testing"
)

// chart is a small org chart: faculty 1 with institutions 2 and 3,
// division 4 on its own.
type chart map[int64][]int64

func (c chart) Subtree(id int64) []int64 {
	out := []int64{id}
	for _, child := range c[id] {
		out = append(out, c.Subtree(child)...)
	}
	return out
}

var testChart = chart{1: {2, 3}}

func TestVisibilityOf(t *testing.T) {
	tests := []struct {
		name   string
		grants []Grant
		all    bool
		units  []int64
	}{
		{"NoRole", nil, false, nil},
		{"ApplicantOfInstitution", []Grant{{RoleApplicant, 2}}, false, []int64{2}},
		{"DeanSeesFaculty", []Grant{{RoleUnitHead, 1}}, false, []int64{1, 2, 3}},
		{"WideApplicantOpensNothing", []Grant{{RoleApplicant, 0}}, false, nil},
		{"WideUnitHeadOpensNothing", []Grant{{RoleUnitHead, 0}}, false, nil},
		{"Coordinator", []Grant{{RoleCoordinator, 0}}, true, nil},
		{"Decider", []Grant{{RoleDecider, 0}}, true, nil},
		{"Finance", []Grant{{RoleFinance, 0}}, true, nil},
		{"Admin", []Grant{{RoleAdmin, 0}}, true, nil},
		{"UnitFinance", []Grant{{RoleFinance, 4}}, false, []int64{4}},
		{"TwoUnits", []Grant{{RoleApplicant, 2}, {RoleUnitHead, 1}}, false, []int64{2, 1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := VisibilityOf(Actor{UserID: 7, Grants: tt.grants}, testChart)
			if v.All != tt.all || !slices.Equal(v.UnitIDs, tt.units) || v.UserID != 7 {
				t.Errorf("VisibilityOf = %+v, want all=%v units=%v", v, tt.all, tt.units)
			}
			if !v.Allows(4, 7) {
				t.Error("a person must always see their own application")
			}
			if got := v.Allows(3, 8); got != (tt.all || slices.Contains(tt.units, 3)) {
				t.Errorf("Allows(unit 3) = %v", got)
			}
		})
	}
}

func TestFollowupScopeOf(t *testing.T) {
	tests := []struct {
		name   string
		grants []Grant
		all    bool
		units  []int64
	}{
		{"NoRole", nil, false, nil},
		{"Coordinator", []Grant{{RoleCoordinator, 0}}, true, nil},
		{"Decider", []Grant{{RoleDecider, 0}}, true, nil},
		{"Admin", []Grant{{RoleAdmin, 0}}, true, nil},
		{"FinanceIsNotFollowup", []Grant{{RoleFinance, 0}}, false, nil},
		{"UnitCoordinatorIsNotFollowup", []Grant{{RoleCoordinator, 2}}, false, nil},
		{"Applicant", []Grant{{RoleApplicant, 2}}, false, []int64{2}},
		{"Dean", []Grant{{RoleUnitHead, 1}}, false, []int64{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := FollowupScopeOf(Actor{UserID: 7, Grants: tt.grants}, testChart)
			if sc.All != tt.all || !slices.Equal(sc.UnitIDs, tt.units) {
				t.Errorf("FollowupScopeOf = %+v, want all=%v units=%v", sc, tt.all, tt.units)
			}
			if got := sc.Covers(2); got != (tt.all || slices.Contains(tt.units, 2)) {
				t.Errorf("Covers(2) = %v", got)
			}
		})
	}
}

func TestMayChangeRolesOf(t *testing.T) {
	admin := Actor{UserID: 7, Grants: []Grant{{RoleAdmin, 0}}}
	if MayChangeRolesOf(admin, 7) {
		t.Error("an administrator may change her own roles")
	}
	if !MayChangeRolesOf(admin, 8) {
		t.Error("an administrator may not change another person's roles")
	}
}
