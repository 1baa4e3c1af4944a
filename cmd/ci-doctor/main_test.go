package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ci-doctor": func() { os.Exit(run(iostreams.System(), os.Args[1:])) },
	})
}

// TestScripts runs the end-to-end tests in testdata/script/*.txtar: the
// real binary's behaviour, from arguments and stdin to output and exit code.
// $LOGS and $PROJECTS are the repository's testdata/logs and
// testdata/projects folders.
func TestScripts(t *testing.T) {
	logs, err := filepath.Abs("../../testdata/logs")
	if err != nil {
		t.Fatal(err)
	}
	projects, err := filepath.Abs("../../testdata/projects")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("LOGS", logs)
			env.Setenv("PROJECTS", projects)
			env.Setenv("NO_COLOR", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"genlog": genlog,
		},
	})
}

// genlog writes big inputs that do not belong in the repository:
// "genlog FILE longline MiB" writes one line of that many MiB,
// "genlog FILE lines N" writes N short lines and a Docker daemon error.
func genlog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: genlog FILE longline|lines N")
	}
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	var b bytes.Buffer
	switch args[1] {
	case "longline":
		b.WriteString("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
		b.Write(bytes.Repeat([]byte("x"), n<<20))
		b.WriteString("\nERROR: Job failed: exit code 1\n")
	case "lines":
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "line %d\n", i)
		}
		b.WriteString("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
	default:
		ts.Fatalf("genlog: unknown kind %q", args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b.Bytes(), 0o644))
}

// TestNoLogOnATerminal checks that diagnose with no argument does not wait
// for a person to type a log.
func TestNoLogOnATerminal(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	ios.InTTY = true
	if code := run(ios, []string{"diagnose"}); code != exitUsage {
		t.Errorf("exit code = %d, want %d", code, exitUsage)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "no log given") || !strings.Contains(errOut.String(), "Usage:") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}

// TestColor checks when the text output is coloured.
func TestColor(t *testing.T) {
	log := "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
	for _, tt := range []struct {
		tty     bool
		noColor string
		flag    string
		want    bool
	}{
		{tty: false, flag: "auto", want: false},
		{tty: true, flag: "auto", want: true},
		{tty: true, noColor: "1", flag: "auto", want: false},
		{tty: false, flag: "always", want: true},
		{tty: true, flag: "never", want: false},
	} {
		ios, in, out, _ := iostreams.Test()
		ios.OutTTY = tt.tty
		env := map[string]string{"NO_COLOR": tt.noColor}
		ios.Getenv = func(k string) string { return env[k] }
		in.WriteString(log)
		if code := run(ios, []string{"diagnose", "--color", tt.flag}); code != 0 {
			t.Fatalf("exit code %d", code)
		}
		if got := strings.Contains(out.String(), "\x1b["); got != tt.want {
			t.Errorf("tty=%v NO_COLOR=%q --color %s: coloured = %v, want %v", tt.tty, tt.noColor, tt.flag, got, tt.want)
		}
	}
}

// TestExitCodes checks the documented exit codes, decided in exit.go.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean := write("clean.yml", "test:\n  script:\n    - go test ./...\n")
	dirty := write("dirty.yml", "build:\n  services: [docker:dind]\n  script:\n    - make\n")
	broken := write("broken.yml", "build: [\n")
	log := write("job.log", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
	unknown := write("other.log", "something else went wrong\n")
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"diagnose", log}, exitOK},
		{[]string{"diagnose", unknown}, exitOK},
		{[]string{"diagnose", filepath.Join(dir, "missing.log")}, exitInput},
		{[]string{"diagnose", dir}, exitInput},
		{[]string{"diagnose", "--format", "yaml", log}, exitUsage},
		{[]string{"lint", "--root", dir, clean}, exitOK},
		{[]string{"lint", "--root", dir, dirty}, exitFailures},
		{[]string{"lint", "--root", dir, broken}, exitInput},
		{[]string{"lint", "--root", dir, filepath.Join(dir, "missing.yml")}, exitInput},
		{[]string{"lint", "--bogus"}, exitUsage},
		{[]string{"explain", "qqqzzz"}, exitFailures},
		{[]string{"signatures", "test"}, exitOK},
		{[]string{"nonsense"}, exitUsage},
	} {
		ios, _, _, _ := iostreams.Test()
		if got := run(ios, tt.args); got != tt.want {
			t.Errorf("ci-doctor %s: exit %d, want %d", strings.Join(tt.args, " "), got, tt.want)
		}
	}
}

// TestUnreadableInput reads a file whose every read fails (as root, a
// chmod 000 file would still be readable): exit 3, one clear line.
func TestUnreadableInput(t *testing.T) {
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Skip("needs Linux's /proc/self/mem")
	}
	ios, _, _, errOut := iostreams.Test()
	if code := run(ios, []string{"diagnose", "/proc/self/mem"}); code != exitInput || !strings.Contains(errOut.String(), "reading /proc/self/mem: input/output error") {
		t.Errorf("exit %d: %q", code, errOut)
	}
}
