package disclosure

import "fmt"

// Performance is the lab's validated screening performance for one
// condition, as ACMG (Gregg et al. 2016) requires on every report.
type Performance struct {
	Condition     string
	DetectionRate float64 // sensitivity, 0..1
	Specificity   float64 // 0..1
	// Prevalence is the prior probability of the condition in the tested
	// population; 0 when the lab gave PPV and NPV directly.
	Prevalence float64
	PPV, NPV   float64
	// PPVDerived/NPVDerived: computed from DetectionRate, Specificity and
	// Prevalence by Bayes' rule rather than given.
	PPVDerived, NPVDerived bool
	// Basis says where the figures come from (validation study, cohort size).
	Basis string
}

// Predictive returns the positive and negative predictive values of a test
// with sensitivity sens and specificity spec at prevalence prev (Bayes' rule):
//
//	PPV = sens·prev / (sens·prev + (1−spec)·(1−prev))
//	NPV = spec·(1−prev) / (spec·(1−prev) + (1−sens)·prev)
func Predictive(sens, spec, prev float64) (ppv, npv float64, err error) {
	for _, v := range []struct {
		name string
		x    float64
	}{{"detection_rate", sens}, {"specificity", spec}, {"prevalence", prev}} {
		if !(v.x >= 0 && v.x <= 1) {
			return 0, 0, fmt.Errorf("%s = %v is not a fraction in [0, 1]", v.name, v.x)
		}
	}
	tp, fp := sens*prev, (1-spec)*(1-prev)
	tn, fn := spec*(1-prev), (1-sens)*prev
	if tp+fp == 0 || tn+fn == 0 {
		return 0, 0, fmt.Errorf("predictive values undefined for detection_rate %v, specificity %v, prevalence %v", sens, spec, prev)
	}
	return tp / (tp + fp), tn / (tn + fn), nil
}

// literaturePerformance gives DefaultProfile published figures, never a lab's
// own validation:
//   - detection rate and false-positive rate: Gil et al. 2017, Ultrasound
//     Obstet Gynecol 50:302 (meta-analysis of cfDNA screening, singletons):
//     T21 99.7% / 0.04%, T18 97.9% / 0.04%, T13 99.0% / 0.04%, 45,X
//     95.8% / 0.14% (used for SCA as the least favourable SCA figure);
//   - prevalence at birth (MedlinePlus Genetics): T21 1/700, T18 1/5000,
//     T13 1/16000; SCA ≈ 1/500 births, the sum of 45,X (1/2500 girls),
//     47,XXY (1/650 boys), 47,XXX (1/1000 girls) and 47,XYY (1/1000 boys).
//
// Prevalence at 10–14 weeks is higher than at birth (fetal loss), so these
// PPVs are conservative.
func literaturePerformance(c string) Performance {
	const basis = "published figures (Gil et al. 2017 meta-analysis; prevalence at birth), not this laboratory's validation: configure performance in the lab profile"
	var sens, fpr, prev float64
	switch c {
	case T21:
		sens, fpr, prev = 0.997, 0.0004, 1.0/700
	case T18:
		sens, fpr, prev = 0.979, 0.0004, 1.0/5000
	case T13:
		sens, fpr, prev = 0.990, 0.0004, 1.0/16000
	case SCA:
		sens, fpr, prev = 0.958, 0.0014, 1.0/500
	default:
		return Performance{Condition: c, Basis: "no published figure"}
	}
	p := Performance{Condition: c, DetectionRate: sens, Specificity: 1 - fpr, Prevalence: prev, Basis: basis, PPVDerived: true, NPVDerived: true}
	p.PPV, p.NPV, _ = Predictive(p.DetectionRate, p.Specificity, p.Prevalence)
	return p
}
