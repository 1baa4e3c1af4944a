package relit

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

func required(t testing.TB, src string, min int) []string {
	t.Helper()
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return Required(re.Simplify(), min)
}

func TestRequired(t *testing.T) {
	for _, c := range []struct {
		src  string
		min  int
		want []string
	}{
		{`hello`, 3, []string{"hello"}},
		{`abc`, 4, nil},
		{`abc`, 3, []string{"abc"}},
		{`foo|barbaz`, 3, []string{"foo", "barbaz"}},
		{`foo|barbaz`, 4, nil},
		{`foo|\d+`, 3, nil},
		// The concatenation keeps its best factor: the one whose
		// shortest member is longest.
		{`abc.*defgh\s+(?:ij|klm)`, 3, []string{"defgh"}},
		{`abc.*(?:defgh|ijklm)x*nopq`, 3, []string{"defgh", "ijklm"}},
		// Case folding: the literals are lower case.
		{`(?i)HeLLo wOrld`, 3, []string{"hello world"}},
		{`ERROR: (?i:Denied)`, 3, []string{"error: denied"}},
		// Repetitions that may match nothing give nothing.
		{`(?:abcd){0,3}`, 1, nil},
		{`(?:abcd)*`, 1, nil},
		{`(?:abcd)?`, 1, nil},
		{`(?:abcd)+`, 3, []string{"abcd"}},
		{`(?:abcd){2,5}`, 3, []string{"abcdabcd"}},
		{`x*(?:abcd){0,2}y+`, 1, []string{"y"}},
		// No literal at all.
		{`\d+\s*[a-z]+`, 2, nil},
		{`.*`, 1, nil},
		{`^$`, 1, nil},
		// Short factors side by side are joined, through small classes,
		// optional parts and alternations.
		{`\bgl(?:pat|dt|rt)-\w{8,}`, 3, []string{"glpat-", "gldt-", "glrt-"}},
		{`xox[ab]-`, 3, []string{"xoxa-", "xoxb-"}},
		{`colou?r`, 3, []string{"colour", "color"}},
		{`[Aa]b[Cc]`, 3, []string{"abc"}},
		{`(?:ab|cd)(?:ef|gh)x+`, 3, []string{"abefx", "abghx", "cdefx", "cdghx"}},
		{`[0-9a-z]ab`, 3, nil},
		// Unless they let more text through: one ":ab" beats ten "0:ab"
		// to "9:ab", one "defgh" five "defgh" and a space.
		{`\d+:ab`, 3, []string{":ab"}},
		{`ab:\d+`, 3, []string{"ab:"}},
		// Long members are worth a few more of them: "exit code 137"
		// alone is in every killed process's message.
		{`job failed(?: \(system failure\))?: (?:command terminated with )?exit code 137`, 3, []string{
			"job failed (system failure): command terminated with exit code 137", "job failed (system failure): exit code 137",
			"job failed: command terminated with exit code 137", "job failed: exit code 137"}},
		// A member that holds another adds nothing.
		{`authorization:?`, 3, []string{"authorization"}},
		// Under (?i), k also matches the Kelvin sign, which ASCII
		// lower-casing leaves as it is, and s the long s, which is
		// already lower case: such a position is a set of two, joined
		// with its neighbours, or cut where a single literal is better.
		{`(?i)private-token`, 3, []string{"private-token", "private-to\u212Aen"}},
		{`(?i)secret`, 3, []string{"secret", "\u017Fecret"}},
		{`(?i)sks`, 1, []string{"sks", "sk\u017F", "s\u212As", "s\u212A\u017F", "\u017Fks", "\u017Fk\u017F", "\u017F\u212As", "\u017F\u212A\u017F"}},
		{`(?i)[kx]yz`, 3, []string{"kyz", "xyz", "\u212Ayz"}},
		{`[kx]yz`, 3, []string{"kyz", "xyz"}},
		// So is a non-ASCII letter that has cases, as ASCII lower-casing
		// would not lower É; without (?i) a lower-case one is itself.
		{`Élan vital`, 3, []string{"élan vital", "Élan vital"}},
		{`(?i)ünïcode`, 3, []string{"ünïcode", "ünÏcode", "Ünïcode", "ÜnÏcode"}},
		{`ünïcode`, 3, []string{"ünïcode"}},
		{`日本語`, 3, []string{"日本語"}},
	} {
		if got := required(t, c.src, c.min); !slices.Equal(got, c.want) {
			t.Errorf("Required(%q, %d) = %q, want %q", c.src, c.min, got, c.want)
		}
	}
}

// Joined sets stay small, however many classes stand in a row.
func TestRequiredBounded(t *testing.T) {
	for _, src := range []string{`[ab]{40}`, `[a-d]{30}x`, `(?:a|b|c|d|e|f)(?:a|b|c|d|e|f)(?:a|b|c|d|e|f)`} {
		if got := required(t, src, 1); len(got) > maxSet {
			t.Errorf("%q: %d literals", src, len(got))
		}
	}
}

// soundPatterns are the shapes the soundness test tries: ci-doctor's
// redaction rules and signature-like patterns, with (?i) and non-ASCII.
var soundPatterns = []string{
	`\b(?:glpat|glptt|gldt|glcbt|glrt|glsoat|gloas|glft|glimt|glagent|glwt|glffct|gltst)-[0-9A-Za-z_\-.]{8,}`,
	`\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{30,}|\bgithub_pat_[0-9A-Za-z_]{30,}`,
	`\bxox[abprs]-[0-9A-Za-z\-]{10,}`,
	`\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}`,
	`(?i)((?:private|job|deploy)-token["']?\s*[:=]\s*["']?)[^\s"',;]+`,
	`(?i)(authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token)?\s*)[^\s"',;]+`,
	`([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@"']+:)[^\s@/"']+(@)`,
	`((?:\\?")auth(?:\\?")\s*:\s*(?:\\?"))[A-Za-z0-9+/=]{8,}`,
	`(\b[A-Za-z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|_KEY|APIKEY|API_KEY|PRIVATE_KEY|CREDENTIALS?)\s*[=:]\s*)("[^"$]*"|'[^'$]*'|[^\s"'$;&|]+)`,
	`(?i)no space left on device`,
	`(?i)(?:kill|sig)(?:ed|term|kill)`,
	`[Pp]ermission [Dd]enied|[Oo]peration not permitted`,
	`Élan|(?i)straße`,
	`(?i)σίσυφος`,
}

// soundInputs are texts that match soundPatterns, near misses, and their
// case variants, among them those that only Unicode folding equates.
var soundInputs = []string{
	"glpat-AbCdEf0123456789", "GLPAT-abcdefgh123", "ghp_0123456789abcdefghijABCDEFGHIJ0123",
	"xoxb-0123456789abc", "sk_live_0123456789abcdef", "PRIVATE-TOKEN: abc", "job-token=xyz",
	"Authorization: Bearer abc", "AUTHORIZATION: x", "https://user:pw@host", `"auth":"dXNlcjpwYXNz"`,
	`\"auth\":\"dXNlcjpwYXNz\"`, "+ export CI_REGISTRY_PASSWORD=s3cr3t", "DB_TOKEN='x'",
	"No space left on device", "NO SPACE LEFT ON DEVICE", "killed", "SIGTERM", "Permission denied",
	"operation not permitted", "Élan", "STRASSE", "straße", "ΣΊΣΥΦΟΣ", "σίσυφος", "σίσυφοϲ",
}

// variants returns s with characters swapped for case variants: the ASCII
// other case, and the non-ASCII runes that fold to k, s and σ.
func variants(s string, rng *rand.Rand) []string {
	out := []string{s, strings.ToUpper(s), strings.ToLower(s)}
	swaps := map[rune][]rune{
		'k': {'K', '\u212A'}, 'K': {'k', '\u212A'},
		's': {'S', '\u017F'}, 'S': {'s', '\u017F'},
		'σ': {'Σ', 'ς'}, 'Σ': {'σ', 'ς'},
	}
	for range 8 {
		var b strings.Builder
		for _, r := range s {
			if alts, ok := swaps[r]; ok && rng.IntN(2) == 0 {
				r = alts[rng.IntN(len(alts))]
			} else if rng.IntN(3) == 0 {
				if 'a' <= r && r <= 'z' {
					r -= 'a' - 'A'
				} else if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
			}
			b.WriteRune(r)
		}
		out = append(out, b.String())
	}
	return out
}

func asciiLowerString(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Whenever a pattern matches, the text, lower-cased either way, holds one
// of its literals: a prefilter built on them never skips a match.
func TestRequiredSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := []string{"", " ", "x", "\t", "\n", "é", "\u212A", "\u017F", "K", "—", "\xff"}
	var inputs []string
	for _, in := range soundInputs {
		for _, v := range variants(in, rng) {
			for range 3 {
				inputs = append(inputs, noise[rng.IntN(len(noise))]+v+noise[rng.IntN(len(noise))])
			}
		}
	}
	// Random texts made of pieces of the inputs.
	for range 2000 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			in := soundInputs[rng.IntN(len(soundInputs))]
			i := rng.IntN(len(in) + 1)
			j := i + rng.IntN(len(in)-i+1)
			b.WriteString(in[i:j] + noise[rng.IntN(len(noise))])
		}
		inputs = append(inputs, variants(b.String(), rng)...)
	}
	for _, src := range soundPatterns {
		re := regexp.MustCompile(src)
		for _, min := range []int{1, 3, 4} {
			lits := required(t, src, min)
			if lits == nil {
				continue
			}
			matched := 0
			for _, in := range inputs {
				if !re.MatchString(in) {
					continue
				}
				matched++
				for _, lower := range []string{strings.ToLower(in), asciiLowerString(in)} {
					if !slices.ContainsFunc(lits, func(l string) bool { return strings.Contains(lower, l) }) {
						t.Errorf("%q (min %d) matches %q, whose lower case %q holds none of %q", src, min, in, lower, lits)
					}
				}
			}
			if matched == 0 {
				t.Errorf("%q: no input matches: the test tries nothing", src)
			}
		}
	}
}

// FuzzRequired gives Required any pattern that parses, and any text: it
// must not panic, and when the pattern matches the text, the text
// lower-cased holds one of the literals. Users write signature patterns,
// so every pattern the loader accepts reaches Required.
func FuzzRequired(f *testing.F) {
	for _, p := range soundPatterns {
		f.Add(p, "")
	}
	for i, in := range soundInputs {
		f.Add(soundPatterns[i%len(soundPatterns)], in)
	}
	f.Add(`(?i)s\x{17F}k[^a]|(?:ab|)c{2,3}`, "SSK\u212Aabcc")
	f.Fuzz(func(t *testing.T, src, text string) {
		parsed, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			return
		}
		re, err := regexp.Compile(src)
		if err != nil {
			return
		}
		lits := Required(parsed.Simplify(), 1)
		if lits == nil || !re.MatchString(text) {
			return
		}
		for _, lower := range []string{strings.ToLower(text), asciiLowerString(text)} {
			if !slices.ContainsFunc(lits, func(l string) bool { return strings.Contains(lower, l) }) {
				t.Errorf("%q matches %q, whose lower case %q holds none of %q", src, text, lower, lits)
			}
		}
	})
}
