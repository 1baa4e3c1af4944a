// Package loggen writes realistic GitLab CI job logs of any size, for
// benchmarks: the runner's header and sections, colours, carriage-return
// progress, BuildKit and npm noise, and one failure near the end, in the
// runner 18.7+ timestamped form or the older one.
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// Options says what log to write.
type Options struct {
	// Size is the approximate size in bytes; the log ends with its
	// failure and final lines once Size is reached.
	Size int64
	// Timestamps adds the runner 18.7+ 32-byte prefix to every line.
	Timestamps bool
	// Failure is the error line written near the end (a real tool's
	// message). Empty writes a job that succeeds.
	Failure string
}

// CIConfig is the .gitlab-ci.yml of the project whose job Write logs: the
// build job runs the script the log echoes. With it, a diagnosis also
// finds the job and the lines to change, as in after_script.
const CIConfig = `stages: [build, deploy]

default:
  image: node:20
  tags: [k8s]

variables:
  NODE_ENV: production

build:
  stage: build
  script:
    - npm ci && npm run build && npm test
    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .
  artifacts:
    paths: [dist/]

deploy:
  stage: deploy
  image: bitnami/kubectl:1.31
  script:
    - kubectl set image deployment/shop web="$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
  environment: production
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
`

// DefaultFailure is the Docker CLI's message when no daemon is reachable.
const DefaultFailure = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"

// noise is the body of a build: npm, BuildKit and test output as the real
// tools print it, none of it an error. Each entry takes two numbers.
var noise = []string{
	"#%[1]d [build 4/9] RUN npm ci --no-audit --no-fund",
	"#%d 2.%03d npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
	"#%d 9.%03d added 1287 packages in 9s",
	"#%d DONE 11.%03ds",
	"#%[1]d [build 5/9] COPY . .",
	"#%d 0.%03d > app@1.4.2 build",
	"#%d 0.%03d > vite build",
	"#%d 3.%03d ✓ 412 modules transformed.",
	"#%d 3.%03d dist/assets/index-4f9c1b2e.js   187.31 kB │ gzip: 61.02 kB",
	"  \x1b[32m✓\x1b[39m src/components/Button.test.tsx \x1b[2m(%d tests)\x1b[22m \x1b[33m%dms\x1b[39m",
	"  \x1b[32m✓\x1b[39m returns the cart total with %d items (%d ms)",
	"Downloading https://registry.npmjs.org/@babel/core/-/core-7.26.%d.tgz (%d kB)",
	"\x1b[0K\x1b[36;1mrunning test suite %d of %d\x1b[0;m",
}

// Write writes one log to w.
func Write(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	g := &gen{w: bw, ts: o.Timestamps, t: time.Date(2026, 11, 27, 12, 54, 19, 22018000, time.UTC)}
	g.header()
	g.section("step_script", `Executing "step_script" stage of the job script`)
	g.line("01", "\x1b[32;1m$ npm ci && npm run build && npm test\x1b[0;m")
	for i := 0; g.n < o.Size; i++ {
		if i%50 == 0 {
			// Progress that a terminal overwrites in place.
			g.raw("01", fmt.Sprintf("progress [%-20s] %d%%\r", "=====", i%100), false)
			g.raw("01", fmt.Sprintf("progress [%-20s] 100%%", "===================="), true)
			continue
		}
		g.line("01", fmt.Sprintf(noise[i%len(noise)], i%97, i%1000))
	}
	if o.Failure != "" {
		g.line("01", "\x1b[32;1m$ docker build -t \"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\" .\x1b[0;m")
		g.line("01", o.Failure)
	}
	g.end("step_script")
	g.section("cleanup_file_variables", "Cleaning up project directory and file based variables")
	g.end("cleanup_file_variables")
	if o.Failure != "" {
		g.line("00", "\x1b[31;1mERROR: Job failed: command terminated with exit code 1\x1b[0;m")
	} else {
		g.line("00", "\x1b[32;1mJob succeeded\x1b[0;m")
	}
	return bw.Flush()
}

type gen struct {
	w  *bufio.Writer
	ts bool
	t  time.Time
	n  int64
	// cont is set after a write that ended in '\r': the runner marks the
	// next line as its continuation.
	cont bool
	sec  int64
}

func (g *gen) header() {
	g.line("00", "\x1b[0KRunning with gitlab-runner 18.7.0 (07e534ba)\x1b[0;m")
	g.line("00", "\x1b[0K  on k8s-runner-7d9c5b-x2x7q t3_Hx9sQ, system ID: r_4XjLwq9Tz1vM\x1b[0;m")
	g.section("prepare_executor", `Preparing the "kubernetes" executor`)
	g.line("00", "\x1b[0KUsing Kubernetes namespace: gitlab-runner\x1b[0;m")
	g.line("00", "\x1b[0KUsing Kubernetes executor with image node:20 ...\x1b[0;m")
	g.end("prepare_executor")
	g.section("get_sources", "Getting source from Git repository")
	g.line("00", "\x1b[32;1mFetching changes with git depth set to 20...\x1b[0;m")
	g.end("get_sources")
}

func (g *gen) section(name, title string) {
	g.sec++
	marker := fmt.Sprintf("section_start:%d:%s\r\x1b[0K", 1764248059+g.sec, name)
	header := "\x1b[0K\x1b[36;1m" + title + "\x1b[0;m\x1b[0;m"
	if g.ts {
		g.raw("00", marker, false)
		g.raw("00", header, true)
		return
	}
	g.raw("00", marker+header, true)
}

func (g *gen) end(name string) {
	g.sec++
	g.raw("00", fmt.Sprintf("section_end:%d:%s\r\x1b[0K", 1764248059+g.sec, name), true)
}

func (g *gen) line(stream, text string) { g.raw(stream, text, true) }

// raw writes text; newline false leaves the line open for an overwrite,
// as a progress bar does (the timestamped form flushes it as a line).
func (g *gen) raw(stream, text string, newline bool) {
	if g.ts {
		g.t = g.t.Add(1731 * time.Microsecond)
		flag := byte(' ')
		if g.cont {
			flag = '+'
		}
		p := fmt.Sprintf("%s %sO%c", g.t.Format("2006-01-02T15:04:05.000000Z"), stream, flag)
		g.write(p)
		g.cont = !newline
		newline = true
	}
	g.write(text)
	if newline {
		g.write("\n")
	}
}

func (g *gen) write(s string) {
	n, _ := g.w.WriteString(s)
	g.n += int64(n)
}
