package diagnose

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ci-doctor/ci-doctor/bench/loggen"
	"github.com/ci-doctor/ci-doctor/bench/siggen"
	"github.com/ci-doctor/ci-doctor/signatures"
)

func genLog(tb testing.TB, size int64, timestamps bool) []byte {
	return writeLog(tb, loggen.Options{Size: size, Timestamps: timestamps, Failure: loggen.DefaultFailure})
}

// writeLog returns the log that loggen writes with opts.
func writeLog(tb testing.TB, opts loggen.Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := loggen.Write(&buf, opts); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// benchDiagnose measures whole diagnoses of log: MB/s, and allocations per
// log, which must not grow with its number of lines.
func benchDiagnose(b *testing.B, m *Matcher, log []byte) {
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := m.Diagnose(bytes.NewReader(log), "bench.log")
		if err != nil || r.RootCause() == nil {
			b.Fatalf("%v %+v", err, r)
		}
	}
}

// BenchmarkDiagnose measures a whole diagnosis of generated logs with the
// built-in database. allocs/op is the same for 4 and 32 MiB: nothing is
// allocated per line.
func BenchmarkDiagnose(b *testing.B) {
	m := builtinMatcher(b)
	for _, size := range []int64{4 << 20, 32 << 20} {
		for _, ts := range []bool{true, false} {
			log := genLog(b, size, ts)
			b.Run(fmt.Sprintf("%dMiB/timestamps=%v", size>>20, ts), func(b *testing.B) { benchDiagnose(b, m, log) })
		}
	}
}

// BenchmarkDiagnoseManySignatures measures the same diagnosis with the
// built-in database and ten variants of each of its signatures (see
// bench/siggen): the prefilter's cost must not grow with the database.
func BenchmarkDiagnoseManySignatures(b *testing.B) {
	sigs, err := siggen.Signatures(10)
	if err != nil {
		b.Fatal(err)
	}
	m, err := Compile(sigs)
	if err != nil {
		b.Fatal(err)
	}
	log := genLog(b, 32<<20, true)
	b.Run(fmt.Sprintf("%dsignatures/32MiB", len(sigs)), func(b *testing.B) { benchDiagnose(b, m, log) })
}

// BenchmarkCompile measures loading and compiling the built-in database,
// which every diagnose run pays once, and compiling alone.
func BenchmarkCompile(b *testing.B) {
	b.Run("load+compile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			builtinMatcher(b)
		}
	})
	many, err := siggen.Signatures(10)
	if err != nil {
		b.Fatal(err)
	}
	for _, db := range []struct {
		name string
		sigs []*signatures.Signature
	}{{"compile", signatures.Builtin()}, {fmt.Sprintf("compile/%dsignatures", len(many)), many}} {
		b.Run(db.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compile(db.sigs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The fast paths that the benchmarks measure must give the answers of the
// simple ones. These tests check that on inputs built to hit their edges.

// naiveHits finds every literal in text by trying each one at each offset.
func naiveHits(lits [][]byte, text []byte) []litHit {
	var hits []litHit
	for end := 1; end <= len(text); end++ {
		var at []litHit
		for id, l := range lits {
			if start := end - len(l); start >= 0 && bytes.Equal(asciiLower(text[start:end]), l) {
				at = append(at, litHit{lit: id, start: start, end: end})
			}
		}
		// Longest first at one end, then by id: as appendAll orders them.
		slices.SortStableFunc(at, func(a, b litHit) int { return a.start - b.start })
		hits = append(hits, at...)
	}
	return hits
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = toLower[c]
	}
	return out
}

// TestRarestWindow checks that a literal's grams are taken where they are
// rarest: away from a common word, at the end of the literal as at its
// start, whatever the stride.
func TestRarestWindow(t *testing.T) {
	for _, tt := range []struct {
		lit    string
		stride int
		want   int
	}{
		{"https://zqxj", 1, 8}, // past the common "https://"
		{"zqxjdocker", 2, 0},   // before the common "docker"
		{"error: zqxj", 4, 4},  // the window that ends on the last gram
		{"abcd", 1, 0},         // one gram, one window
	} {
		if got := rarestWindow([]byte(tt.lit), tt.stride); got != tt.want {
			t.Errorf("rarestWindow(%q, %d) = %d, want %d", tt.lit, tt.stride, got, tt.want)
		}
	}
}

func TestLiteralSetFindsWhatNaiveSearchFinds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"docker", "daemon", "Cannot", "connect", "$ ", "section_", "oomkilled", "killed", " not found", "https://", "ÉTé", "x509"}
	for round := range 300 {
		// A few literals, some overlapping, some short.
		var strs []string
		for range 1 + rng.IntN(6) {
			w := words[rng.IntN(len(words))]
			if rng.IntN(3) == 0 && len(w) > 4 {
				w = w[rng.IntN(2):]
			}
			strs = append(strs, strings.ToLower(w))
		}
		ls := newLiteralSet(strs)
		var text []byte
		for range rng.IntN(40) {
			w := []byte(words[rng.IntN(len(words))])
			for i := range w {
				if rng.IntN(2) == 0 && w[i] >= 'a' && w[i] <= 'z' {
					w[i] -= 'a' - 'A'
				}
			}
			text = append(text, w...)
			text = append(text, " \n:x"[rng.IntN(4)])
		}
		got := ls.appendAll(nil, text)
		want := naiveHits(ls.lits, text)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: literals %q in %q:\n got %v\nwant %v", round, strs, text, got, want)
		}
		// first finds a literal in the first line that holds one.
		firstLine := -1
		for _, h := range want {
			if ls.short == nil || !slices.Contains(ls.short, h.lit) {
				if l := bytes.Count(text[:h.start], []byte("\n")); firstLine < 0 || l < firstLine {
					firstLine = l
				}
			}
		}
		p := ls.first(text, 0)
		if gotLine := -1; p >= 0 {
			gotLine = bytes.Count(text[:p], []byte("\n"))
			if gotLine != firstLine {
				t.Fatalf("round %d: first at line %d, want %d (%q in %q)", round, gotLine, firstLine, strs, text)
			}
		} else if firstLine >= 0 {
			t.Fatalf("round %d: first found nothing, want line %d", round, firstLine)
		}
	}
}

// TestGuardsNeverReject runs every pattern of the built-in and a synthetic
// database over lines that match it, in mixed case and with the Unicode
// case variants RE2 folds (the Kelvin sign, the long s): a guard that
// rejected one of them would hide a finding.
func TestGuardsNeverReject(t *testing.T) {
	sigs, err := siggen.Signatures(2)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range sigs {
		for _, ex := range s.Examples.Match {
			for _, l := range strings.Split(ex, "\n") {
				lines = append(lines, l, strings.ToUpper(l), strings.ToLower(l),
					strings.NewReplacer("k", "\u212a", "s", "\u017f").Replace(l))
			}
		}
	}
	var folded foldedLine
	checked := 0
	for _, s := range sigs {
		for _, role := range []signatures.Role{signatures.RoleTrigger, signatures.RoleRequire, signatures.RoleCapture, signatures.RoleUnless} {
			for _, p := range s.PatternsOf(role) {
				g := guardOf(p.Source)
				for _, l := range lines {
					folded.reset([]byte(l))
					if p.Regexp().MatchString(l) {
						checked++
						if !g.admits(&folded) {
							t.Errorf("%s: guard of %q rejects %q", s.ID, p.Source, l)
						}
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d matching lines checked", checked)
	}
}

// chunkReader hands over n bytes at a time, as a pipe does.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// TestReadersAgree diagnoses one log through readers that cut it
// differently, with failures at the edges of the scan's regions: the
// reports must be the same, context lines included.
func TestReadersAgree(t *testing.T) {
	m := builtinMatcher(t)
	log := genLog(t, firstChunk, true)
	log = log[:bytes.LastIndexByte(log[:firstChunk-150], '\n')+1]
	log = append(log, bytes.Repeat([]byte("."), firstChunk-100-len(log)-1)...)
	log = append(log, '\n')
	// This line straddles the first region's end: it starts the second.
	log = append(log, "ERROR: failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/rust/manifests/sha256:de6e: 429 Too Many Requests - Server message: toomanyrequests\n"...)
	// Past growAfter the buffer grows to chunkSize; the log goes on beyond.
	log = append(log, genLog(t, growAfter+3*chunkSize, false)...)
	want, err := m.Diagnose(bytes.NewReader(log), "log")
	if err != nil {
		t.Fatal(err)
	}
	var rate *Finding
	for i := range want.Findings {
		if want.Findings[i].ID == "image-pull-rate-limited" {
			rate = &want.Findings[i]
		}
	}
	if rate == nil || len(rate.Evidence) < 3 {
		t.Fatalf("rate limit finding with its context lines missing: %+v", want.Findings)
	}
	for name, r := range map[string]io.Reader{
		"pipe":     &chunkReader{bytes.NewReader(log), 64 << 10},
		"half":     iotest.HalfReader(bytes.NewReader(log)),
		"odd":      &chunkReader{bytes.NewReader(log), 4093},
		"one byte": iotest.OneByteReader(bytes.NewReader(log)),
	} {
		got, err := m.Diagnose(r, "log")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: report differs:\n got %+v\nwant %+v", name, got, want)
		}
	}
}
