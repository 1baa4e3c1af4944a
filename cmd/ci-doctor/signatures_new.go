package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// signaturesNewOptions are the flags of `signatures new`.
type signaturesNewOptions struct {
	fromReport string
	id         string
	db         string
	dir        string
}

func newSignaturesNewCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &signaturesNewOptions{}
	cmd := &cobra.Command{
		Use:   "new --from-report TEMPLATE-ID",
		Short: "Write a draft signature for an unrecognised error of a report",
		Long: `Write a draft signature file for a group of failures that 'ci-doctor report'
listed as unrecognised: its pattern is built from the group's error line with
the varying parts as wildcards, and the real lines of the stored jobs are its
examples. Complete its title, cause, fix and a no_match example, then check it
with 'ci-doctor signatures test DIR' and use it with --signatures DIR.`,
		Example: `  ci-doctor signatures new --from-report t3f2a9c14 --id npm-registry-timeout --dir ci-signatures
  ci-doctor signatures test ci-signatures`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runSignaturesNew(ios, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.fromReport, "from-report", "", "the `TEMPLATE-ID` of an unrecognised error, as the report shows it")
	f.StringVar(&opts.id, "id", "", "the new signature's id, kebab-case (default: unrecognised-TEMPLATE-ID)")
	f.StringVar(&opts.db, "db", "", "the store the report used (default: as report's --db)")
	f.StringVar(&opts.dir, "dir", ".", "write ID.yaml in this `DIR`; - writes to standard output")
	cmd.MarkFlagRequired("from-report")
	return cmd
}

func runSignaturesNew(ios *iostreams.IOStreams, opts *signaturesNewOptions) error {
	if !logtemplate.IsID(opts.fromReport) {
		return &usageError{fmt.Errorf("--from-report %q: want a template id as the report lists it, t and 8 hex digits (t3f2a9c14)", opts.fromReport)}
	}
	id := opts.id
	if id == "" {
		id = "unrecognised-" + opts.fromReport
	}
	if !signatures.ValidID(id) {
		return &usageError{fmt.Errorf("--id %q: want lower-case words joined by -, such as apt-package-not-found", id)}
	}
	ctx := context.Background()
	st, err := openStore(ctx, ios, opts.db)
	if err != nil {
		return err
	}
	defer st.Close()
	tpl, err := fleet.FindTemplate(ctx, st, opts.fromReport)
	if errors.Is(err, fleet.ErrNoTemplate) {
		return &inputError{fmt.Errorf("no unrecognised error %q in %s: run ci-doctor report with the same --db, and copy an id from its unrecognised table", opts.fromReport, st)}
	}
	if err != nil {
		return &inputError{err}
	}
	draft, err := signatures.Draft(id, tpl.Template, tpl.Lines)
	if err != nil {
		return &inputError{fmt.Errorf("cannot draft a signature for %s: %w", opts.fromReport, err)}
	}
	if opts.dir == "-" {
		_, err := ios.Out.Write(draft)
		return err
	}
	path := filepath.Join(opts.dir, id+".yaml")
	if _, err := os.Stat(path); err == nil {
		return &inputError{fmt.Errorf("%s exists: give another --id or --dir", path)}
	}
	if err := writeFileAtomic(path, func(w io.Writer) error { _, err := w.Write(draft); return err }); err != nil {
		return &inputError{err}
	}
	fmt.Fprintf(ios.ErrOut, "wrote %s (%d jobs, %d example lines): complete its TODOs, then run ci-doctor signatures test %s\n", path, tpl.Jobs, len(tpl.Lines), opts.dir)
	return nil
}
