package simulate

import (
	"context"
	"fmt"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

// DefaultBinSize is the bin size of the built-in genome: nipt count's
// default, so that counts-mode output matches counting the BAM.
const DefaultBinSize = 10_000

// LoadGenome returns the annotation to simulate on: the .bins file at path
// (checked against build when build is not nil), or the built-in synthetic
// genome of build (GRCh38 when nil) at 10 kb, generated from seed.
func LoadGenome(path string, build *genome.Build, seed uint64) (*annotation.Annotation, error) {
	if path == "" {
		if build == nil {
			build = genome.GRCh38
		}
		return annotation.Synthetic(build, DefaultBinSize, seed)
	}
	a, err := annotation.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if build != nil && a.Layout.Build != build {
		return nil, fmt.Errorf("%s is an annotation of %s, not %s: drop --build or give an annotation of %s (nipt annotate --build %s)",
			path, a.Layout.Build.Name, build.Name, build.Name, build.Name)
	}
	return a, nil
}

// WriteSample simulates s into path as a BAM (with index) or a counts file.
func (ls *Landscape) WriteSample(ctx context.Context, s *Sample, path, format string, o BAMOptions) (Realised, error) {
	var r Realised
	var err error
	switch format {
	case FormatBAM:
		_, r, err = ls.WriteBAM(ctx, s, path, o)
	case FormatCounts:
		var c *counts.Counts
		if c, r, err = ls.Counts(ctx, s, o.Command, o.Version); err == nil {
			err = counts.WriteFile(path, c, max(o.Threads, 1))
		}
	default:
		err = fmt.Errorf("unknown output format %q (bam or counts)", format)
	}
	if err != nil {
		return Realised{}, err
	}
	r.File = path
	return r, nil
}
