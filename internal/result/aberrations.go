package result

import (
	"fmt"
	"math"
	"strings"

	"github.com/nipt/nipt/internal/genome"
)

// AberrationMetric is the QC metric counting aberrant autosomes.
const AberrationMetric = "aberrant_autosomes"

// autosome returns the canonical index of an autosome's name (any
// naming); ok is false for the sex chromosomes and other contigs.
func autosome(name string) (int, bool) {
	c, ok := genome.ChromIndex(name)
	return c, ok && c < genome.ChrX
}

// AberrantAutosomes returns, in chromosome order, the autosomes (chr1–22)
// that carry a chromosome-scale dosage change — a finding whose |z|
// reaches its high-risk threshold, in either direction: a maternal tumour
// loses chromosomes as well as gains them — or a reported copy-number
// change. A fetus carries changes on at most two autosomes (a trisomy, or
// an unbalanced translocation's gain and loss); changes on three or more
// are the pattern of an occult maternal malignancy (Bianchi et al. 2015,
// JAMA 314:162) or of a broken sample. Sex chromosomes are left out: their
// dosage differs with fetal sex, and the count must not.
func AberrantAutosomes(findings []Finding, cnvs []CNV) []string {
	var hit [genome.ChrX]bool
	for _, f := range findings {
		if c, ok := autosome(f.Chrom); ok && f.ZThreshold > 0 && math.Abs(f.Z) >= f.ZThreshold {
			hit[c] = true
		}
	}
	for _, v := range cnvs {
		if c, ok := autosome(v.Chrom); ok {
			hit[c] = true
		}
	}
	out := []string{}
	for c, h := range hit {
		if h {
			out = append(out, genome.ChromName(c))
		}
	}
	return out
}

// SetAberrations sets q's aberrant_autosomes metric (which must already
// carry its thresholds; q without it is left alone) to the number of
// autosomes listed, judges it (higher is worse), replaces its reason, and
// sets q's status to the worst of its metrics — every QC reason belongs
// to a metric. The engine calls it once; the disclosure policy again when
// a view drops conditions (and so changes) the list was made from. q's
// slices are copied, never written in place.
func SetAberrations(q *QC, autosomes []string) {
	i := -1
	for k, m := range q.Metrics {
		if m.Name == AberrationMetric {
			i = k
		}
	}
	if i < 0 {
		return
	}
	q.Metrics = append([]Metric{}, q.Metrics...)
	m := &q.Metrics[i]
	m.Value = float64(len(autosomes))
	m.Status = QCPass
	th := m.Warn
	switch {
	case m.Fail != nil && m.Value > *m.Fail:
		m.Status, th = QCFail, m.Fail
	case m.Warn != nil && m.Value > *m.Warn:
		m.Status = QCWarn
	}
	reasons := []string{}
	for _, r := range q.Reasons {
		if !strings.HasPrefix(r, AberrationMetric+" ") {
			reasons = append(reasons, r)
		}
	}
	if m.Status != QCPass {
		reasons = append(reasons, fmt.Sprintf("%s %s: %.6g above threshold %.6g: changes on %s: a genome-wide pattern of maternal malignancy, a maternal or placental chromosomal condition or a technical artefact, not of a fetal karyotype",
			AberrationMetric, m.Status, m.Value, *th, strings.Join(autosomes, ", ")))
	}
	q.Reasons = reasons
	q.Status = QCPass
	for _, m := range q.Metrics {
		if m.Status == QCFail || m.Status == QCWarn && q.Status == QCPass {
			q.Status = m.Status
		}
	}
}
