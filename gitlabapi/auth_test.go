package gitlabapi

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveAuth(t *testing.T) {
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config", "glab-cli")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cfgDir, "config.yml"), []byte("host: gitlab.com\nhosts:\n  gitlab.example.com:\n    token: from-glab\n  example.com/gitlab:\n    token: from-glab-root\n"), 0o600)
	tests := []struct {
		env        map[string]string
		base       string
		token, src string
	}{
		{env: map[string]string{"GITLAB_TOKEN": "a", "GITLAB_ACCESS_TOKEN": "b"}, base: "https://x", token: "a", src: "GITLAB_TOKEN"},
		{env: map[string]string{"GITLAB_ACCESS_TOKEN": "b", "OAUTH_TOKEN": "c"}, base: "https://x", token: "b", src: "GITLAB_ACCESS_TOKEN"},
		{env: map[string]string{"OAUTH_TOKEN": "c"}, base: "https://x", token: "c", src: "OAUTH_TOKEN"},
		{env: map[string]string{"HOME": home}, base: "https://gitlab.example.com", token: "from-glab"},
		{env: map[string]string{"HOME": home}, base: "https://example.com/gitlab", token: "from-glab-root"},
		{env: map[string]string{"HOME": home}, base: "https://other.example.com", token: ""},
		{env: map[string]string{"GLAB_CONFIG_DIR": cfgDir}, base: "https://gitlab.example.com", token: "from-glab"},
	}
	for _, tt := range tests {
		a := ResolveAuth(func(k string) string { return tt.env[k] }, tt.base)
		if a.Token != tt.token || tt.src != "" && a.Source != tt.src {
			t.Errorf("%v %s: token %q from %q, want %q", tt.env, tt.base, a.Token, a.Source, tt.token)
		}
	}
	if b := DefaultBase(func(k string) string {
		return map[string]string{"GL_HOST": "example.com/gitlab/", "CI_SERVER_URL": "https://ci"}[k]
	}); b != "https://example.com/gitlab" {
		t.Errorf("DefaultBase = %q", b)
	}
}
