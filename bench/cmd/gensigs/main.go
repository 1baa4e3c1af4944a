// Command gensigs writes a synthetic signature database made from the
// built-in one (see bench/siggen), for the benchmark of a database that
// grows (bench/run.sh):
//
//	go run ./bench/cmd/gensigs -variants 10 -o /tmp/sigs
//	ci-doctor --signatures /tmp/sigs diagnose job.log
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/ci-doctor/ci-doctor/bench/siggen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "gensigs: %v\n", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gensigs", flag.ContinueOnError)
	variants := fs.Int("variants", 10, "`number` of variants of each built-in signature")
	out := fs.String("o", "", "output `folder` (created)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *variants < 1 {
		return errors.New("usage: gensigs -variants N -o DIR")
	}
	n, err := siggen.Write(*out, *variants)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gensigs: %d signatures in %s\n", n, *out)
	return nil
}
