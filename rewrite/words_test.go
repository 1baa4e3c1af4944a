package rewrite

import (
	"reflect"
	"testing"
)

// w and op build expected words tersely.
func w(off int, raw, value string) Word { return Word{Offset: off, Raw: raw, Value: value} }
func op(off int, o string) Word         { return Word{Offset: off, Raw: o, Op: o} }

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Word
	}{
		{"plain", "docker build .", []Word{w(0, "docker", "docker"), w(7, "build", "build"), w(13, ".", ".")}},
		{"spaces and tabs", "  a \t b ", []Word{w(2, "a", "a"), w(6, "b", "b")}},
		{"single quotes", `echo 'a b' '$X'`, []Word{w(0, "echo", "echo"), w(5, "'a b'", "a b"), w(11, "'$X'", "$X")}},
		{"double quotes keep expansions", `echo "$A b" "${B}c" "$(x "y")"`, []Word{
			w(0, "echo", "echo"), w(5, `"$A b"`, "$A b"), w(12, `"${B}c"`, "${B}c"), w(20, `"$(x "y")"`, `$(x "y")`)}},
		{"escapes in double quotes", `echo "a\"b\$c\d"`, []Word{w(0, "echo", "echo"), w(5, `"a\"b\$c\d"`, `a"b$c\d`)}},
		{"backslash outside quotes", `echo a\ b \;`, []Word{w(0, "echo", "echo"), w(5, `a\ b`, "a b"), w(10, `\;`, ";")}},
		{"mixed quoting in one word", `--tag="$IMAGE":'latest'`, []Word{w(0, `--tag="$IMAGE":'latest'`, "--tag=$IMAGE:latest")}},
		{"command substitution with spaces", `ID=$(docker create "$IMAGE") x`, []Word{
			w(0, `ID=$(docker create "$IMAGE")`, `ID=$(docker create "$IMAGE")`), w(29, "x", "x")}},
		{"nested substitution and parens", `a $(b $(c) (d)) e`, []Word{w(0, "a", "a"), w(2, "$(b $(c) (d))", "$(b $(c) (d))"), w(16, "e", "e")}},
		{"arithmetic", `echo $((1 + 2))`, []Word{w(0, "echo", "echo"), w(5, "$((1 + 2))", "$((1 + 2))")}},
		{"backquotes", "ID=`docker create x` y", []Word{w(0, "ID=`docker create x`", "ID=`docker create x`"), w(21, "y", "y")}},
		{"braces with spaces", `echo ${A:-a b}`, []Word{w(0, "echo", "echo"), w(5, "${A:-a b}", "${A:-a b}")}},
		{"operators", "a && b || c; d | e & f |& g", []Word{
			w(0, "a", "a"), op(2, "&&"), w(5, "b", "b"), op(7, "||"), w(10, "c", "c"), op(11, ";"), w(13, "d", "d"),
			op(15, "|"), w(17, "e", "e"), op(19, "&"), w(21, "f", "f"), op(23, "|&"), w(26, "g", "g")}},
		{"operators without spaces", "a&&b;c", []Word{w(0, "a", "a"), op(1, "&&"), w(3, "b", "b"), op(4, ";"), w(5, "c", "c")}},
		{"subshell", "(cd x; y)", []Word{op(0, "("), w(1, "cd", "cd"), w(4, "x", "x"), op(5, ";"), w(7, "y", "y"), op(8, ")")}},
		{"redirections and IO numbers", "a > f 2>&1 <in >>log", []Word{
			w(0, "a", "a"), op(2, ">"), w(4, "f", "f"), op(6, "2>&"), w(9, "1", "1"), op(11, "<"), w(12, "in", "in"), op(15, ">>"), w(17, "log", "log")}},
		{"digits that are a word", "echo 2 > f", []Word{w(0, "echo", "echo"), w(5, "2", "2"), op(7, ">"), w(9, "f", "f")}},
		{"here-string", `login <<< "$P"`, []Word{w(0, "login", "login"), op(6, "<<<"), w(10, `"$P"`, "$P")}},
		{"comment", "a b # docker build .", []Word{w(0, "a", "a"), w(2, "b", "b")}},
		{"hash inside a word", "echo a#b", []Word{w(0, "echo", "echo"), w(5, "a#b", "a#b")}},
		{"newline and continuation", "a \\\n b\nc", []Word{w(0, "a", "a"), w(5, "b", "b"), op(6, "\n"), w(7, "c", "c")}},
		{"here-document body skipped", "cat <<EOF\ndocker build .\nEOF\nls", []Word{
			w(0, "cat", "cat"), op(4, "<<"), w(6, "EOF", "EOF"), op(9, "\n"), op(28, "\n"), w(29, "ls", "ls")}},
		{"here-document with tabs", "cat <<-'X'\n\tdocker\n\tX\nls", []Word{
			w(0, "cat", "cat"), op(4, "<<-"), w(7, "'X'", "X"), op(10, "\n"), op(21, "\n"), w(22, "ls", "ls")}},
		{"unterminated quote runs to the end", `echo "a b`, []Word{w(0, "echo", "echo"), {Offset: 5, Raw: `"a b`, Value: "a b", Open: true}}},
		{"unterminated single quote", `echo 'a b`, []Word{w(0, "echo", "echo"), {Offset: 5, Raw: `'a b`, Value: "a b", Open: true}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Words(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestLexSubstitutions(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`ID=$(docker create x)`, []string{"docker create x"}},
		{`echo "$(a) $(b "c")"`, []string{"a", `b "c"`}},
		{"X=`docker ps -q`", []string{"docker ps -q"}},
		{`echo '$(not this)' $((1+2)) ${A}`, nil},
	}
	for _, tt := range tests {
		_, subs := lex(tt.in)
		var got []string
		for _, s := range subs {
			got = append(got, tt.in[s.start:s.end])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("lex(%q) substitutions = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRawFrom(t *testing.T) {
	tests := []struct {
		raw  string
		n    int
		want string
	}{
		{"--tag=$X", 6, "$X"},
		{`--tag="$X:1"`, 6, `"$X:1"`},
		{`"--tag=$X"`, 6, `"$X"`},
		{`'--tag=a b'`, 6, `'a b'`},
		{`-t"$X"`, 2, `"$X"`},
		{`--build-arg=A=\ b`, 12, `A=\ b`},
	}
	for _, tt := range tests {
		word := Words(tt.raw)[0]
		got := rawFrom(word, tt.n)
		if got != tt.want {
			t.Errorf("rawFrom(%s, %d) = %s, want %s", tt.raw, tt.n, got, tt.want)
		}
		if unquote(got) != word.Value[tt.n:] {
			t.Errorf("rawFrom(%s, %d) = %s has value %q, want %q", tt.raw, tt.n, got, unquote(got), word.Value[tt.n:])
		}
	}
}

func TestQuoteHelpers(t *testing.T) {
	keys := [][2]string{
		{`"$IMAGE:1"`, "${IMAGE}:1"},
		{`${IMAGE}:1`, "${IMAGE}:1"},
		{`$CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA`, "${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}"},
		{`$A$B`, "${A}${B}"},
	}
	for _, k := range keys {
		if got := key(k[0]); got != k[1] {
			t.Errorf("key(%s) = %s, want %s", k[0], got, k[1])
		}
	}
	tidies := [][2]string{
		{`"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"`, "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"},
		{`"${IMAGE}:${TAG:-latest}"`, "${IMAGE}:${TAG:-latest}"},
		{`'registry.example.com/app:1'`, "registry.example.com/app:1"},
		{`'$X'`, `'$X'`},
		{`"$X:$(git rev-parse HEAD)"`, `"$X:$(git rev-parse HEAD)"`},
		{`"a b"`, `"a b"`},
		{"app", "app"},
	}
	for _, tt := range tidies {
		if got := tidy(tt[0]); got != tt[1] {
			t.Errorf("tidy(%s) = %s, want %s", tt[0], got, tt[1])
		}
	}
	quotes := [][2]string{{"usr/src/app", "usr/src/app"}, {"a b", `"a b"`}, {`a"b`, `"a\"b"`}, {"", `""`}, {"$DIR/x", "$DIR/x"}}
	for _, tt := range quotes {
		if got := shellQuote(tt[0]); got != tt[1] {
			t.Errorf("shellQuote(%s) = %s, want %s", tt[0], got, tt[1])
		}
	}
}
