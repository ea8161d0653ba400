package simulate

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/parallel"
)

// Files written into a cohort directory besides the samples.
const (
	TruthTSV   = "truth.tsv"
	TruthJSON  = "truth.json"
	CohortTSV  = "cohort.tsv"
	GenomeBins = "genome.bins"
)

// CohortOptions describe a cohort simulation.
type CohortOptions struct {
	Samples []Sample // as read from a spec or a preset; resolved by RunCohort
	Dir     string
	// Format is the default output format (FormatCounts or FormatBAM);
	// a sample's Format overrides it.
	Format  string
	Threads int    // samples simulated concurrently
	Seed    uint64 // cohort seed: per-sample seeds derive from it
	Seq     bool   // BAM: write bases and qualities
	Tag     bool   // BAM: XO origin tags
	Command string
	Version string
	// Progress, when set, is called after each sample with the number done.
	Progress func(done, total int)
}

// Truth is truth.json: the resolved cohort with what was realised and every
// parameter of the model.
type Truth struct {
	Format        string            `json:"format"`
	FormatVersion int               `json:"format_version"`
	Tool          counts.Tool       `json:"tool"`
	Build         string            `json:"build"`
	BinSize       int               `json:"bin_size"`
	Annotation    annotation.Source `json:"annotation"`
	LandscapeSeed uint64            `json:"landscape_seed"`
	CohortSeed    uint64            `json:"cohort_seed"`
	Params        Params            `json:"params"`
	Samples       []TruthSample     `json:"samples"`
}

// TruthSample is one sample of truth.json.
type TruthSample struct {
	Sample
	CNVList []string `json:"cnvs"`
	Realised
}

// ResolveCohort fills the defaults of every sample (seeds from the cohort
// seed and the sample's position) and checks them.
func ResolveCohort(samples []Sample, p *Params, seed uint64) error {
	seen := map[string]int{}
	for i := range samples {
		if err := samples[i].Resolve(p, seed, i); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
		if j, dup := seen[samples[i].ID]; dup {
			return fmt.Errorf("rows %d and %d: sample ID %s used twice (IDs name the output files)", j+1, i+1, samples[i].ID)
		}
		seen[samples[i].ID] = i
	}
	return nil
}

// RunCohort simulates every sample into opts.Dir and writes genome.bins,
// cohort.tsv, truth.tsv and truth.json. Output is the same for any number of
// threads.
func (ls *Landscape) RunCohort(ctx context.Context, opts CohortOptions) ([]Realised, error) {
	samples := opts.Samples
	if opts.Format != FormatBAM && opts.Format != FormatCounts {
		return nil, fmt.Errorf("output format %q: want bam or counts", opts.Format)
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("no samples to simulate")
	}
	if err := ResolveCohort(samples, &ls.Params, opts.Seed); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create output directory %s: %w", opts.Dir, err)
	}
	if err := annotation.WriteFile(filepath.Join(opts.Dir, GenomeBins), ls.Ann); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(opts.Dir, CohortTSV), EncodeSpec(samples, nil)); err != nil {
		return nil, err
	}
	res := make([]Realised, len(samples))
	var (
		mu   sync.Mutex
		done int
	)
	err := parallel.ForEach(ctx, len(samples), opts.Threads, func(ctx context.Context, i int) error {
		r, err := ls.writeSample(ctx, &samples[i], opts)
		if err != nil {
			return err
		}
		res[i] = r
		if opts.Progress != nil {
			mu.Lock()
			done++
			opts.Progress(done, len(samples))
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(opts.Dir, TruthTSV), EncodeSpec(samples, res)); err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(ls.truth(samples, res, opts), "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(opts.Dir, TruthJSON), append(js, '\n')); err != nil {
		return nil, err
	}
	return res, nil
}

// writeSample simulates one sample of a cohort into its file.
func (ls *Landscape) writeSample(ctx context.Context, s *Sample, opts CohortOptions) (Realised, error) {
	format := s.Format
	if format == "" {
		format = opts.Format
	}
	file := s.ID + "." + format
	r, err := ls.WriteSample(ctx, s, filepath.Join(opts.Dir, file), format,
		BAMOptions{Seq: opts.Seq, TagOrigin: opts.Tag, Threads: 1, Command: opts.Command, Version: opts.Version})
	if err != nil {
		return Realised{}, fmt.Errorf("sample %s: %w", s.ID, err)
	}
	r.File = file
	slog.Debug("simulated sample", "sample", s.ID, "file", file, "reads", r.Fragments, "kept", r.Kept)
	return r, nil
}

// truth assembles truth.json.
func (ls *Landscape) truth(samples []Sample, res []Realised, opts CohortOptions) *Truth {
	t := &Truth{
		Format: "nipt-simulation-truth", FormatVersion: 1,
		Tool:  counts.Tool{Name: "nipt", Version: opts.Version, Command: opts.Command},
		Build: ls.Layout.Build.Name, BinSize: ls.Layout.BinSize, Annotation: ls.Ann.Source,
		LandscapeSeed: ls.Seed, CohortSeed: opts.Seed, Params: ls.Params,
	}
	for i := range samples {
		ts := TruthSample{Sample: samples[i], Realised: res[i], CNVList: []string{}}
		for _, c := range samples[i].CNVs {
			ts.CNVList = append(ts.CNVList, c.String())
		}
		t.Samples = append(t.Samples, ts)
	}
	return t
}
