package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// AxeVersion is the axe-core release the pages are checked with. It is
// pinned so that a new rule in a later release does not change what the
// tests report without anyone changing the repository.
const AxeVersion = "4.14.1"

// AxeTags are the rule sets the pages must pass: WCAG 2.0 and 2.1, levels
// A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// AxeDir is where axe-core is installed: a cache directory outside the
// repository, $MOBILITYFUND_AXE_DIR or the user's cache directory (the
// system's temporary directory when there is none, as without HOME).
func AxeDir() (string, error) {
	if d := os.Getenv("MOBILITYFUND_AXE_DIR"); d != "" {
		return d, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "mobilityfund-axe", AxeVersion), nil
}

// InstallAxe returns the path of axe.min.js, installing axe-core with npm
// into AxeDir first when it is not there. It returns an error when npm is
// missing or the install fails; a half-finished install is never left
// where the next run would take it for a whole one.
func InstallAxe() (string, error) {
	dir, err := AxeDir()
	if err != nil {
		return "", err
	}
	script := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(script); err == nil {
		return script, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("axe-core is not installed and npm is missing (install the Debian package npm)")
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var out bytes.Buffer
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--no-save", "--no-package-lock",
		"--prefix", tmp, "axe-core@"+AxeVersion)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install axe-core@%s: %v\n%s", AxeVersion, err, strings.TrimSpace(out.String()))
	}
	if _, err := os.Stat(filepath.Join(tmp, "node_modules", "axe-core", "axe.min.js")); err != nil {
		return "", fmt.Errorf("npm install axe-core@%s left no axe.min.js: %w", AxeVersion, err)
	}
	// Another process may have finished first; either copy is whole.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(script); statErr != nil {
			return "", err
		}
	}
	return script, nil
}

// Violation is one axe-core rule a page breaks, with the elements that
// break it.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// String names the rule and every element, for a test failure.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    at %s: %s", n.Target, describe(n.HTML, 300))
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n       %s", describe(n.Summary, 400))
		}
	}
	return b.String()
}

// axeRun is the expression that runs axe on the page and keeps what a
// failure message needs.
func axeRun() string {
	tags := `"` + strings.Join(AxeTags, `","`) + `"`
	return `axe.run(document, {runOnly: {type: "tag", values: [` + tags + `]}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html, summary: n.failureSummary || ""}))})))`
}
