// Command nipt screens cell-free DNA sequencing of maternal plasma for fetal
// aneuploidies and copy-number changes. See README.md and docs/.
//
// Exit codes: 0 success; 1 the command failed (bad input, I/O error, failed
// analysis); 2 usage error (unknown command or flag, wrong arguments).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := newApp()
	err := root.ExecuteContext(ctx)
	stopProfile()
	stop()
	os.Exit(exitCode(err))
}

// newApp returns the nipt command with every subcommand.
func newApp() *cobra.Command {
	root := newRootCommand()
	root.AddCommand(
		newVersionCommand(),
		newDemoCommand(),
		newAnnotateCommand(),
		newEvaluateCommand(),
		newSimulateCommand(),
		newCountCommand(),
		newCountsCommand(),
		newReportCommand(),
		newReferenceCommand(),
		newAnalyzeCommand(),
		newReviewCommand(),
		newDocsCommand(),
	)
	return root
}

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "nipt: error:", err)
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		return 2
	}
	return 1
}

// profileFile is the open CPU profile (--cpuprofile), if any.
var profileFile *os.File

// startProfile starts the CPU profile requested with --cpuprofile.
func startProfile() error {
	if global.cpuProfile == "" {
		return nil
	}
	f, err := os.Create(global.cpuProfile)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile %s: %w", global.cpuProfile, err)
	}
	profileFile = f
	return nil
}

// stopProfile ends the CPU profile, if one was started.
func stopProfile() {
	if profileFile == nil {
		return
	}
	pprof.StopCPUProfile()
	if err := profileFile.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "nipt: warning: --cpuprofile:", err)
	}
	profileFile = nil
}
