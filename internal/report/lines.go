package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// conditionLine states the result for one screened condition.
func conditionLine(v *result.Result, c string) Line {
	l := Line{Condition: c}
	switch c {
	case disclosure.T21, disclosure.T18, disclosure.T13:
		f, ok := finding(v, c)
		if !ok {
			return noCall(l, "Not analysed")
		}
		return trisomyLine(l, f, v.QC.Status != result.QCFail)
	case disclosure.SCA:
		return scaLine(l, v)
	case disclosure.RAT:
		return ratLine(l, v)
	case disclosure.CNV:
		return cnvLine(l, v)
	}
	return noCall(l, "Unknown condition")
}

func finding(v *result.Result, c string) (result.Finding, bool) {
	for _, f := range v.Aneuploidies {
		if f.Condition == c {
			return f, true
		}
	}
	return result.Finding{}, false
}

func noCall(l Line, reason string) Line {
	l.Result, l.Class, l.Detail = "No call", "nocall", reason
	return l
}

// trisomyLine states one trisomy finding with its residual risk; power
// adds the detection probability of a no call (not after a failed QC,
// which voids the calls: no residual risk either).
func trisomyLine(l Line, f result.Finding, power bool) Line {
	l.Risk = findingRisk(f, power)
	stats := fmt.Sprintf("%sz = %.2f", zMethodNote(f.Method), f.Z)
	if f.ZThreshold > 0 {
		stats += fmt.Sprintf(" against the high-risk threshold %.2f", f.ZThreshold)
	}
	stats += fmt.Sprintf(", log10 likelihood ratio %.1f", f.LogLR)
	switch f.Call {
	case result.HighRisk:
		l.Result, l.Class = "High risk", "high"
		l.Detail = "Increased dosage of " + f.Chrom + " consistent with trisomy (" + stats + ")"
		if f.FFImplied > 0 {
			l.Detail += "; implied fetal fraction " + pct1(f.FFImplied)
		}
		if f.Mosaic {
			l.Detail += "; the effect is smaller than the fetal fraction predicts: possible mosaicism"
		}
		if f.PossibleMaternal {
			l.Detail += "; the effect is larger than a fetal trisomy at this fetal fraction gives: possible maternal origin (maternal mosaicism, copy-number change or malignancy); maternal investigation is suggested"
		}
	case result.LowRisk:
		l.Result, l.Class = "Low risk", "low"
		l.Detail = "No evidence of trisomy (" + stats + ")"
		if f.PDetect > 0 {
			l.Detail += "; a full trisomy would have been detected with probability " + pctDetect(f.PDetect)
		}
	default:
		text := noCallText(f.NoCallReason)
		if power && f.PDetect > 0 && !strings.Contains(text, "probability") {
			text += "; a full trisomy would be detected with probability " + pctDetect(f.PDetect)
		}
		return noCall(l, text)
	}
	if f.MaternalCNV {
		l.Detail += "; a maternal copy-number change on " + f.Chrom + " was taken into account"
	}
	return l
}

// zMethodNote names the z-score method behind a finding
// (result.Finding.Method) as a prefix of "z"; the method list of the
// report explains them.
func zMethodNote(m string) string {
	switch m {
	case "":
		return ""
	case "pca":
		return "PCA "
	case "reference_bins":
		return "reference-bin "
	case "ncv":
		return "NCV "
	}
	return strings.ReplaceAll(m, "_", " ") + " "
}

// pctDetect prints a detection probability with one decimal, never rounding
// up to a certainty the calculation does not give.
func pctDetect(p float64) string {
	if p >= 0.9995 {
		return "> 99.9%"
	}
	return fmt.Sprintf("%.1f%%", 100*p)
}

// atLeast prints a lower bound on a detection probability.
func atLeast(p float64) string {
	if p >= 0.9995 {
		return "> 99.9%"
	}
	return "at least " + pctDetect(p)
}

// noCallText is the engine's no-call reason as a sentence.
func noCallText(reason string) string {
	if reason == "" {
		return "The data do not allow a call"
	}
	r, n := utf8.DecodeRuneInString(reason)
	return string(unicode.ToUpper(r)) + reason[n:]
}

func scaLine(l Line, v *result.Result) Line {
	if v.Pregnancy == result.PregnancyTwin {
		return noCall(l, "Not assessed in a twin pregnancy")
	}
	s := v.SCA
	switch s.Call {
	case result.HighRisk:
		l.Result, l.Class, l.Detail = "Detected", "high", "A sex chromosome aneuploidy is suspected"
		if s.Type != "" {
			l.Detail += ": " + s.Type
		}
		if s.PossibleMaternal {
			l.Detail += ". The sex-chromosome change is larger than a fetal one at this fetal fraction: maternal sex-chromosome mosaicism is the likelier cause; maternal karyotyping and diagnostic testing are suggested."
		} else {
			l.Detail += ". Maternal sex-chromosome mosaicism can cause this result; confirm by diagnostic testing."
		}
	case result.LowRisk:
		l.Result, l.Class, l.Detail = "Not detected", "low", "No evidence of a sex chromosome aneuploidy"
	default:
		reason := s.NoCallReason
		if reason == "" {
			reason = disclosure.GenericSCANoCall
		}
		return noCall(l, noCallText(reason))
	}
	return l
}

func ratLine(l Line, v *result.Result) Line {
	var high, highRisk, nocall []string
	n, low, minDetect, maxRisk := 0, 0, 1.0, 0.0
	usable := v.QC.Status != result.QCFail
	for _, f := range v.Aneuploidies {
		switch f.Condition {
		case disclosure.T21, disclosure.T18, disclosure.T13:
			continue
		}
		n++
		switch f.Call {
		case result.HighRisk:
			high = append(high, fmt.Sprintf("%s (z = %.2f)", trisomyName(f.Condition), f.Z))
			if r, ok := riskText(f.ResidualRisk); ok && usable {
				highRisk = append(highRisk, trisomyName(f.Condition)+" "+r)
			}
		case result.NoCall:
			nocall = append(nocall, f.Condition)
		default:
			low++
			minDetect = min(minDetect, f.PDetect)
			// The largest residual risk bounds each one; a risk that is
			// not usable (absent) leaves no bound at all.
			if f.ResidualRisk > 0 && maxRisk >= 0 {
				maxRisk = max(maxRisk, f.ResidualRisk)
			} else {
				maxRisk = -1
			}
		}
	}
	switch {
	case n == 0:
		return noCall(l, "Not analysed")
	case len(high) > 0:
		l.Result, l.Class = "High risk", "high"
		l.Detail = "Suspected " + strings.Join(high, ", ") + ". Rare trisomies are often confined to the placenta; confirm by amniocentesis."
		if len(highRisk) > 0 {
			l.Risk = "Probability after the test: " + strings.Join(highRisk, "; ")
		}
	case len(nocall) == n:
		return noCall(l, "No call for any rare autosomal trisomy")
	default:
		l.Result, l.Class, l.Detail = "Low risk", "low", "No evidence of a trisomy of another autosome"
		if low > 0 && minDetect > 0 {
			l.Detail += "; a full trisomy of any of them would have been detected with probability " + atLeast(minDetect)
		}
		if len(nocall) > 0 {
			l.Detail += "; no call for " + strings.Join(nocall, ", ")
		}
		if r, ok := riskText(maxRisk); ok && usable {
			if !strings.HasPrefix(r, "<") {
				r = "at most " + r
			}
			l.Risk = "Residual risk " + r + " for each chromosome"
			if len(nocall) > 0 {
				l.Risk += " called low risk"
			}
		}
	}
	return l
}

func cnvLine(l Line, v *result.Result) Line {
	var fetal, maternal []string
	for _, c := range v.CNVs {
		desc := fmt.Sprintf("%s %s (%s:%s–%s, %s, z = %.1f)", sizeMb(c.End-c.Start), c.Type, c.Chrom, mb(c.Start), mb(c.End), c.Origin, c.Z)
		if c.Origin == "maternal" {
			maternal = append(maternal, desc)
		} else {
			fetal = append(fetal, desc)
		}
	}
	switch {
	case len(fetal) > 0:
		l.Result, l.Class = "High risk", "high"
		l.Detail = "Suspected copy-number change: " + strings.Join(fetal, "; ")
	default:
		l.Result, l.Class = "Low risk", "low"
		l.Detail = "No fetal copy-number change detected at the resolution of this test"
	}
	if len(maternal) > 0 {
		l.Detail += ". Maternal finding (not a fetal result; consider maternal follow-up): " + strings.Join(maternal, "; ")
		if l.Class == "low" {
			l.Result, l.Class = "Low risk (maternal finding)", "info"
		}
	}
	return l
}

func mb(pos int) string   { return fmt.Sprintf("%.1f Mb", float64(pos)/1e6) }
func sizeMb(n int) string { return fmt.Sprintf("%.1f Mb", float64(n)/1e6) }

// limitations are the standard caveats of cfDNA screening (ACMG 2016, ISPD
// 2015), restricted to what the lab screens.
func limitations(v *result.Result, p *disclosure.Profile) []string {
	out := []string{
		"Cell-free DNA comes mostly from the placenta: confined placental mosaicism, a vanished twin, or a maternal chromosomal change, mosaicism or malignancy can cause false-positive or false-negative results.",
		"Sensitivity falls with the fetal fraction; results at a low fetal fraction carry more uncertainty, and a no call is given rather than a false reassurance when the data cannot tell.",
		"The test does not screen for conditions not listed, balanced rearrangements, triploidy, single-gene disorders or neural-tube defects; it does not replace ultrasound examination.",
	}
	if p.Screens(disclosure.CNV) {
		out = append(out, "Copy-number changes smaller than several megabases, and changes present in only some cells, may not be detected.")
	}
	if p.Screens(disclosure.SCA) {
		out = append(out, "Sex chromosome results are less accurate than those for trisomies 21, 18 and 13 and can reflect the mother's own sex chromosomes.")
	}
	if v.Pregnancy == result.PregnancyTwin {
		share := ""
		if ff := v.FetalFraction; ff.Known() {
			share = fmt.Sprintf(" (%s of %s)", pct1(ff.Value/2), pct1(ff.Value))
		}
		out = append(out, "Twin pregnancy: the results concern at least one of the fetuses, which cannot be told apart. The calls assume that each fetus carries half the measured fetal fraction"+share+"; a fetus with a smaller share is screened with less sensitivity. The sex chromosomes are not assessed.")
	}
	if v.Pregnancy == result.PregnancyMonochorionic {
		out = append(out, "Monochorionic twin pregnancy: the twins are taken to share one karyotype (monozygotic), so the results apply to both; the rare twins discordant for a chromosomal change are not recognised.")
	}
	if v.QC.Status != result.QCPass && len(v.QC.Reasons) > 0 {
		out = append(out, "Quality control: "+strings.Join(qcReasons(v.QC), "; ")+".")
	}
	return out
}
