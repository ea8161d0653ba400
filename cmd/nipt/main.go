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
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
	)
	err := root.ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err))
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
