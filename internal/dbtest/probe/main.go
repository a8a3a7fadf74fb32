// Command probe tells which databases `make test` runs on, before the
// tests start, so that a skipped PostgreSQL is visible at a glance.
package main

import (
	"fmt"
	"os"

	"mobilityfund/internal/dbtest"
)

func main() {
	if _, err := dbtest.PostgresURL(); err != nil {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			fmt.Fprintf(os.Stderr, "Tests need PostgreSQL (REQUIRE_POSTGRES=1): %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("Testing on: SQLite only. PostgreSQL SKIPPED: %v\n", err)
		fmt.Println("  (set TEST_DATABASE_URL or start a server on 127.0.0.1:5432 to include it)")
		return
	}
	fmt.Println("Testing on: SQLite and PostgreSQL")
}
