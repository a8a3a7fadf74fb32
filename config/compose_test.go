package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"mobilityfund/config"
)

// TestComposeUsesDocumentedVariables parses docker-compose.yml and checks
// that every variable it gives the app is one the app reads, and that
// every variable the app reads has a row in the README's table.
func TestComposeUsesDocumentedVariables(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, v := range config.Variables() {
		known[v.Name] = true
	}

	raw, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	app, ok := compose.Services["app"]
	if !ok || app.Build == nil {
		t.Fatal("docker-compose.yml has no app service built from the Dockerfile")
	}
	if len(app.Environment) == 0 {
		t.Fatal("the app service sets no environment")
	}
	for name := range app.Environment {
		if !known[name] {
			t.Errorf("docker-compose.yml sets %s, which the app does not read", name)
		}
	}
	for _, s := range []string{"postgres", "mailpit", "dex"} {
		if _, ok := compose.Services[s]; !ok {
			t.Errorf("docker-compose.yml has no %s service", s)
		}
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Variables() {
		if !strings.Contains(string(readme), "| `"+v.Name+"` |") {
			t.Errorf("README.md has no row for %s", v.Name)
		}
	}
}
