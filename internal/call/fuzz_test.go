package call

import "testing"

// FuzzParseConfig: no input makes the QC config parser panic, and an
// accepted config always validates.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("z_threshold = 3.5\n[reads]\nwarn = 5000000\n"))
	f.Add([]byte("[mapd]\nwarn = 3\nfail = 2\n"))
	f.Add([]byte("detection_power = \"x\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("accepted an invalid config: %v", err)
			}
		}
	})
}
