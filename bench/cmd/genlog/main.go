// Command genlog writes a realistic GitLab CI job log of any size to
// standard output or a file, for the benchmarks in bench/run.sh:
//
//	go run ./bench/cmd/genlog -size 100MiB -o /tmp/100m.log
//	go run ./bench/cmd/genlog -size 1GiB -timestamps=false | ci-doctor diagnose
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ci-doctor/ci-doctor/bench/loggen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "genlog: %v\n", err)
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("genlog", flag.ContinueOnError)
	size := fs.String("size", "4MiB", "approximate `size` of the log: bytes, or a number with KiB, MiB or GiB")
	timestamps := fs.Bool("timestamps", true, "runner 18.7+ format: a timestamp prefix on every line (false: the older format)")
	failure := fs.String("failure", loggen.DefaultFailure, "the error `line` near the end; empty for a job that succeeds")
	out := fs.String("o", "-", "output `file`; - for standard output")
	ciConfig := fs.String("ci-config", "", "also write the job's .gitlab-ci.yml to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ciConfig != "" {
		if err := os.WriteFile(*ciConfig, []byte(loggen.CIConfig), 0o644); err != nil {
			return err
		}
	}
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	err = loggen.Write(bw, loggen.Options{Size: n, Timestamps: *timestamps, Failure: *failure})
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return fmt.Errorf("writing the log: %w", err)
	}
	return nil
}

// units are the size suffixes parseSize accepts, longest first.
var units = []struct {
	suffix string
	factor int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}}

// parseSize reads "4194304", "4MiB" or "1G".
func parseSize(s string) (int64, error) {
	factor := int64(1)
	num := s
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			factor, num = u.factor, strings.TrimSuffix(s, u.suffix)
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q: want bytes or a number with KiB, MiB or GiB", s)
	}
	return n * factor, nil
}
