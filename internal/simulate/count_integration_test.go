package simulate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/count"
	"github.com/nipt/nipt/internal/counts"
)

// TestNiptCountEquality counts simulated BAMs with nipt count's engine
// (internal/count, default options) and requires the bins and the complete
// QC block — every drop reason including zeros, duplicate rate, per-
// chromosome and other-contig reads, both fragment histograms — to equal what
// counts mode writes for the same sample and seed, after both went through
// the counts file format.
func TestNiptCountEquality(t *testing.T) {
	t.Parallel()
	ls := testLandscape(t, 100_000)
	for _, tc := range []struct {
		name    string
		paired  bool
		markDup bool
	}{
		{"single", false, true},
		{"single-unflagged", false, false},
		{"paired", true, true},
		{"paired-unflagged", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ls2 := *ls
			ls2.Params.MarkDuplicates = tc.markDup
			s := sample(t, &ls2, Sample{ID: "eq-" + tc.name, Paired: tc.paired, FF: 0.1, FetalSex: Male, Reads: 100_000, Batch: "HK3TWDSX3.2"}, 17)
			path, _, _ := writeBAM(t, &ls2, s, BAMOptions{Threads: 1})
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			opt := count.DefaultOptions()
			opt.BinSize = ls.Layout.BinSize
			got, err := count.Count(context.Background(), f, path, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, want := roundTrip(t, got), roundTrip(t, countsOf(t, &ls2, s))
			if !slices.Equal(got.Reads, want.Reads) || !slices.Equal(got.Short, want.Short) {
				t.Error("bin counts differ from counts mode")
			}
			g, w := got.Header, want.Header
			if g.Sample != w.Sample || g.Paired != w.Paired || g.Filters != w.Filters {
				t.Errorf("header: got %+v / %+v, want %+v / %+v", g.Sample, g.Filters, w.Sample, w.Filters)
			}
			// The run: the flowcell of the BAM's @RG PU (the batch).
			if !slices.Equal(g.Runs, w.Runs) || !slices.Equal(w.Runs, []string{"HK3TWDSX3"}) {
				t.Errorf("runs: counted %q, counts mode %q, want [HK3TWDSX3]", g.Runs, w.Runs)
			}
			for _, d := range qcDiff(g.QC, w.QC) {
				t.Error(d)
			}
			checkQCAccounting(t, w.QC, tc.paired, tc.markDup)
			checkQCWithSamtools(t, path, w.QC, tc.paired)
		})
	}
}

// roundTrip writes c in the counts file format and reads it back, so that
// the comparison is of what the two commands write.
func roundTrip(t *testing.T, c *counts.Counts) *counts.Counts {
	t.Helper()
	var buf bytes.Buffer
	if err := counts.Write(&buf, c, 1); err != nil {
		t.Fatal(err)
	}
	out, err := counts.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// qcDiff lists the fields of two QC blocks that differ. Maps are compared
// with all their keys: a reason present with 0 in one and absent from the
// other is a difference.
func qcDiff(g, w counts.QC) []string {
	var d []string
	if g.Records != w.Records || g.Kept != w.Kept {
		d = append(d, fmt.Sprintf("records/kept: got %d/%d, want %d/%d", g.Records, g.Kept, w.Records, w.Kept))
	}
	if g.DuplicateRate != w.DuplicateRate {
		d = append(d, fmt.Sprintf("duplicate_rate: got %v, want %v", g.DuplicateRate, w.DuplicateRate))
	}
	for _, m := range []struct {
		name string
		g, w map[string]int64
	}{{"dropped", g.Dropped, w.Dropped}, {"chrom_reads", g.ChromReads, w.ChromReads}, {"other_contigs", g.OtherContigs, w.OtherContigs}} {
		if !reflect.DeepEqual(m.g, m.w) {
			d = append(d, fmt.Sprintf("%s: got %v, want %v", m.name, m.g, m.w))
		}
	}
	if !slices.Equal(g.FragmentHistogram, w.FragmentHistogram) {
		d = append(d, fmt.Sprintf("fragment_histogram: got %d sizes, want %d, or counts differ", len(g.FragmentHistogram), len(w.FragmentHistogram)))
	}
	if !slices.Equal(g.FragmentHistogramAutosomes, w.FragmentHistogramAutosomes) {
		d = append(d, fmt.Sprintf("fragment_histogram_autosomes: got %d sizes, want %d, or counts differ", len(g.FragmentHistogramAutosomes), len(w.FragmentHistogramAutosomes)))
	}
	if len(d) == 0 && !reflect.DeepEqual(g, w) {
		d = append(d, fmt.Sprintf("QC blocks differ: got %+v, want %+v", g, w))
	}
	return d
}

// checkQCAccounting checks the simulator's QC block on its own terms: every
// reason of nipt count is present, each record is either dropped for one
// reason or kept (pairs: read 1 decides, read 2 is "mate"), and the reasons
// the sample produces are non-zero, so the equality above is not vacuous.
func checkQCAccounting(t *testing.T, q counts.QC, paired, markDup bool) {
	t.Helper()
	if len(q.Dropped) != len(count.Reasons) {
		t.Errorf("dropped has %d reasons, nipt count writes %d", len(q.Dropped), len(count.Reasons))
	}
	var sum int64
	for _, k := range count.Reasons {
		v, ok := q.Dropped[k]
		if !ok {
			t.Errorf("reason %q missing", k)
		}
		sum += v
	}
	if sum+q.Kept != q.Records {
		t.Errorf("dropped %d + kept %d != records %d", sum, q.Kept, q.Records)
	}
	var other int64
	for _, v := range q.OtherContigs {
		other += v
	}
	if other != q.Dropped["other_contig"] {
		t.Errorf("other_contigs sum to %d, other_contig dropped %d", other, q.Dropped["other_contig"])
	}
	var hist, histAuto, keptAuto int64
	for _, v := range q.FragmentHistogram {
		hist += v
	}
	for _, v := range q.FragmentHistogramAutosomes {
		histAuto += v
	}
	for i := 1; i <= 22; i++ {
		keptAuto += q.ChromReads[fmt.Sprintf("chr%d", i)]
	}
	if paired && hist != q.Kept || !paired && q.FragmentHistogram != nil {
		t.Errorf("fragment histogram holds %d fragments (paired %v), kept %d", hist, paired, q.Kept)
	}
	// The sample is male, so chrX and chrY fragments make the two differ.
	if paired && (histAuto != keptAuto || histAuto >= hist) || !paired && q.FragmentHistogramAutosomes != nil {
		t.Errorf("autosomal fragment histogram holds %d fragments (paired %v), kept on chr1–22 %d, all %d", histAuto, paired, keptAuto, hist)
	}
	nonZero := []string{"unmapped", "secondary", "supplementary", "qcfail", "low_mapq", "other_contig"}
	if paired {
		nonZero = append(nonZero, "mate")
	}
	if markDup {
		nonZero = append(nonZero, "duplicate")
	} else if q.Dropped["duplicate"] != 0 || q.DuplicateRate != 0 {
		t.Errorf("unflagged duplicates: dropped %d, rate %v, want 0", q.Dropped["duplicate"], q.DuplicateRate)
	}
	for _, k := range nonZero {
		if q.Dropped[k] == 0 {
			t.Errorf("reason %q is 0: the test does not exercise it", k)
		}
	}
}

// checkQCWithSamtools recounts the per-fragment reasons with samtools,
// independently of both sides: for pairs, read 2 of every mapped, primary,
// non-QC-fail pair is "mate"; low_mapq and duplicate count read 1 only.
func checkQCWithSamtools(t *testing.T, path string, q counts.QC, paired bool) {
	t.Helper()
	if _, err := exec.LookPath("samtools"); err != nil {
		t.Log("samtools not on PATH: skipping the samtools cross-check")
		return
	}
	// Reaching the MAPQ filter: mapped, primary, not QC-fail (-F 0xB04);
	// pairs: read 1 with its mate mapped (-f 0x40 -F 0x8).
	on, off := 0, 0xB04
	if paired {
		on, off = 0x40, 0xB0C
	}
	for _, c := range []struct {
		reason string
		args   []string
	}{
		{"low_mapq", []string{"-f", fmt.Sprint(on), "-F", fmt.Sprint(off), "-e", "mapq < 1"}},
		{"duplicate", []string{"-f", fmt.Sprint(on | 0x400), "-F", fmt.Sprint(off), "-q", "1"}},
		{"mate", []string{"-f", "0x81", "-F", "0xB04"}},
	} {
		want := q.Dropped[c.reason]
		if got := samtoolsCount(t, path, c.args...); got != want {
			t.Errorf("%s: samtools view -c %v gives %d, QC says %d", c.reason, c.args, got, want)
		}
	}
	if got := samtoolsCount(t, path); got != q.Records {
		t.Errorf("records: samtools gives %d, QC says %d", got, q.Records)
	}
}
