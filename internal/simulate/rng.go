package simulate

import (
	"math"
	"math/rand/v2"
)

// mix is the SplitMix64 finaliser (Steele, Lea & Flood 2014), used to derive
// independent seeds and PCG stream numbers from a seed and small integers.
func mix(vs ...uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range vs {
		h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		z := h
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		h = z ^ (z >> 31)
	}
	return h
}

// hashString folds a label (e.g. a batch name) into a seed component
// (FNV-1a, 64 bit).
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// SampleSeed derives the seed of the index-th sample of a cohort from the
// cohort seed, so that samples can be simulated in any order or in parallel
// and still give the same output.
func SampleSeed(cohortSeed uint64, index int) uint64 {
	return mix(cohortSeed, 0x5a3b1e, uint64(index))
}

// newRand returns a PCG generator for a seed and a named stream.
func newRand(seed uint64, stream ...uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix(stream...)))
}

// Stream identifiers (first element of the stream key).
const (
	streamSample  = 1 // per-sample parameters (GC curve)
	streamPlan    = 2 // per-contig counts that nipt count sees
	streamDetail  = 3 // per-contig record details (positions, flags, extras)
	streamUnmap   = 4 // unplaced unmapped reads
	streamExtra   = 5 // per-contig counts of records nipt count drops
	streamLibrary = 10
	streamBatch   = 11
	streamFetal   = 12
	streamLoading = 13
	streamBlack   = 14
)

// poisson draws a Poisson variate with mean lambda: sequential-search
// inversion below 12, otherwise the PTRS transformed-rejection method of
// Hörmann (1993, Insurance: Mathematics and Economics 12:39–45), which is
// exact and needs about 1.2 uniform pairs per draw.
func poisson(r *rand.Rand, lambda float64) int {
	if !(lambda > 0) {
		return 0
	}
	if lambda < 12 {
		u := r.Float64()
		p := math.Exp(-lambda)
		f := p
		k := 0
		for u > f && k < 1000 {
			k++
			p *= lambda / float64(k)
			f += p
		}
		return k
	}
	slam := math.Sqrt(lambda)
	loglam := math.Log(lambda)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lambda + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -lambda+k*loglam-lg {
			return int(k)
		}
	}
}

// gammaMean1 draws a gamma variate with the given shape and mean 1 (scale
// 1/shape), by Marsaglia & Tsang (2000, ACM TOMS 26:363–372); shape < 1 uses
// their boost G(a) = G(a+1)·U^(1/a).
func gammaMean1(r *rand.Rand, shape float64) float64 {
	if math.IsInf(shape, 1) {
		return 1
	}
	a := shape
	boost := 1.0
	if a < 1 {
		boost = math.Pow(r.Float64(), 1/a)
		a++
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * boost / shape
		}
	}
}

// alias is Walker's alias table (Vose's construction) for O(1) draws from a
// discrete distribution over offset, offset+1, ….
type alias struct {
	offset int
	prob   []float64
	alias  []int32
}

func newAlias(offset int, w []float64) *alias {
	n := len(w)
	t := &alias{offset: offset, prob: make([]float64, n), alias: make([]int32, n)}
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, v := range w {
		scaled[i] = v / sum * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.prob[s], t.alias[s] = scaled[s], int32(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		t.prob[i], t.alias[i] = 1, int32(i)
	}
	for _, i := range small {
		t.prob[i], t.alias[i] = 1, int32(i)
	}
	return t
}

func (t *alias) draw(r *rand.Rand) int {
	u := r.Float64() * float64(len(t.prob))
	i := int(u)
	if u-float64(i) < t.prob[i] {
		return t.offset + i
	}
	return t.offset + int(t.alias[i])
}
