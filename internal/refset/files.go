package refset

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

// BuildFiles builds a reference from counts files, reading the genome
// annotation (a .bins file from nipt annotate or nipt simulate) and an
// optional blacklist BED. It is what nipt reference build does.
func BuildFiles(ctx context.Context, annotationPath, blacklistPath string, paths []string, opt Options) (*Reference, error) {
	hdr, err := annotation.ReadHeaderFile(annotationPath)
	if err != nil {
		return nil, err
	}
	b, err := genome.LookupBuild(hdr.Build)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", annotationPath, err)
	}
	l, err := genome.NewLayout(b, opt.BinSize)
	if err != nil {
		return nil, err
	}
	ann, err := annotation.LoadFor(annotationPath, l)
	if err != nil {
		return nil, err
	}
	var bl []bool
	if blacklistPath != "" {
		// A bin is blacklisted when a region covers any part of it.
		if bl, err = annotation.ReadBEDFile(blacklistPath, l, 0); err != nil {
			return nil, err
		}
	}
	st, err := NewStatic(ann, opt.BinSize, bl)
	if err != nil {
		return nil, err
	}
	fineSize, why := 0, ""
	if opt.FineCorrection || opt.RequireFine {
		if fineSize, why, err = fineBinSize(hdr.BinSize, paths, opt.BinSize); err != nil {
			return nil, err
		}
	}
	switch {
	case why != "" && opt.RequireFine:
		return nil, fmt.Errorf("fine correction asked for, but %s (docs/method.md §4)", why)
	case why != "" && opt.FineCorrection:
		slog.Info("reference: fine correction not used: "+why, "annotation", annotationPath)
	case opt.FineCorrection || opt.RequireFine:
		// The annotation at the counted bin size (merged from a finer one
		// if need be) and the blacklist at that size.
		fl, err := genome.NewLayout(b, fineSize)
		if err != nil {
			return nil, err
		}
		raw, err := annotation.LoadFor(annotationPath, fl)
		if err != nil {
			return nil, err
		}
		var fbl []bool
		if blacklistPath != "" {
			if fbl, err = annotation.ReadBEDFile(blacklistPath, fl, 0); err != nil {
				return nil, err
			}
		}
		if err := st.AttachFine(raw, fbl); err != nil {
			return nil, fmt.Errorf("%s: %w", annotationPath, err)
		}
	}
	ref, err := Build(ctx, st, paths, opt)
	if err != nil {
		return nil, err
	}
	ref.Annotation = filepath.Base(annotationPath)
	if blacklistPath != "" {
		ref.Annotation += " + " + filepath.Base(blacklistPath)
	}
	return ref, nil
}

// fineBinSize returns the bin size at which fine correction can work for
// these counts files: the least common multiple of their counted bin
// sizes and the annotation's (every sample's bins merge into it, and the
// annotation is loaded at it), provided it is finer than the analysis bin
// size and divides it. Otherwise it returns why not (a sentence for the
// log or the error).
func fineBinSize(annBin int, paths []string, binSize int) (int, string, error) {
	if len(paths) == 0 {
		return 0, "no counts files", nil
	}
	if annBin >= binSize {
		return 0, fmt.Sprintf("the annotation is at %d b, not finer than the analysis bins (%d b); annotate at the counted bin size (nipt annotate --bin-size 10000)", annBin, binSize), nil
	}
	size := annBin
	for _, p := range paths {
		h, err := counts.ReadHeaderFile(p)
		if err != nil {
			return 0, "", err
		}
		if size = lcm(size, h.BinSize); size >= binSize {
			return 0, fmt.Sprintf("%s is counted at %d b, and with the other samples' and the annotation's bins it merges into bins not finer than the analysis bins (%d b); count the samples finer (nipt count's default, 10 kb)", p, h.BinSize, binSize), nil
		}
	}
	if binSize%size != 0 {
		return 0, fmt.Sprintf("the counted and annotated bin sizes merge into %d b bins, which do not divide the analysis bins (%d b)", size, binSize), nil
	}
	return size, "", nil
}

// lcm is the least common multiple of two positive integers.
func lcm(a, b int) int {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// WriteWithSummary writes the reference to path and its human-readable
// summary next to it (PATH without extension + ".summary.txt"), returning
// the summary and its path.
func WriteWithSummary(path string, ref *Reference) (*Summary, string, error) {
	if err := WriteFile(path, ref); err != nil {
		return nil, "", err
	}
	sum := ref.Summarize()
	var sb strings.Builder
	if err := sum.WriteText(&sb); err != nil {
		return nil, "", err
	}
	sp := strings.TrimSuffix(path, filepath.Ext(path)) + ".summary.txt"
	if err := atomicfile.WriteFile(sp, []byte(sb.String())); err != nil {
		return nil, "", err
	}
	return sum, sp, nil
}
