package call

import "github.com/nipt/nipt/internal/result"

// AberrationQC returns q with the aberrant_autosomes metric added: the
// number of autosomes listed (result.AberrantAutosomes), judged against
// cfg.AberrantAutosomes (higher is worse; docs/qc.md). q's slices are
// copied, so a QC shared with another view of the result stays as it was.
func AberrationQC(q result.QC, autosomes []string, cfg Config) result.QC {
	q.Reasons = append([]string{}, q.Reasons...)
	q.Metrics = append(append([]result.Metric{}, q.Metrics...), result.Metric{Name: result.AberrationMetric})
	m := &q.Metrics[len(q.Metrics)-1]
	if t := cfg.AberrantAutosomes.Warn; t != nil {
		w := *t
		m.Warn = &w
	}
	if t := cfg.AberrantAutosomes.Fail; t != nil {
		fl := *t
		m.Fail = &fl
	}
	result.SetAberrations(&q, autosomes)
	return q
}
