package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nipt/nipt/internal/version"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newDocsCommand writes the command-line reference: one Markdown page per
// command (docs/cli/, kept up to date by TestCLIDocs) and man pages.
func newDocsCommand() *cobra.Command {
	var markdown, man string
	cmd := &cobra.Command{
		Use:   "docs (--markdown DIR | --man DIR)",
		Short: "Write the command-line reference as Markdown pages or man pages",
		Long: `docs writes one page per nipt command: Markdown (the repository keeps them in
docs/cli/) or man pages in section 1 (install them under a MANPATH directory,
e.g. /usr/local/share/man/man1). The man pages' date is SOURCE_DATE_EPOCH
when it is set (reproducible builds), else today.`,
		Hidden: true,
		Args:   exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if markdown == "" && man == "" {
				return usageError{fmt.Errorf("give --markdown DIR or --man DIR (see --help)")}
			}
			root := cmd.Root()
			if markdown != "" {
				if err := writeMarkdownDocs(root, markdown); err != nil {
					return err
				}
			}
			if man != "" {
				date, err := manDate()
				if err != nil {
					return err
				}
				root.DisableAutoGenTag = true
				h := &doc.GenManHeader{Title: "NIPT", Section: "1", Source: "nipt " + version.Version, Manual: "nipt manual", Date: &date}
				if err := generateInto(man, func(tmp string) error { return doc.GenManTree(root, h, tmp) }); err != nil {
					return fmt.Errorf("man pages in %s: %w", man, err)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&markdown, "markdown", "", "directory for the Markdown pages (created if missing)")
	cmd.Flags().StringVar(&man, "man", "", "directory for the man pages (created if missing)")
	return cmd
}

// writeMarkdownDocs writes one Markdown page per command of root into dir,
// without cobra's dated footer, so that the pages change only when the
// commands do.
func writeMarkdownDocs(root *cobra.Command, dir string) error {
	root.DisableAutoGenTag = true
	root.InitDefaultCompletionCmd() // added by Execute otherwise: the same pages from a test
	if err := generateInto(dir, func(tmp string) error { return doc.GenMarkdownTree(root, tmp) }); err != nil {
		return fmt.Errorf("markdown pages in %s: %w", dir, err)
	}
	return nil
}

// generateInto runs gen on a temporary directory inside dir (created if
// missing) and moves each page it wrote into dir by atomic rename, so that
// a failure leaves no half-written page.
func generateInto(dir string, gen func(tmp string) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, ".nipt-docs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := gen(tmp); err != nil {
		return err
	}
	pages, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := os.Rename(filepath.Join(tmp, p.Name()), filepath.Join(dir, p.Name())); err != nil {
			return err
		}
	}
	return nil
}

// manDate is SOURCE_DATE_EPOCH (https://reproducible-builds.org) when set,
// else now.
func manDate() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Now().UTC(), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a Unix time in seconds", s)
	}
	return time.Unix(sec, 0).UTC(), nil
}
