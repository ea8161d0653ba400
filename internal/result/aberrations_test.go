package result

import (
	"slices"
	"strings"
	"testing"
)

func TestAberrantAutosomes(t *testing.T) {
	findings := []Finding{
		{Chrom: "chr21", Z: 3.5, ZThreshold: 3.2},  // gain at the threshold's side
		{Chrom: "chr4", Z: -4.1, ZThreshold: 3.2},  // whole-chromosome loss
		{Chrom: "chr9", Z: 3.19, ZThreshold: 3.2},  // below
		{Chrom: "chr2", Z: 9, ZThreshold: 0},       // no threshold: not judged
		{Chrom: "chrX", Z: -12, ZThreshold: 3.2},   // sex chromosome: never counted
		{Chrom: "chr10", Z: -3.2, ZThreshold: 3.2}, // exactly at it
	}
	// Any naming counts ("5", Ensembl); the list uses the canonical one.
	cnvs := []CNV{{Chrom: "chr21"}, {Chrom: "chr1"}, {Chrom: "chrY"}, {Chrom: "chr12"}, {Chrom: "chr12"}, {Chrom: "5"}, {Chrom: "MT"}}
	got := AberrantAutosomes(findings, cnvs)
	want := []string{"chr1", "chr4", "chr5", "chr10", "chr12", "chr21"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := AberrantAutosomes(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("no input: %#v, want an empty non-nil list", got)
	}
}

func TestSetAberrations(t *testing.T) {
	two := 2.0
	base := func() QC {
		return QC{Status: QCPass, Reasons: []string{}, Metrics: []Metric{
			{Name: "reads", Value: 3e6, Status: QCPass},
			{Name: AberrationMetric, Warn: &two},
		}}
	}
	q := base()
	SetAberrations(&q, []string{"chr1", "chr8"})
	if q.Status != QCPass || len(q.Reasons) != 0 || q.Metrics[1].Value != 2 || q.Metrics[1].Status != QCPass {
		t.Errorf("two autosomes: %+v", q)
	}
	SetAberrations(&q, []string{"chr1", "chr8", "chr16"})
	if q.Status != QCWarn || q.Metrics[1].Status != QCWarn || len(q.Reasons) != 1 ||
		!strings.HasPrefix(q.Reasons[0], AberrationMetric+" warn: 3 above threshold 2: changes on chr1, chr8, chr16") {
		t.Errorf("three autosomes: %+v", q)
	}
	// Judged again with fewer: the warning and its reason go, once.
	kept := q
	SetAberrations(&q, []string{"chr1"})
	if q.Status != QCPass || len(q.Reasons) != 0 || q.Metrics[1].Value != 1 {
		t.Errorf("judged again with one: %+v", q)
	}
	if kept.Metrics[1].Value != 3 || len(kept.Reasons) != 1 {
		t.Errorf("the earlier QC's slices were written in place: %+v", kept)
	}
	// Another metric's failure stays the sample's status and reason.
	q = base()
	q.Status, q.Reasons = QCFail, []string{"reads fail: 100 below threshold 500000"}
	q.Metrics[0].Status = QCFail
	SetAberrations(&q, []string{"chr1", "chr2", "chr3", "chr4"})
	if q.Status != QCFail || len(q.Reasons) != 2 || q.Reasons[0] != "reads fail: 100 below threshold 500000" {
		t.Errorf("with a failed metric: %+v", q)
	}
	// A QC without the metric (a result from before it) is left alone.
	q = QC{Status: QCPass, Reasons: []string{}, Metrics: []Metric{{Name: "reads", Status: QCPass}}}
	SetAberrations(&q, []string{"chr1", "chr2", "chr3"})
	if q.Status != QCPass || len(q.Reasons) != 0 || len(q.Metrics) != 1 {
		t.Errorf("without the metric: %+v", q)
	}
}
