package serve_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// serveProc is one `ci-doctor serve` of the load test: a process that can
// be SIGKILLed and started again on the same port and store. Each run logs
// JSON to a file of its own.
type serveProc struct {
	t    *testing.T
	name string
	addr string // 127.0.0.1:port, kept across restarts
	bin  string
	args []string
	env  []string
	dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the current run exits
	err  error         // how it exited, set before done closes
	logs []string      // one file per run
}

// newServeProc starts `bin serve` over dsn against the fake GitLab at
// gitlabURL, on a free loopback port, and waits until it is ready.
func newServeProc(t *testing.T, bin, dir, name, dsn, gitlabURL string) *serveProc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &serveProc{t: t, name: name, addr: addr, bin: bin, dir: dir,
		args: []string{"serve", "--listen", addr, "--db", dsn, "--workers", fmt.Sprint(loadWorkers),
			"--lease", "5s", "--grace", "5s", "--log-format", "json"},
		// Only what serve needs, so that no GITLAB_TOKEN or CI_JOB_TOKEN
		// of the person running the test reaches it.
		env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "GITLAB_HOST=" + gitlabURL,
			"GITLAB_TOKEN=" + loadToken, "CI_DOCTOR_WEBHOOK_SECRET=" + secret},
	}
	t.Cleanup(func() {
		if p.cmd != nil && p.running() {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	if err := p.restart(); err != nil {
		t.Fatal(err)
	}
	return p
}

// url is where the process answers.
func (p *serveProc) url() string { return "http://" + p.addr }

// restart runs the process once more, logging to a new file, and waits
// until it is ready. It may run outside the test's goroutine.
func (p *serveProc) restart() error {
	logPath := filepath.Join(p.dir, fmt.Sprintf("serve-%s-%d.log", p.name, len(p.logs)+1))
	f, err := os.Create(logPath)
	if err != nil {
		return err
	}
	p.logs = append(p.logs, logPath)
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = p.env, f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("starting %s: %v", p.bin, err)
	}
	done := make(chan struct{})
	go func() { p.err = cmd.Wait(); f.Close(); close(done) }()
	p.cmd, p.done = cmd, done
	return p.waitReady(30 * time.Second)
}

// running says whether the current run has not exited.
func (p *serveProc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// waitReady polls GET /readyz until it answers 200.
func (p *serveProc) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(p.url() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if !p.running() {
			return fmt.Errorf("serve %s exited before it was ready; its log: %s", p.name, p.logs[len(p.logs)-1])
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("serve %s not ready after %s: %v", p.name, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to die.
func (p *serveProc) kill() {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Errorf("SIGKILL to serve %s: %v", p.name, err)
	}
	<-p.done
}

// stop sends SIGTERM and waits for a clean exit.
func (p *serveProc) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			p.t.Errorf("serve %s did not exit cleanly on SIGTERM: %v (log %s)", p.name, p.err, p.logs[len(p.logs)-1])
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("serve %s still running 30 s after SIGTERM: killed", p.name)
	}
}

// serveLogs is what the JSON logs of every run of every process say.
type serveLogs struct {
	diagnosed map[int64]int // "diagnosed" lines per job
	lines     int
	// retaken counts the diagnoses made on a job's second lease or later:
	// after the killed process's lease expired.
	retaken int
	errors  []string // the level ERROR messages
}

// readServeLogs reads the JSON lines of the logs; lines that are not JSON
// (a Go runtime's crash dump, say) are skipped.
func readServeLogs(t *testing.T, files []string) serveLogs {
	t.Helper()
	out := serveLogs{diagnosed: map[int64]int{}}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Level, Msg, Err string
				Job             int64
				Attempt         int
			}
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			switch {
			case line.Msg == "diagnosed":
				out.diagnosed[line.Job]++
				out.lines++
				if line.Attempt > 1 {
					out.retaken++
				}
			case line.Level == "ERROR":
				out.errors = append(out.errors, fmt.Sprintf("%s: %s: %s", filepath.Base(name), line.Msg, line.Err))
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
	}
	return out
}
