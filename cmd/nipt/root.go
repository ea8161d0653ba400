package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// globalOptions are flags shared by every command.
type globalOptions struct {
	quiet    bool
	logLevel string
	threads  int
	// cpuProfile, when set, receives a CPU profile of the command
	// (hidden flag, for performance work: go tool pprof FILE).
	cpuProfile string
}

var global globalOptions

func newRootCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nipt",
		Short: "Non-invasive prenatal screening from cell-free DNA sequencing",
		Long: `nipt turns low-pass whole-genome sequencing of maternal plasma cell-free DNA
into a prenatal screening result: bin counts, a reference cohort of euploid
pregnancies, trisomy / sex-chromosome aneuploidy / copy-number calls with the
fetal fraction, quality control, and reports that follow the lab's fetal-sex
disclosure policy.

Data flows one way: nipt count → nipt reference build → nipt analyze → nipt report.
Run "nipt demo" to see the whole system on simulated data.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := setupLogging(cmd.ErrOrStderr()); err != nil {
				return err
			}
			return startProfile()
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	pf := cmd.PersistentFlags()
	pf.BoolVarP(&global.quiet, "quiet", "q", false, "no progress bar and only warnings and errors in the log")
	pf.StringVar(&global.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	pf.IntVarP(&global.threads, "threads", "t", 2, "worker threads")
	pf.StringVar(&global.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (go tool pprof)")
	_ = pf.MarkHidden("cpuprofile")
	return cmd
}

func setupLogging(w io.Writer) error {
	var lvl slog.Level
	switch strings.ToLower(global.logLevel) {
	case "debug":
		lvl = slog.LevelDebug
	case "info":
		lvl = slog.LevelInfo
	case "warn", "warning":
		lvl = slog.LevelWarn
	case "error":
		lvl = slog.LevelError
	default:
		return usageError{fmt.Errorf("unknown --log-level %q (debug, info, warn, error)", global.logLevel)}
	}
	if global.quiet && lvl < slog.LevelWarn {
		lvl = slog.LevelWarn
	}
	if global.threads < 1 {
		return usageError{fmt.Errorf("--threads must be at least 1, got %d", global.threads)}
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl})))
	return nil
}

// showProgress reports whether progress bars should be drawn: on a
// terminal, and never with --quiet.
func showProgress() bool {
	if global.quiet {
		return false
	}
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// flagNeed is a required flag's value and how to name it in an error.
type flagNeed struct{ value, usage string }

// needFlags returns a usage error naming every required flag of command
// that was not given.
func needFlags(command string, flags ...flagNeed) error {
	var missing []string
	for _, f := range flags {
		if f.value == "" {
			missing = append(missing, f.usage)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return usageError{fmt.Errorf("%s needs %s (see --help)", command, strings.Join(missing, " and "))}
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s takes %d argument(s), got %d (see --help)", cmd.CommandPath(), n, len(args))}
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs with a usage error.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError{fmt.Errorf("%s needs at least %d argument(s), got %d (see --help)", cmd.CommandPath(), n, len(args))}
		}
		return nil
	}
}
