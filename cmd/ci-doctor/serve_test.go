package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"GITLAB_HOST": "http://127.0.0.1:1", "GITLAB_TOKEN": "glpat-x",
		"CI_DOCTOR_WEBHOOK_SECRET": "s", "CI_DOCTOR_DB": filepath.Join(dir, "fleet.db")}
	without := func(k string) map[string]string {
		out := map[string]string{}
		for key, v := range env {
			if key != k {
				out[key] = v
			}
		}
		return out
	}
	for _, tt := range []struct {
		env  map[string]string
		args []string
		code int
		msg  string
	}{
		{without("CI_DOCTOR_WEBHOOK_SECRET"), nil, exitUsage, "no webhook secret"},
		{env, []string{"--listen", ":8080"}, exitUsage, "reachable from other hosts"},
		{env, []string{"--listen", "0.0.0.0:8080"}, exitUsage, "CI_DOCTOR_DASHBOARD_TOKEN"},
		{env, []string{"--log-format", "xml"}, exitUsage, "--log-format"},
		{env, []string{"--workers", "0"}, exitUsage, "--workers"},
		{without("GITLAB_HOST"), nil, exitUsage, "GITLAB_HOST"},
		{without("GITLAB_TOKEN"), nil, exitInput, "no GitLab token"},
		{env, []string{"--secret-file", filepath.Join(dir, "missing")}, exitInput, "reading a secret"},
		{env, []string{"--db", "mysql://x"}, exitInput, "the store"},
		{env, []string{"--listen", "127.0.0.1:99999"}, exitInput, "--listen"},
	} {
		code, _, errOut := runWith(t, tt.env, append([]string{"serve"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) {
			t.Errorf("serve %v: exit %d, %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.msg)
		}
	}
}

func TestLoopback(t *testing.T) {
	for listen, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:8080": true,
		":8080": false, "0.0.0.0:8080": false, "10.0.0.5:8080": false, "nonsense": false} {
		if got := loopback(listen); got != want {
			t.Errorf("loopback(%q) = %v, want %v", listen, got, want)
		}
	}
}

// TestKubernetesManifestMatchesTheCommand parses deploy/kubernetes.yaml's
// command line with serve's own flags, so that the example cannot drift
// from the program.
func TestKubernetesManifestMatchesTheCommand(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	found := false
	for {
		var doc struct {
			Kind string `yaml:"kind"`
			Spec struct {
				Template struct {
					Spec struct {
						Containers []struct {
							Command []string `yaml:"command"`
							Args    []string `yaml:"args"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if doc.Kind != "Deployment" {
			continue
		}
		c := doc.Spec.Template.Spec.Containers[0]
		if strings.Join(c.Command, " ") != "ci-doctor serve" {
			t.Errorf("command %v, want ci-doctor serve", c.Command)
		}
		ios, _, _, _ := iostreams.Test()
		cmd := newServeCmd(ios, &globalOptions{})
		if err := cmd.ParseFlags(c.Args); err != nil {
			t.Errorf("the manifest's args %v: %v", c.Args, err)
		}
		found = true
	}
	if !found {
		t.Error("no Deployment in deploy/kubernetes.yaml")
	}
}
