package templates

import (
	"io/fs"
	"regexp"
	"testing"
)

// tableInRegion is a table that opens right inside its own scrolling
// region: a div.table-wrap that the keyboard reaches (tabindex="0") and
// that has a name (role="region" with aria-label or aria-labelledby).
var (
	tableOpen     = regexp.MustCompile(`<table\b`)
	regionBefore  = regexp.MustCompile(`<div class="table-wrap" tabindex="0" role="region" aria-label(?:ledby)?="[^\n]+">\s*$`)
	maxRegionLook = 400
)

// TestTablesScrollInTheirOwnRegion fails on a page table that is not
// wrapped in its region: at 320 CSS pixels a wide table must scroll on
// its own, not make the whole page scroll sideways (WCAG 2.1 SC 1.4.10).
func TestTablesScrollInTheirOwnRegion(t *testing.T) {
	t.Parallel()
	n := 0
	err := fs.WalkDir(pageFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(pageFS, path)
		if err != nil {
			return err
		}
		s := string(data)
		for _, loc := range tableOpen.FindAllStringIndex(s, -1) {
			n++
			from := max(0, loc[0]-maxRegionLook)
			if !regionBefore.MatchString(s[from:loc[0]]) {
				t.Errorf("%s: a <table> at byte %d is not inside <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=…>", path, loc[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no tables found: the test reads the wrong files")
	}
}
