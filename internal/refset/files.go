package refset

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/genome"
)

// BuildFiles builds a reference from counts files, reading the genome
// annotation (a .bins file from nipt annotate or nipt simulate) and an
// optional blacklist BED. It is what nipt reference build does.
func BuildFiles(ctx context.Context, annotationPath, blacklistPath string, counts []string, opt Options) (*Reference, error) {
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
	fine := opt.RequireFine || (opt.FineCorrection && hdr.BinSize < opt.BinSize)
	if opt.FineCorrection && !fine {
		slog.Info("reference: fine correction not used: the annotation is at the analysis bin size", "annotation", annotationPath, "bin_size", hdr.BinSize)
	}
	if fine {
		raw, err := annotation.ReadFile(annotationPath)
		if err != nil {
			return nil, err
		}
		var fbl []bool
		if blacklistPath != "" {
			if fbl, err = annotation.ReadBEDFile(blacklistPath, raw.Layout, 0); err != nil {
				return nil, err
			}
		}
		if err := st.AttachFine(raw, fbl); err != nil {
			return nil, fmt.Errorf("%s: %w", annotationPath, err)
		}
	}
	ref, err := Build(ctx, st, counts, opt)
	if err != nil {
		return nil, err
	}
	ref.Annotation = filepath.Base(annotationPath)
	if blacklistPath != "" {
		ref.Annotation += " + " + filepath.Base(blacklistPath)
	}
	return ref, nil
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
