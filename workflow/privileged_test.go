package workflow

import (
	"slices"
	"testing"
)

func TestPrivileged(t *testing.T) {
	for _, r := range Roles() {
		want := r == RoleDecider || r == RoleFinance || r == RoleAdmin
		if Privileged(r) != want {
			t.Errorf("Privileged(%s) = %v", r, !want)
		}
	}
	if got := RoleNoticeRecipients([]int64{3, 5, 8}, 5); !slices.Equal(got, []int64{3, 8}) {
		t.Errorf("recipients %v", got)
	}
	if got := RoleNoticeRecipients([]int64{3, 5}, 0); !slices.Equal(got, []int64{3, 5}) {
		t.Errorf("recipients of a change from groups %v", got)
	}
}
