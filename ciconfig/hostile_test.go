package ciconfig

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func load(t *testing.T, files map[string]string) (*Config, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return LoadFS(fsys, "test", ".gitlab-ci.yml")
}

// A "billion laughs" of merge keys and of script lists: each level doubles
// ten times; followed naively it is 10^9 items.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(".l0: &l0\n  script: [echo a]\n  v0: 1\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, ".l%d: &l%d\n  <<: [", i, i)
		for k := 0; k < 10; k++ {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		fmt.Fprintf(&b, "]\n  v%d: 1\n", i)
	}
	b.WriteString("lists: &s0 [echo x, echo y]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "s%d: &s%d [*s%d, *s%d, *s%d, *s%d, *s%d, *s%d, *s%d, *s%d, *s%d, *s%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("job:\n  <<: *l9\n  script: *s9\n")
	c, err := load(t, map[string]string{".gitlab-ci.yml": b.String()})
	if err != nil {
		t.Fatal(err)
	}
	j := c.Job("job")
	if j == nil || j.Get("v9") == nil || j.Get("v0") == nil {
		t.Fatal("merge keys not applied")
	}
	if n := len(j.Commands()); n > maxCommands {
		t.Errorf("%d commands: the expansion is not bounded", n)
	}
}

func TestDeepNesting(t *testing.T) {
	deep := "job:\n  script: [echo]\n  x: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n" +
		"other:\n  script: [echo]\n  y: " + strings.Repeat("{a: ", 2000) + "1" + strings.Repeat("}", 2000) + "\n"
	c, err := load(t, map[string]string{".gitlab-ci.yml": deep})
	if err != nil {
		// The YAML library refuses absurd nesting: a clear error is fine.
		if _, ok := err.(*SyntaxError); !ok {
			t.Fatalf("not a syntax error: %v", err)
		}
		return
	}
	for _, j := range c.Jobs {
		j.Commands()
	}
}

func TestLoops(t *testing.T) {
	c, err := load(t, map[string]string{
		".gitlab-ci.yml": "include: [a.yml]\na:\n  extends: b\n  script: [echo a]\nb:\n  extends: a\nr:\n  script: [!reference [r, script]]\n",
		"a.yml":          "include: [.gitlab-ci.yml, a.yml]\nfrom-a:\n  script: [echo]\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 2 {
		t.Errorf("files read: %d, want each once", len(c.Files))
	}
	a := c.Job("a")
	if len(a.Problems) == 0 || !strings.Contains(a.Problems[0].Msg, "extends loop") {
		t.Errorf("problems = %+v", a.Problems)
	}
	c.Job("r").Commands() // a !reference to itself ends
}
