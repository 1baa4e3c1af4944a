package diagnose

import (
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name     string
		lines    []string // fed in order; the last one is checked
		text     string
		section  string
		stream   string
		sections []string // open sections after the last line
	}{
		{name: "plain", lines: []string{"hello world"}, text: "hello world"},
		{name: "timestamp prefix", lines: []string{"2026-11-27T12:54:19.022043Z 01E npm ERR! code 1"}, text: "npm ERR! code 1", stream: "01"},
		{name: "continuation flag", lines: []string{"2026-11-27T12:54:19.022045Z 01O+progress 100%"}, text: "progress 100%", stream: "01"},
		{name: "ansi colours", lines: []string{"\x1b[32;1m$ make test\x1b[0;m"}, text: "$ make test"},
		{name: "osc and erase", lines: []string{"\x1b]0;title\x07\x1b[2Kdone\x1b[0K"}, text: "done"},
		{name: "carriage return progress", lines: []string{"10%\r50%\r100%"}, text: "100%"},
		{name: "colour reset after a Windows line end", lines: []string{"\x1b[0;33mERROR: x509: certificate signed by unknown authority\r\x1b[0;m"}, text: "ERROR: x509: certificate signed by unknown authority"},
		{name: "colours whose ESC a paste lost", lines: []string{"13:43:23 [91mW: GPG error: x[0m"}, text: "W: GPG error: x"},
		{name: "a 256-colour sequence without ESC", lines: []string{"[38;5;196mERROR: x[0m"}, text: "ERROR: x"},
		{name: "the runner's colours without ESC", lines: []string{"[0K[32;1m$ make test[0;m"}, text: "$ make test"},
		{name: "colours written as text", lines: []string{`msg: \u001b[31;1mFATAL: x\u001b[0;m #033[0;m ^[[0m`}, text: "msg: FATAL: x"},
		{name: "brackets that are no colour", lines: []string{"[13m40s elapsed] [287ms] [1min 46s] [5ms] took [1m] a[1m [0K]"}, text: "[13m40s elapsed] [287ms] [1min 46s] [5ms] took [1m] a[1m [0K]"},
		{name: "jenkins' concealed console note", lines: []string{"\x1b[8mha:////4JxeQjDr0nzmEr/fOvuS3ph+AAAA\x1b[0m[Pipeline] sh"}, text: "[Pipeline] sh"},
		{name: "crlf", lines: []string{"windows line\r"}, text: "windows line"},
		{name: "nul and control bytes", lines: []string{"a\x00b\x08c"}, text: "abc"},
		{name: "invalid utf-8", lines: []string{"bad \xff\xfe byte"}, text: "bad \uFFFD byte"},
		{name: "buildkit output prefix", lines: []string{"#12 0.345 npm ERR! missing script: build"}, text: "npm ERR! missing script: build"},
		{name: "buildkit step prefix", lines: []string{"#5 [2/6] RUN npm ci"}, text: "[2/6] RUN npm ci"},
		{name: "buildkit error line", lines: []string{"#5 ERROR: process did not complete"}, text: "ERROR: process did not complete"},
		{name: "not a buildkit prefix", lines: []string{"#include <stdio.h>"}, text: "#include <stdio.h>"},
		{
			name:    "section start, old format with header on the same line",
			lines:   []string{"section_start:1733000000:prepare_executor\r\x1b[0K\x1b[0K\x1b[36;1mPreparing the \"kubernetes\" executor\x1b[0;m\x1b[0;m"},
			text:    `Preparing the "kubernetes" executor`,
			section: "prepare_executor", sections: []string{"prepare_executor"},
		},
		{
			name: "section end and start on one line",
			lines: []string{
				"section_start:1:get_sources\r\x1b[0K",
				"section_end:2:get_sources\r\x1b[0Ksection_start:3:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting \"step_script\" stage of the job script\x1b[0;m",
			},
			text: `Executing "step_script" stage of the job script`, section: "step_script", sections: []string{"step_script"},
		},
		{
			name: "timestamped markers",
			lines: []string{
				"2026-11-27T12:54:19.022035Z 00O section_start:1733000010:step_script\r\x1b[0K",
				"2026-11-27T12:54:19.022039Z 00O+\x1b[0K\x1b[36;1mExecuting \"step_script\" stage of the job script\x1b[0;m\x1b[0;m",
			},
			text: `Executing "step_script" stage of the job script`, section: "step_script", stream: "00", sections: []string{"step_script"},
		},
		{
			name: "user section with options nested in step_script",
			lines: []string{
				"section_start:1:step_script\r\x1b[0K",
				"\x1b[0Ksection_start:2:my_tests[collapsed=true]\r\x1b[0KRunning tests",
			},
			text: "Running tests", section: "step_script", sections: []string{"step_script", "my_tests"},
		},
		{
			name:  "closing an outer section closes the inner ones",
			lines: []string{"section_start:1:step_script\r\x1b[0K", "section_start:2:inner\r\x1b[0K", "section_end:3:step_script\r\x1b[0K"},
			text:  "", section: "", sections: nil,
		},
		{
			// A trace pasted without its escapes (round 191's Robot
			// Framework job): each marker is left alone on its line.
			name: "markers whose escapes a paste dropped",
			lines: []string{
				"2026-07-06T13:59:51.646991Z 00O section_end:1783346391:step_script",
				"2026-07-06T13:59:51.650498Z 00O+section_start:1783346391:upload_artifacts_on_failure",
			},
			text: "", section: "upload_artifacts_on_failure", stream: "00", sections: []string{"upload_artifacts_on_failure"},
		},
		{name: "a marker's words inside a sentence", lines: []string{"see section_start:1:x for details"}, text: "see section_start:1:x for details"},
		{
			// As runner 18.7 writes it: the timestamper flushes at the '\r',
			// so the marker's "\e[0K" opens the continuation line.
			name: "timestamped marker split at its carriage return",
			lines: []string{
				"2026-01-21T09:47:05.094269Z 00O section_start:1768988825:prepare_executor\r",
				"2026-01-21T09:47:05.094270Z 00O+\x1b[0K\x1b[0K\x1b[36;1mPreparing the \"docker+machine\" executor\x1b[0;m\x1b[0;m",
			},
			text: `Preparing the "docker+machine" executor`, section: "prepare_executor", stream: "00", sections: []string{"prepare_executor"},
		},
		{
			name:  "an echoed marker is text, not a section",
			lines: []string{`echo section_start:1:foo`},
			text:  "echo section_start:1:foo",
		},
		{
			name:  "an end for a section never opened is ignored",
			lines: []string{"section_start:1:step_script\r\x1b[0K", "section_end:2:nope\r\x1b[0K"},
			text:  "", section: "step_script", sections: []string{"step_script"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n normalizer
			var l Line
			for i, raw := range tt.lines {
				n.normalize([]byte(raw), i+1, &l)
			}
			if string(l.Text) != tt.text {
				t.Errorf("text = %q, want %q", l.Text, tt.text)
			}
			if l.Section != tt.section {
				t.Errorf("section = %q, want %q", l.Section, tt.section)
			}
			if l.Stream != tt.stream {
				t.Errorf("stream = %q, want %q", l.Stream, tt.stream)
			}
			if len(n.sections) != len(tt.sections) {
				t.Fatalf("open sections = %q, want %q", n.sections, tt.sections)
			}
			for i := range tt.sections {
				if n.sections[i] != tt.sections[i] {
					t.Errorf("open sections = %q, want %q", n.sections, tt.sections)
				}
			}
		})
	}
}

func TestNormalizeDoesNotAllocate(t *testing.T) {
	var n normalizer
	var l Line
	raw := []byte("2026-11-27T12:54:19.022043Z 01E \x1b[31;1mCannot connect to the Docker daemon at unix:///var/run/docker.sock\x1b[0;m")
	n.normalize(raw, 1, &l) // grows the buffer once
	if allocs := testing.AllocsPerRun(100, func() { n.normalize(raw, 1, &l) }); allocs != 0 {
		t.Errorf("normalize allocates %.0f times per line, want 0", allocs)
	}
}

func TestStreamNameEveryHexPair(t *testing.T) {
	const hex = "0123456789abcdef"
	for i := range len(hex) {
		for j := range len(hex) {
			if got, want := streamName(hex[i], hex[j]), string([]byte{hex[i], hex[j]}); got != want {
				t.Errorf("streamName(%q, %q) = %q", hex[i], hex[j], got)
			}
		}
	}
}

// TestForSignatures checks what the signatures see of a line: the message
// without an indentation or a TAP harness's "# " and the prefixes behind it,
// with the column still pointing into the line as printed.
func TestForSignatures(t *testing.T) {
	tests := []struct {
		in, want string
		indent   int
	}{
		{"    Killed", "Killed", 4},
		{"# FATA[0001] Error starting daemon: failed to create NAT chain", "Error starting daemon: failed to create NAT chain", 13},
		{"#  (exit status 1)", " (exit status 1)", 2},
		{"no prefix", "no prefix", 0},
	}
	for _, tt := range tests {
		var n normalizer
		var l Line
		n.normalize([]byte(tt.in), 1, &l)
		l.forSignatures()
		if string(l.Text) != tt.want || l.Indent != tt.indent {
			t.Errorf("%q: got %q at %d, want %q at %d", tt.in, l.Text, l.Indent, tt.want, tt.indent)
		}
	}
}
