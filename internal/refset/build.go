package refset

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/parallel"
)

// PrepareFiles reads and processes counts files in parallel (threads
// workers); the output order is the input order.
func (s *Static) PrepareFiles(ctx context.Context, paths []string, opt Options) ([]*SampleProfile, error) {
	out := make([]*SampleProfile, len(paths))
	err := parallel.ForEach(ctx, len(paths), opt.Threads, func(_ context.Context, i int) error {
		c, err := counts.ReadFile(paths[i])
		if err != nil {
			return err
		}
		p, _, err := s.Prepare(c, opt.GC)
		if err != nil {
			return fmt.Errorf("%s: %w", paths[i], err)
		}
		out[i] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Build builds a reference from counts files (nipt reference build).
func Build(ctx context.Context, st *Static, paths []string, opt Options) (*Reference, error) {
	if st.Layout.BinSize != opt.BinSize {
		return nil, fmt.Errorf("annotation prepared for %d b bins, options ask for %d b", st.Layout.BinSize, opt.BinSize)
	}
	t := time.Now()
	ps, err := st.PrepareFiles(ctx, paths, opt)
	if err != nil {
		return nil, err
	}
	slog.Info("reference: samples prepared", "samples", len(ps), "seconds", time.Since(t).Seconds())
	return Fit(st, ps, opt)
}

// Add grows a reference with more counts files (nipt reference add): the
// stored profiles of the existing samples and the new ones are fitted from
// scratch with the reference's options, so the result equals a reference
// built from all counts files at once.
func Add(ctx context.Context, ref *Reference, paths []string, threads int) (*Reference, error) {
	if ref.samplesOmitted {
		return nil, errSamplesOmitted
	}
	opt := ref.Options
	opt.Threads = threads
	ps, err := ref.Static.PrepareFiles(ctx, paths, opt)
	if err != nil {
		return nil, err
	}
	all := make([]*SampleProfile, 0, len(ref.Samples)+len(ps))
	for i := range ref.Samples {
		all = append(all, &ref.Samples[i])
	}
	all = append(all, ps...)
	out, err := Fit(ref.Static, all, opt)
	if err != nil {
		return nil, err
	}
	out.Annotation = ref.Annotation
	return out, nil
}
