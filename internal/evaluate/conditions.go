package evaluate

import "strconv"

// condition defines how one screened condition is scored.
type condition struct {
	name, definition string
	sensitivityOnly  bool
	// unavailable returns why the summary cannot be scored, "" if it can.
	unavailable func(*Summary) string
	// classify says whether sample j is part of this condition's table,
	// whether it is truth-positive, and the reported call.
	classify func(j *joined) (relevant, positive bool, call Call)
	// ff is the fetal fraction used for the FF bins; nil: the true FF.
	ff func(j *joined) float64
}

func hasCall(chrom int) func(*Summary) string {
	return func(s *Summary) string {
		for _, c := range s.CallChroms {
			if c == chrom {
				return ""
			}
		}
		return "summary has no call" + strconv.Itoa(chrom) + " column"
	}
}

func trisomyCondition(chrom int) condition {
	name := "T" + strconv.Itoa(chrom)
	return condition{
		name:        name,
		definition:  "positive: full (non-mosaic) trisomy " + strconv.Itoa(chrom) + "; negative: no trisomy " + strconv.Itoa(chrom) + "; mosaic " + name + " samples are scored in the mosaic row only",
		unavailable: hasCall(chrom),
		classify: func(j *joined) (bool, bool, Call) {
			if j.t.Trisomy == chrom && j.t.IsMosaic() {
				return false, false, ""
			}
			return true, j.t.FullTrisomy(chrom), j.trisomyCall(chrom)
		},
	}
}

// ratChroms lists the autosomes other than 13, 18 and 21 with a reported call.
func ratChroms(s *Summary) []int {
	var out []int
	for _, c := range s.CallChroms {
		if !isCommonTrisomy(c) {
			out = append(out, c)
		}
	}
	return out
}

func isRAT(chrom int) bool { return chrom != 0 && !isCommonTrisomy(chrom) }

func ratCondition(s *Summary) condition {
	chroms := ratChroms(s)
	return condition{
		name:       "RAT",
		definition: "rare autosomal trisomies (any autosome but 13, 18, 21) pooled; positive: full trisomy, detected only when called on its own chromosome; negative: no rare trisomy, false positive when any rare trisomy is called",
		unavailable: func(s *Summary) string {
			if len(chroms) == 0 {
				return "summary has no rat column and no call<N> column for a rare autosome"
			}
			return ""
		},
		classify: func(j *joined) (bool, bool, Call) {
			if isRAT(j.t.Trisomy) {
				if j.t.IsMosaic() {
					return false, false, ""
				}
				return true, true, j.trisomyCall(j.t.Trisomy)
			}
			// Any high-risk call is a false positive; else a no-call on any
			// rare autosome makes the sample a no-call.
			agg := NotReported
			for _, c := range chroms {
				switch call := j.trisomyCall(c); {
				case call == HighRisk:
					return true, false, HighRisk
				case call == NoCall:
					agg = NoCall
				case call == LowRisk && agg == NotReported:
					agg = LowRisk
				}
			}
			return true, false, agg
		},
	}
}

func mosaicCondition() condition {
	return condition{
		name:            "mosaic trisomy",
		definition:      "samples with a mosaic trisomy of any autosome (mosaic < 1), detected when called high risk on that chromosome; FF bins use the effective FF = FF × mosaic fraction",
		sensitivityOnly: true,
		unavailable:     func(s *Summary) string { return "" },
		classify: func(j *joined) (bool, bool, Call) {
			if !j.t.IsMosaic() {
				return false, false, ""
			}
			return true, true, j.trisomyCall(j.t.Trisomy)
		},
		ff: func(j *joined) float64 { return j.t.FF * j.t.Mosaic },
	}
}

func hasSCA(s *Summary) string {
	if !s.HasSCA {
		return "summary has no sca column"
	}
	return ""
}

// scaCall is the reported sex-chromosome call.
func (j *joined) scaCall() SCACall {
	switch {
	case j.c == nil:
		return SCACall{Call: NoCall}
	case j.c.SCA.Call == NotReported && !(j.c.QCFail() && j.sum.scaScreened):
		return j.c.SCA
	case j.c.QCFail():
		return SCACall{Call: NoCall}
	}
	return j.c.SCA
}

func scaAnyCondition() condition {
	return condition{
		name:        "SCA",
		definition:  "any sex-chromosome aneuploidy (45,X, 47,XXX, 47,XXY, 47,XYY); detected when the sca call is high risk or names any SCA type",
		unavailable: hasSCA,
		classify: func(j *joined) (bool, bool, Call) {
			return true, j.t.SCA != "", j.scaCall().Call
		},
	}
}

// scaTypeCondition scores one karyotype. In "type" mode it is one-vs-rest
// (a true 47,XXY called 47,XXX is a false negative for 47,XXY and a false
// positive for 47,XXX); in "presence" mode only sensitivity is defined.
func scaTypeCondition(typ, mode string) condition {
	c := condition{name: typ, unavailable: hasSCA}
	if mode == "presence" {
		c.definition = "true " + typ + " detected as an SCA (the summary does not name types, so specificity per type is undefined)"
		c.sensitivityOnly = true
		c.classify = func(j *joined) (bool, bool, Call) {
			return j.t.SCA == typ, true, j.scaCall().Call
		}
		return c
	}
	c.definition = "one versus rest: positive " + typ + "; detected when the call names " + typ
	c.classify = func(j *joined) (bool, bool, Call) {
		sc := j.scaCall()
		call := sc.Call
		if call == HighRisk && sc.Type != typ {
			call = LowRisk
		}
		return true, j.t.SCA == typ, call
	}
	return c
}

// scaMode is "type" when the summary names SCA types for every high-risk
// SCA call, "presence" otherwise.
func scaMode(s *Summary, rep *Report) string {
	typed, untyped := 0, 0
	for _, c := range s.Samples {
		if c.SCA.Call == HighRisk {
			if c.SCA.Type != "" {
				typed++
			} else {
				untyped++
			}
		}
	}
	if typed > 0 && untyped > 0 {
		rep.Warnings = append(rep.Warnings, "the sca column names the type for some high-risk calls but not for others: per-type results use presence only")
	}
	if typed > 0 && untyped == 0 {
		return "type"
	}
	return "presence"
}

func cnvCondition() condition {
	return condition{
		name:       "CNV",
		definition: "sample level: positive when the sample carries a true CNV, detected when at least one of its CNVs is matched; negative samples are false positive when any call is neither matched nor explained by an aneuploidy",
		unavailable: func(s *Summary) string {
			if !s.HasCNVs {
				return "summary has no cnvs column"
			}
			return ""
		},
		classify: func(j *joined) (bool, bool, Call) {
			return true, len(j.cnv.truth) > 0, j.cnv.call
		},
	}
}

// conditions lists the conditions in report order.
func conditions(s *Summary, mode string) []condition {
	cs := []condition{trisomyCondition(21), trisomyCondition(18), trisomyCondition(13), ratCondition(s), mosaicCondition(), scaAnyCondition()}
	for _, t := range scaTypes {
		cs = append(cs, scaTypeCondition(t, mode))
	}
	return append(cs, cnvCondition())
}

// evaluateConditions scores every condition and collects discordances.
func evaluateConditions(js []*joined, s *Summary, opt Options, bins []FFBin, mode string, rep *Report) []ConditionResult {
	var out []ConditionResult
	for _, cd := range conditions(s, mode) {
		r := ConditionResult{Condition: cd.name, Definition: cd.definition, SensitivityOnly: cd.sensitivityOnly}
		if why := cd.unavailable(s); why != "" {
			r.NotEvaluatedReason = why
			r.Sensitivity = newProportion(0, 0, opt.CI, opt.Confidence)
			r.Specificity = r.Sensitivity
			r.ByFF = []ConditionBin{}
			out = append(out, r)
			continue
		}
		r.Evaluated = true
		byFF := make([]Counts, len(bins))
		var atMin Counts
		for _, j := range js {
			relevant, positive, call := cd.classify(j)
			if !relevant {
				continue
			}
			ff := j.t.FF
			if cd.ff != nil {
				ff = cd.ff(j)
			}
			b := binOf(bins, ff)
			kind := r.Counts.add(positive, call)
			byFF[b].add(positive, call)
			if opt.MinFF >= 0 && ff >= opt.MinFF {
				atMin.add(positive, call)
			}
			if kind != "" {
				rep.Discordant = append(rep.Discordant, Discordance{
					Sample: j.t.Sample, Condition: cd.name, Kind: kind,
					TrueFF: Float(j.t.FF), Call: string(call),
				})
			}
		}
		if r.Positives+r.Negatives == 0 && r.NotReported > 0 {
			// The column exists but is NA throughout (e.g. a lab profile
			// that does not screen for the condition).
			r.Evaluated = false
			r.NotEvaluatedReason = "no sample has a reported call (NA throughout)"
		}
		r.Sensitivity, r.Specificity = r.Counts.rates(opt)
		r.ByFF = []ConditionBin{}
		for i, c := range byFF {
			if c.Positives+c.Negatives+c.NotReported == 0 {
				continue
			}
			sens, spec := c.rates(opt)
			r.ByFF = append(r.ByFF, ConditionBin{Bin: bins[i], Counts: c, Sensitivity: sens, Specificity: spec})
		}
		if opt.MinFF >= 0 {
			sens, spec := atMin.rates(opt)
			r.AtMinFF = &ConditionBin{Bin: FFBin{Label: "≥" + pct(opt.MinFF), Low: Float(opt.MinFF), High: 1}, Counts: atMin, Sensitivity: sens, Specificity: spec}
		}
		if cd.sensitivityOnly {
			r.Specificity = newProportion(0, 0, opt.CI, opt.Confidence)
			if r.AtMinFF != nil {
				r.AtMinFF.Specificity = r.Specificity
			}
		}
		out = append(out, r)
	}
	if rep.Discordant == nil {
		rep.Discordant = []Discordance{}
	}
	return out
}

// add counts one sample and returns "false_negative"/"false_positive" for
// a discordant result, "" otherwise.
func (c *Counts) add(positive bool, call Call) string {
	if call == NotReported {
		c.NotReported++
		return ""
	}
	if positive {
		c.Positives++
		switch call {
		case HighRisk:
			c.TP++
		case LowRisk:
			c.FN++
			return "false_negative"
		default:
			c.NoCallPositive++
		}
		return ""
	}
	c.Negatives++
	switch call {
	case LowRisk:
		c.TN++
	case HighRisk:
		c.FP++
		return "false_positive"
	default:
		c.NoCallNegative++
	}
	return ""
}

// rates are sensitivity TP/(TP+FN) and specificity TN/(TN+FP).
func (c Counts) rates(opt Options) (sens, spec Proportion) {
	return newProportion(c.TP, c.TP+c.FN, opt.CI, opt.Confidence),
		newProportion(c.TN, c.TN+c.FP, opt.CI, opt.Confidence)
}
