package serve_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// payload loads a real example payload and sets fields on it: dotted keys
// reach into objects ("repository.homepage").
func payload(t testing.TB, name string, set map[string]any) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for key, v := range set {
		obj := m
		for {
			head, rest, nested := cut(key)
			if !nested {
				obj[head] = v
				break
			}
			next, _ := obj[head].(map[string]any)
			if next == nil {
				next = map[string]any{}
				obj[head] = next
			}
			obj, key = next, rest
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cut(key string) (string, string, bool) {
	for i := range key {
		if key[i] == '.' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// jobHook is a Job Hook event of a job of a project of the fake GitLab.
func jobHook(t testing.TB, base string, project int64, path string, job int64, status string) []byte {
	return payload(t, "job.json", map[string]any{
		"build_id": job, "project_id": project, "build_status": status, "build_name": "build", "build_stage": "build",
		"build_failure_reason": "script_failure", "pipeline_id": job * 10, "sha": sha, "ref": "main",
		"repository.homepage": base + "/" + path, "build_finished_at": time.Now().UTC().Format("2006-01-02 15:04:05 UTC"),
	})
}
