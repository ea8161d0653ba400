package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

type keyedObs struct {
	key string
	obs fhirObservation
}

// presence maps a call to the LL1971-2 answer.
func presence(c result.Call) fhirCoding {
	switch c {
	case result.HighRisk:
		return ansPresent
	case result.LowRisk:
		return ansAbsent
	}
	return ansNoCall
}

func classOf(c result.Call) string {
	switch c {
	case result.HighRisk:
		return "high"
	case result.LowRisk:
		return "low"
	}
	return "nocall"
}

// variant is an observation with the Variant profile of the Genomics
// Reporting IG.
func variant(text string, c result.Call, note string, comps ...fhirComponent) fhirObservation {
	o := fhirObservation{Meta: &fhirMeta{Profile: []string{igBase + "variant"}},
		Code: fhirCC{Coding: []fhirCoding{codeVariant}, Text: text}, ValueCodeableConcept: cc(presence(c)),
		Interpretation: interp(classOf(c)), Component: comps}
	if note != "" {
		o.Note = []fhirAnnotation{{Text: note}}
	}
	return o
}

func assembly(build string) fhirComponent {
	if a, ok := assemblies[build]; ok {
		return fhirComponent{Code: *cc(codeAssembly), ValueCodeableConcept: cc(a)}
	}
	return fhirComponent{Code: *cc(codeAssembly), ValueCodeableConcept: &fhirCC{Text: build}}
}

func statComps(z, lr float64) []fhirComponent {
	return []fhirComponent{
		{Code: local("z-score", "Chromosome dosage z-score"), ValueQuantity: &fhirQuantity{Value: round(z, 3)}},
		{Code: local("log10-lr", "log10 likelihood ratio, trisomy versus euploidy"), ValueQuantity: &fhirQuantity{Value: round(lr, 3)}},
	}
}

// variantObservations makes one Variant observation per screened condition
// line: the common trisomies, each rare trisomy, the SCA result and each CNV.
func variantObservations(v *result.Result, m *Model) []keyedObs {
	var out []keyedObs
	note := map[string]string{}
	for _, l := range m.Lines {
		note[l.Condition] = l.Result + ": " + l.Detail
		if l.Risk != "" {
			note[l.Condition] = l.Result + ": " + l.Risk + ". " + l.Detail
		}
	}
	prenatal := fhirComponent{Code: *cc(codeSource), ValueCodeableConcept: cc(ansPrenatal)}
	trisomy := func(f result.Finding, text, n string) fhirObservation {
		comps := []fhirComponent{{Code: *cc(codeChrom), ValueCodeableConcept: ptr(chromAnswer(f.Chrom))},
			{Code: *cc(codeChange), ValueCodeableConcept: cc(soGain)}, prenatal, assembly(v.Reference.Build)}
		if f.Call == result.HighRisk {
			comps = append(comps, fhirComponent{Code: *cc(codeCopyNum), ValueQuantity: &fhirQuantity{Value: 3}})
		}
		comps = append(comps, statComps(f.Z, f.LogLR)...)
		comps = append(comps, fhirComponent{Code: local("detection-probability", "Probability that a full trisomy at this fetal fraction reaches the call threshold"), ValueQuantity: pctQ(f.PDetect)})
		if c, ok := riskComponent(f, v.QC.Status != result.QCFail); ok {
			comps = append(comps, c)
		}
		o := variant(text, f.Call, n, comps...)
		if f.Method != "" {
			o.Method = &fhirCC{Coding: []fhirCoding{{System: NiptCodeSystem, Code: "z-" + f.Method, Display: zMethodNote(f.Method) + "chromosome z-score"}}}
		}
		return o
	}
	for _, c := range []string{disclosure.T21, disclosure.T18, disclosure.T13} {
		if f, ok := finding(v, c); ok && hasLine(m, c) {
			out = append(out, keyedObs{strings.ToLower(c), trisomy(f, conditionNames[c]+" screen", note[c])})
		}
	}
	if hasLine(m, disclosure.RAT) {
		for _, f := range v.Aneuploidies {
			switch f.Condition {
			case disclosure.T21, disclosure.T18, disclosure.T13:
				continue
			}
			n := f.NoCallReason
			if n != "" {
				n = "No call: " + n
			}
			out = append(out, keyedObs{strings.ToLower(f.Condition), trisomy(f, "Trisomy "+strings.TrimPrefix(f.Condition, "T")+" screen (rare autosomal trisomy)", n)})
		}
	}
	if hasLine(m, disclosure.SCA) {
		var comps []fhirComponent
		if v.SCA.Type != "" {
			comps = append(comps, fhirComponent{Code: *cc(codeISCN), ValueCodeableConcept: &fhirCC{Text: v.SCA.Type}})
		}
		comps = append(comps, prenatal)
		call := v.SCA.Call
		if call == "" {
			call = result.NoCall
		}
		out = append(out, keyedObs{"sca", variant(conditionNames[disclosure.SCA]+" screen", call, note[disclosure.SCA], comps...)})
	}
	if hasLine(m, disclosure.CNV) {
		fetal := 0
		for i, c := range v.CNVs {
			so, source := soGain, ansPrenatal
			if c.Type == "loss" {
				so = soLoss
			}
			switch c.Origin {
			case "maternal":
				source = ansGermline
			case "fetal":
				fetal++
			default:
				source = ansUnknownSC
			}
			comps := []fhirComponent{
				{Code: *cc(codeChrom), ValueCodeableConcept: ptr(chromAnswer(c.Chrom))},
				{Code: *cc(codeStartEnd), ValueRange: &fhirRange{Low: &fhirQuantity{Value: float64(c.Start)}, High: &fhirQuantity{Value: float64(c.End)}}},
				{Code: *cc(codeCoordSys), ValueCodeableConcept: cc(ans0Based)},
				{Code: *cc(codeChange), ValueCodeableConcept: cc(so)},
				{Code: *cc(codeCopyNum), ValueQuantity: &fhirQuantity{Value: round(c.CopyNumber, 2)}},
				{Code: *cc(codeSource), ValueCodeableConcept: cc(source)},
				assembly(v.Reference.Build),
				{Code: local("z-score", "Segment z-score"), ValueQuantity: &fhirQuantity{Value: round(c.Z, 3)}},
			}
			text := fmt.Sprintf("Copy-number %s %s:%d-%d (%s origin)", c.Type, c.Chrom, c.Start, c.End, c.Origin)
			o := variant(text, result.HighRisk, "", comps...)
			if c.Origin == "maternal" {
				// Present, but a maternal finding, not a positive fetal screen.
				o.Interpretation = nil
				o.Note = []fhirAnnotation{{Text: "Maternal copy-number change: not a fetal finding; consider maternal follow-up."}}
			}
			out = append(out, keyedObs{fmt.Sprintf("cnv-%d", i), o})
		}
		if fetal == 0 {
			out = append(out, keyedObs{"cnv-screen", variant(conditionNames[disclosure.CNV]+" screen: no fetal copy-number change", result.LowRisk, note[disclosure.CNV], prenatal)})
		}
	}
	return out
}

// riskComponent is the residual risk of a called trisomy (high or low
// risk; usable: QC did not fail) as a probability: valueQuantity with
// the UCUM unit "1" (a fraction, 0–1, three significant digits as in
// result.json), coded nipt residual-risk and, for T21 and T13, with the
// LOINC fetal trisomy risk term. A no call, or a finding without a usable
// risk (riskText), has none, as in the printed report.
func riskComponent(f result.Finding, usable bool) (fhirComponent, bool) {
	if _, ok := riskText(f.ResidualRisk); !ok || !usable || f.Call == result.NoCall {
		return fhirComponent{}, false
	}
	code := local("residual-risk", "Residual risk: probability of the trisomy after the test (prior risk updated by the likelihood ratio)")
	if lc, ok := codeRiskLOINC[f.Condition]; ok {
		code.Coding = append([]fhirCoding{lc}, code.Coding...)
	}
	return fhirComponent{Code: code, ValueQuantity: &fhirQuantity{Value: sig3(f.ResidualRisk), Unit: "1", System: ucum, Code: "1"}}, true
}

// sig3 rounds x to three significant digits.
func sig3(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return v
}

func hasLine(m *Model, c string) bool {
	for _, l := range m.Lines {
		if l.Condition == c {
			return true
		}
	}
	return false
}

func ptr[T any](x T) *T { return &x }
