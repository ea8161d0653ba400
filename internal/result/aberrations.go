package result

import (
	"fmt"
	"math"
	"strings"
)

// AberrationMetric is the QC metric counting aberrant autosomes.
const AberrationMetric = "aberrant_autosomes"

// autosomes are the names AberrantAutosomes counts, in order.
var autosomes = func() map[string]int {
	m := make(map[string]int, 22)
	for i := 1; i <= 22; i++ {
		m[fmt.Sprintf("chr%d", i)] = i
	}
	return m
}()

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
	var hit [23]bool
	for _, f := range findings {
		if c, ok := autosomes[f.Chrom]; ok && f.ZThreshold > 0 && math.Abs(f.Z) >= f.ZThreshold {
			hit[c] = true
		}
	}
	for _, v := range cnvs {
		if c, ok := autosomes[v.Chrom]; ok {
			hit[c] = true
		}
	}
	out := []string{}
	for c, h := range hit {
		if h {
			out = append(out, fmt.Sprintf("chr%d", c))
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
