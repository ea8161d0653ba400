package fetalfraction

import (
	"fmt"
	"math"
)

// Linear is a simple least-squares line y = A + B·x, used for the
// fragment-size fetal fraction: fetal cfDNA fragments are shorter than
// maternal ones (Lo et al. 2010, Sci Transl Med 2:61ra91), so the fraction of
// short fragments rises linearly with the fetal fraction (Yu et al. 2014,
// PNAS 111:8583).
type Linear struct {
	A, B float64
	// CV holds exact leave-one-out predictions.
	CV        CV        `json:"cv"`
	Residuals []float64 `json:"-"`
	// Cal is the measurement model of the leave-one-out predictions
	// against the target (FitCalibration; zero when it could not be
	// fitted).
	Cal Calibration `json:"calibration"`
}

// FitLinear fits y on x by ordinary least squares with exact leave-one-out
// errors (e_i / (1 − h_ii)).
func FitLinear(x, y []float64) (*Linear, error) {
	n := len(x)
	if n < 5 || len(y) != n {
		return nil, fmt.Errorf("fetalfraction: need at least 5 paired values, got %d and %d", len(x), len(y))
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, sxy float64
	for i := range x {
		sxx += (x[i] - mx) * (x[i] - mx)
		sxy += (x[i] - mx) * (y[i] - my)
	}
	if !(sxx > 0) {
		return nil, fmt.Errorf("fetalfraction: the predictor does not vary")
	}
	l := &Linear{B: sxy / sxx}
	l.A = my - l.B*mx
	pred := make([]float64, n)
	l.Residuals = make([]float64, n)
	for i := range x {
		fit := l.A + l.B*x[i]
		h := 1/float64(n) + (x[i]-mx)*(x[i]-mx)/sxx
		e := (y[i] - fit) / math.Max(1-h, 1e-9)
		pred[i] = y[i] - e
		l.Residuals[i] = pred[i] - y[i]
	}
	l.CV = NewCV(pred, y)
	if cal, err := FitCalibration(pred, y); err == nil {
		l.Cal = cal
	}
	return l, nil
}

// Predict returns A + B·x.
func (l *Linear) Predict(x float64) float64 { return l.A + l.B*x }
