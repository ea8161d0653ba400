package evaluate

import (
	"math"
	"strconv"
)

// Float is a float64 that encodes to JSON with six significant digits
// (ample for proportions of cohorts below a million and keeps the file
// readable) and as null when it is NaN or infinite (JSON has no NaN).
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', 6, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler; null decodes to NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// IsNaN reports whether f is NaN.
func (f Float) IsNaN() bool { return math.IsNaN(float64(f)) }
