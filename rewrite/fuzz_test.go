package rewrite

import (
	"strings"
	"testing"
)

// FuzzScript checks what must hold for any input: no panic, every word's
// Raw is the text at its Offset, every command's range is inside the line.
func FuzzScript(f *testing.F) {
	for _, s := range []string{
		`echo "$P" | docker login -u "$U" --password-stdin $R`,
		`ID=$(docker create "$(echo x)") && docker cp $ID:/a/. ./b; docker rm $ID`,
		"docker build -t 'a' --tag=\"$B\" . 2>&1 | tee log # done",
		"cat <<-EOF\n\tdocker\n\tEOF\n(docker pull x || true)",
		"docker run -e=\"A=b\" --rm -it -v `pwd`:/x ${IMG:-node:20} sh -c 'a && b'",
		`if docker info; then docker images | grep x; fi`,
		"\"unterminated $(docker ps '",
		"\\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, w := range Words(line) {
			if w.Offset < 0 || w.Offset+len(w.Raw) > len(line) || line[w.Offset:w.Offset+len(w.Raw)] != w.Raw {
				t.Fatalf("word %+v is not at its offset in %q", w, line)
			}
		}
		for _, c := range DockerCommands(line) {
			if c.Start < 0 || c.Start > c.End || c.End > len(line) {
				t.Fatalf("command %+v is outside %q", c, line)
			}
		}
		for _, lr := range RewriteScript(strings.Split(line, "\n"), nil, nil) {
			if lr.Deleted && lr.New != "" {
				t.Fatalf("line %q: deleted %v with %q", lr.Old, lr.Deleted, lr.New)
			}
		}
		ParseDockerfile([]byte(line))
		NodeMajor(line)
	})
}
