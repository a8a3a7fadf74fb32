// Command probe tells whether `make test` can run the browser tests, and
// installs axe-core for them (with npm, into a cache directory outside
// the repository), before the tests start, so that skipped browser tests
// are visible at a glance. Under REQUIRE_BROWSER=1 a missing browser or
// axe-core is an error.
package main

import (
	"fmt"
	"os"

	"mobilityfund/internal/browsertest"
)

func main() {
	exe, err := browsertest.Find()
	var axe string
	if err == nil {
		axe, err = browsertest.InstallAxe()
	}
	if err != nil {
		if browsertest.Required() {
			fmt.Fprintf(os.Stderr, "Tests need the browser (REQUIRE_BROWSER=1): %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("\n*** Browser tests SKIPPED: %v ***\n", err)
		fmt.Println("*** (install chromium and npm; REQUIRE_BROWSER=1 makes this a failure) ***")
		fmt.Println()
		return
	}
	fmt.Printf("Browser tests: %s with axe-core %s (%s)\n", exe, browsertest.AxeVersion, axe)
}
