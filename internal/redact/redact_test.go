package redact

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/relit"
)

// Bytes is safe for concurrent use, its first use included: the rules are
// compiled under sync.Once. This test comes first in the
// package so that, under -race, its goroutines are the first users.
func TestConcurrentFirstUse(t *testing.T) {
	var wg sync.WaitGroup
	for _, c := range corpus {
		wg.Go(func() {
			if got := String(c.line); strings.Contains(got, c.secret) {
				t.Errorf("%q: secret left in %q", c.line, got)
			}
		})
	}
	wg.Wait()
}

// corpus lines are what real logs leak; want is what must remain, and
// secret what must be gone.
var corpus = []struct {
	line, secret string
	keep         []string
}{
	{line: "remote: glpat-AbCdEf0123456789xyzW is revoked", secret: "glpat-AbCdEf0123456789xyzW", keep: []string{"is revoked"}},
	{line: "token glrt-t3_AbCdEfGhIjKlMnOpQrSt registered", secret: "glrt-t3_AbCdEfGhIjKlMnOpQrSt"},
	{line: "gldt-Ab12Cd34Ef56Gh78Ij90", secret: "gldt-Ab12Cd34Ef56Gh78Ij90"},
	{line: "glcbt-64_AbCdEfGhIjKlMnOpQrStUv", secret: "glcbt-64_AbCdEfGhIjKlMnOpQrStUv"},
	{line: "glptt-0123456789abcdef0123", secret: "glptt-0123456789abcdef0123"},
	{line: "curl --header 'PRIVATE-TOKEN: s3cr3tvalue123' https://gitlab.example.com/api/v4/projects", secret: "s3cr3tvalue123", keep: []string{"PRIVATE-TOKEN: ", "gitlab.example.com"}},
	{line: "> Authorization: Bearer abc.def.ghi123456", secret: "abc.def.ghi123456", keep: []string{"Authorization: Bearer "}},
	{line: "Authorization: Basic dXNlcjpwYXNzd29yZA==", secret: "dXNlcjpwYXNzd29yZA=="},
	{line: "fatal: unable to access 'https://gitlab-ci-token:hunter2secret@gitlab.example.com/group/app.git/'", secret: "hunter2secret", keep: []string{"gitlab-ci-token:", "@gitlab.example.com/group/app.git"}},
	{line: "$ docker login -u deploy -p Sup3rS3cret registry.example.com", secret: "Sup3rS3cret", keep: []string{"registry.example.com", "-u deploy"}},
	{line: "$ crane auth login -u bot --password 'pa ss' registry.gitlab.com", secret: "pa ss", keep: []string{"registry.gitlab.com"}},
	{line: `echo "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNzd29yZA==\"}}}" > ~/.docker/config.json`, secret: "dXNlcjpwYXNzd29yZA==", keep: []string{"registry.example.com"}},
	{line: `{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNzd29yZA=="}}}`, secret: "dXNlcjpwYXNzd29yZA=="},
	{line: `- echo "{\"auths\":{\"r.example.com\":{\"auth\":\"$(echo -n deploy:Sup3rS3cret | base64)\"}}}"`, secret: "Sup3rS3cret", keep: []string{"deploy:", "r.example.com"}},
	{line: "+ export CI_REGISTRY_PASSWORD=topsecret42", secret: "topsecret42", keep: []string{"CI_REGISTRY_PASSWORD="}},
	{line: "+ DEPLOY_TOKEN='abc123xyz'", secret: "abc123xyz"},
	{line: "++ AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", secret: "wJalrXUtnFEMI/K7MDENG"},
	{line: "key AKIAIOSFODNN7EXAMPLE used", secret: "AKIAIOSFODNN7EXAMPLE"},
	{line: "ghp_0123456789abcdefghijABCDEFGHIJ012345 leaked", secret: "ghp_0123456789abcdefghijABCDEFGHIJ012345"},
	{line: "id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk end", secret: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"},
}

func TestRedactCorpus(t *testing.T) {
	for _, c := range corpus {
		got := String(c.line)
		if strings.Contains(got, c.secret) {
			t.Errorf("%q: secret left in %q", c.line, got)
		}
		if !strings.Contains(got, Mask) {
			t.Errorf("%q: no mask in %q", c.line, got)
		}
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("%q: lost %q: %q", c.line, k, got)
			}
		}
	}
}

// What the diagnoses need stays: hosts, images, variable references.
func TestRedactKeeps(t *testing.T) {
	for _, line := range []string{
		"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?",
		"$ crane auth login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
		"Error response from daemon: Get \"https://registry.example.com/v2/\": unauthorized: HTTP Basic: Access denied",
		"ERROR: failed to solve: registry.gitlab.com/group/app:1.2.3: not found",
		"BUILDKITD_FLAGS: --oci-worker-no-process-sandbox",
		"docker login needs a Docker daemon: use `mkdir -p ~/.docker && echo x`",
		`- echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n $CI_REGISTRY_USER:$CI_REGISTRY_PASSWORD | base64)\"}}}" > ~/.docker/config.json`,
		"variables:\n  CI_REGISTRY_PASSWORD: $SECRET_FROM_VAULT",
		"NODE_MODULE_VERSION 115. This version of Node.js requires",
		"x509: certificate signed by unknown authority",
		"TOKEN_URL=https://auth.example.com/token",
	} {
		if got := String(line); got != line && !strings.HasPrefix(line, "TOKEN_URL") {
			t.Errorf("changed %q to %q", line, got)
		}
	}
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	// A secret split across writes is still caught: lines are whole.
	for _, part := range []string{"token glpat-Ab", "Cd0123456789xyzWvu\nnext ", "line glpat-Zz0123456789abcdefgh"} {
		if _, err := w.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "glpat-") || out.String() != "token "+Mask+"\nnext line "+Mask {
		t.Errorf("got %q", out.String())
	}
}

// The prefilter changes nothing: every text comes out as it does when
// every rule runs, whatever its case, with the runes that only Unicode
// folding equates to ASCII letters (the Kelvin sign, the long s) too.
func TestPrefilterInvisible(t *testing.T) {
	diagnosis, err := os.ReadFile("testdata/diagnosis.txt")
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{string(diagnosis), "", "PRIVATE-TO\u212AEN: s3cr3tvalue", "\u017Fk_live_0123456789abcdefXYZ"}
	for _, c := range corpus {
		texts = append(texts, c.line)
	}
	texts = append(texts, strings.SplitAfter(string(diagnosis), "\n")...)
	fold := strings.NewReplacer("k", "\u212A", "K", "\u212A", "s", "\u017F", "S", "\u017F")
	for _, text := range texts[:len(texts):len(texts)] {
		texts = append(texts, strings.ToUpper(text), strings.ToLower(text), fold.Replace(text))
	}
	for _, text := range texts {
		want := []byte(text)
		for i := range rules {
			want, _ = rules[i].mask(want)
		}
		if got := String(text); got != string(want) {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
	}
	if got := String("PRIVATE-TO\u212AEN: s3cr3tvalue"); strings.Contains(got, "s3cr3tvalue") {
		t.Errorf("the Kelvin sign hid a token from the prefilter: %q", got)
	}
}

// minLiteral is the shortest literal the rules use: three bytes, for "xox",
// "://" and ".eyj"-like shapes.
const minLiteral = 3

// TestLiterals checks each rule's literals against the analysis of its
// expression: the prefilter may skip a rule only on text that no match can
// be in.
func TestLiterals(t *testing.T) {
	for i := range rules {
		r := &rules[i]
		// regexp.Compile parses with syntax.Perl too: these literals are
		// those of the expression that runs.
		parsed, err := syntax.Parse(r.src, syntax.Perl)
		if err != nil {
			t.Fatalf("%s: %v", r.src, err)
		}
		want := relit.Required(parsed.Simplify(), minLiteral)
		if !slices.Equal(slices.Sorted(slices.Values(r.lits)), slices.Sorted(slices.Values(want))) {
			t.Errorf("%s:\nlits: %#v\nwant: %#v", r.src, r.lits, want)
		}
	}
}

// jsonValue holds a text as a key and in values, nested, in an order that
// is not the keys' alphabetical one.
type jsonValue struct {
	Z string         `json:"z"`
	A []string       `json:"a"`
	M map[string]int `json:"m"`
}

// EncodeJSON writes, byte for byte, what encoding the value with each of
// its strings masked writes: valid JSON whatever a mask swallows, the
// layout and the order of the keys kept. The texts are the corpus and what
// a line-based mask of the encoded text got wrong: an escaped quote taken
// for a password, a mask swallowing a closing quote or the backslash
// before one, a string of several lines.
func TestEncodeJSON(t *testing.T) {
	texts := []string{
		`docker login -u x -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY`,
		`docker login -u x -p "secretvalue" registry.example.com`,
		`Authorization: Bearer abc"def123`,
		`+ DEPLOY_TOKEN=abc\def`,
		"first line\ndocker login -p secretvalue r.example.com\n\tlast <&> line \u2028",
		"",
	}
	for _, c := range corpus {
		texts = append(texts, c.line)
	}
	for _, text := range texts {
		var got, want bytes.Buffer
		if err := EncodeJSON(&got, jsonValue{Z: text, A: []string{text, "x\n" + text}, M: map[string]int{text: 1}}); err != nil {
			t.Fatal(err)
		}
		m := String(text)
		if err := encode(&want, jsonValue{Z: m, A: []string{m, String("x\n" + text)}, M: map[string]int{m: 1}}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() || !json.Valid(got.Bytes()) {
			t.Errorf("%q:\ngot  %s\nwant %s", text, got.String(), want.String())
		}
	}
	var out bytes.Buffer
	EncodeJSON(&out, []string{`docker login -p "$CI_REGISTRY_PASSWORD" r`, `docker login -p "secretvalue" r`})
	if !strings.Contains(out.String(), `$CI_REGISTRY_PASSWORD`) || strings.Contains(out.String(), "secretvalue") {
		t.Errorf("got %s", out.String())
	}
}

// A Writer passes a document of EncodeJSON through as it is, after its
// unfinished line, masked.
func TestWriterPassesJSON(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	w.Write([]byte("token glpat-AbCd0123456789xyzWvu "))
	if err := EncodeJSON(w, map[string]string{"text": `docker login -u x -p "$CI_REGISTRY_PASSWORD" r`}); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("glpat-Zz0123456789abcdefgh\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "token " + Mask + " {\n  \"text\": \"docker login -u x -p \\\"$CI_REGISTRY_PASSWORD\\\" r\"\n}\n" + Mask + "\n"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
}
