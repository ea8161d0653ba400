package report

import (
	"encoding/json"
	"fmt"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// MultiQC custom content (docs: https://docs.seqera.io/multiqc/custom_content):
// a general-statistics table and a scatter plot, each a *_mqc.json file.

type mqcColumn struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Min         *float64 `json:"min,omitempty"`
	Max         *float64 `json:"max,omitempty"`
	Suffix      string   `json:"suffix,omitempty"`
	Format      string   `json:"format,omitempty"`
	Scale       string   `json:"scale,omitempty"`
}

// mqcRow is one sample's general-statistics values (fixed field order).
type mqcRow struct {
	Reads   float64  `json:"nipt_reads"`
	FF      *float64 `json:"nipt_ff,omitempty"` // nil when not measured
	Z13     *float64 `json:"nipt_z13,omitempty"`
	Z18     *float64 `json:"nipt_z18,omitempty"`
	Z21     *float64 `json:"nipt_z21,omitempty"`
	QCScore int      `json:"nipt_qc"`
}

// orderedData marshals samples as a JSON object in the given order.
type orderedData[T any] []struct {
	Name  string
	Value T
}

func (o orderedData[T]) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, e := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(e.Name)
		v, err := json.Marshal(e.Value)
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

// qcScore codes the QC verdict for a numeric column: 2 pass, 1 warn, 0 fail.
func qcScore(s result.QCStatus) int {
	switch s {
	case result.QCPass:
		return 2
	case result.QCWarn:
		return 1
	}
	return 0
}

// MultiQCGeneralStats is the general-statistics custom content for the
// samples (views made by disclosure.Apply, in report order).
func MultiQCGeneralStats(views []*result.Result) ([]byte, error) {
	zero, hundred, two := 0.0, 100.0, 2.0
	headers := []map[string]mqcColumn{
		{"nipt_reads": {Title: "NIPT reads (M)", Description: "Reads used by nipt, millions", Format: "{:,.2f}", Scale: "Blues", Min: &zero}},
		{"nipt_ff": {Title: "FF", Description: "Fetal fraction (combined estimate)", Suffix: "%", Format: "{:,.1f}", Min: &zero, Max: &hundred, Scale: "Greens"}},
		{"nipt_z13": {Title: "z13", Description: "Chromosome 13 z-score", Format: "{:,.2f}", Scale: "RdBu"}},
		{"nipt_z18": {Title: "z18", Description: "Chromosome 18 z-score", Format: "{:,.2f}", Scale: "RdBu"}},
		{"nipt_z21": {Title: "z21", Description: "Chromosome 21 z-score", Format: "{:,.2f}", Scale: "RdBu"}},
		{"nipt_qc": {Title: "QC", Description: "nipt QC verdict: 2 pass, 1 warn, 0 fail", Format: "{:,.0f}", Min: &zero, Max: &two, Scale: "RdYlGn"}},
	}
	var data orderedData[mqcRow]
	for _, v := range views {
		if err := disclosure.Verify(v); err != nil {
			return nil, fmt.Errorf("multiqc: sample %s: %w", v.Sample, err)
		}
		row := mqcRow{Reads: round(SampleReads(v)/1e6, 4), QCScore: qcScore(v.QC.Status)}
		if v.FetalFraction.Known() {
			row.FF = ptr(round(100*v.FetalFraction.Value, 2))
		}
		for _, z := range []struct {
			c   string
			dst **float64
		}{{disclosure.T13, &row.Z13}, {disclosure.T18, &row.Z18}, {disclosure.T21, &row.Z21}} {
			if f, ok := finding(v, z.c); ok {
				*z.dst = ptr(round(f.Z, 3))
			}
		}
		data = append(data, struct {
			Name  string
			Value mqcRow
		}{v.Sample, row})
	}
	return marshalMQC(map[string]any{
		"id":           "nipt_general_stats",
		"plot_type":    "generalstats",
		"headers":      headers,
		"data":         data,
		"section_name": "nipt",
	})
}

// MultiQCScatter is a scatter plot of the chromosome 21 z-score against the
// fetal fraction.
func MultiQCScatter(views []*result.Result) ([]byte, error) {
	type xy struct {
		X float64 `json:"x"`
		Y float64 `json:"y"`
	}
	var data orderedData[xy]
	for _, v := range views {
		if err := disclosure.Verify(v); err != nil {
			return nil, fmt.Errorf("multiqc: sample %s: %w", v.Sample, err)
		}
		if f, ok := finding(v, disclosure.T21); ok && v.FetalFraction.Known() {
			data = append(data, struct {
				Name  string
				Value xy
			}{v.Sample, xy{round(100*v.FetalFraction.Value, 2), round(f.Z, 3)}})
		}
	}
	return marshalMQC(map[string]any{
		"id":           "nipt_z21_ff",
		"section_name": "nipt: chromosome 21 z-score against fetal fraction",
		"description":  "A trisomy 21 raises z with the fetal fraction; euploid samples stay within ±3 at any fetal fraction.",
		"plot_type":    "scatter",
		"pconfig":      map[string]any{"id": "nipt_z21_ff_plot", "title": "nipt: z21 against fetal fraction", "xlab": "fetal fraction (%)", "ylab": "z (chromosome 21)"},
		"data":         data,
	})
}

// marshalMQC writes indented JSON; encoding/json sorts map keys, so the
// output is deterministic.
func marshalMQC(v map[string]any) ([]byte, error) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("multiqc: %w", err)
	}
	return append(out, '\n'), nil
}

// SampleReads is the "reads" QC metric, or the sum of the chromosome reads.
func SampleReads(v *result.Result) float64 {
	for _, m := range v.QC.Metrics {
		if m.Name == "reads" {
			return m.Value
		}
	}
	var n int64
	for _, c := range v.Chromosomes {
		n += c.Reads
	}
	return float64(n)
}
