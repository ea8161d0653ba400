package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
)

// walkRefs collects every "reference" value in a decoded JSON tree.
func walkRefs(x any, out *[]string) {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && k == "reference" {
				*out = append(*out, s)
			}
			walkRefs(e, out)
		}
	case []any:
		for _, e := range v {
			walkRefs(e, out)
		}
	}
}

func codes(cc any) []string {
	m, _ := cc.(map[string]any)
	var out []string
	list, _ := m["coding"].([]any)
	for _, c := range list {
		cm := c.(map[string]any)
		out = append(out, cm["system"].(string)+"|"+cm["code"].(string))
	}
	return out
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestFHIRBundleStructure validates the bundle against the R4 and Genomics
// Reporting IG rules nipt relies on: required elements present, every
// reference resolves inside the bundle, fixed codes and answer lists used.
func TestFHIRBundleStructure(t *testing.T) {
	eu := euProfile(t)
	tests := []struct {
		cond, overall string
		variantValues []string // values that must occur among Variant observations
	}{
		{"euploid", "LA6577-6", []string{"LA9634-2"}},
		{"T21", "LA6576-8", []string{"LA9633-4", "LA9634-2"}},
		{"lowff", "LA9664-9", []string{"LA18198-4"}},
		{"CNV", "LA6576-8", []string{"LA9633-4"}},
	}
	for _, tc := range tests {
		t.Run(tc.cond, func(t *testing.T) {
			v, m := fixtureModel(t, disclosure.FixtureSpec{Sample: "S9", Sex: "female", Condition: tc.cond, Seed: 2, BinSize: 5_000_000}, eu, "")
			data, err := FHIRBundle(v, m)
			if err != nil {
				t.Fatal(err)
			}
			var b map[string]any
			if err := json.Unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
			if b["resourceType"] != "Bundle" || b["type"] != "collection" || b["id"] == "" {
				t.Fatalf("bundle header %v %v", b["resourceType"], b["type"])
			}
			urls := map[string]map[string]any{}
			var report map[string]any
			var variantValues []string
			for _, e := range b["entry"].([]any) {
				entry := e.(map[string]any)
				res := entry["resource"].(map[string]any)
				url := entry["fullUrl"].(string)
				if !strings.HasPrefix(url, "urn:uuid:") || url != "urn:uuid:"+res["id"].(string) {
					t.Errorf("fullUrl %s does not match id %v", url, res["id"])
				}
				if urls[url] != nil {
					t.Errorf("duplicate fullUrl %s", url)
				}
				urls[url] = res
				switch res["resourceType"] {
				case "DiagnosticReport":
					report = res
				case "Observation":
					if res["status"] == nil || res["code"] == nil || len(res["category"].([]any)) == 0 {
						t.Errorf("observation %v lacks status, code or category", res["code"])
					}
					if res["valueCodeableConcept"] == nil && res["valueQuantity"] == nil && res["component"] == nil {
						t.Errorf("observation %v has no value", res["code"])
					}
					if has(codes(res["code"]), "http://loinc.org|69548-6") {
						vv := codes(res["valueCodeableConcept"])
						if len(vv) != 1 || !strings.HasPrefix(vv[0], "http://loinc.org|LA") {
							t.Errorf("variant value %v not from LL1971-2", vv)
						}
						variantValues = append(variantValues, strings.TrimPrefix(vv[0], "http://loinc.org|"))
					}
				}
			}
			if report == nil {
				t.Fatal("no DiagnosticReport")
			}
			if report["status"] == nil || !has(codes(report["code"]), "http://loinc.org|51969-4") || !has(codes(report["category"].([]any)[0]), "http://terminology.hl7.org/CodeSystem/v2-0074|GE") {
				t.Errorf("DiagnosticReport status/code/category wrong: %v %v", report["status"], report["code"])
			}
			var refs []string
			walkRefs(b, &refs)
			if len(refs) < 5 {
				t.Errorf("only %d references", len(refs))
			}
			for _, r := range refs {
				if urls[r] == nil {
					t.Errorf("reference %s does not resolve inside the bundle", r)
				}
			}
			// The overall interpretation is a result of the report with the
			// expected LL541-4 answer.
			found := false
			for _, r := range report["result"].([]any) {
				o := urls[r.(map[string]any)["reference"].(string)]
				if has(codes(o["code"]), "http://loinc.org|51968-6") {
					found = has(codes(o["valueCodeableConcept"]), "http://loinc.org|"+tc.overall)
				}
			}
			if !found {
				t.Errorf("overall interpretation %s missing", tc.overall)
			}
			for _, want := range tc.variantValues {
				if !has(variantValues, want) {
					t.Errorf("no Variant with value %s among %v", want, variantValues)
				}
			}
			if tc.cond == "lowff" && !strings.Contains(string(data), `"display": "No call"`) {
				t.Error(`no-call not coded as "No call"`)
			}
			again, _ := FHIRBundle(v, m)
			if string(again) != string(data) {
				t.Error("FHIR bundle not deterministic")
			}
		})
	}
}

func TestNameUUID(t *testing.T) {
	a, b := nameUUID("nipt:S1:report"), nameUUID("nipt:S1:report")
	if a != b || a == nameUUID("nipt:S2:report") {
		t.Error("name-based UUIDs must be stable and distinct")
	}
	// RFC 4122: version nibble 5, variant bits 10.
	if len(a) != 36 || a[14] != '5' || !strings.ContainsRune("89ab", rune(a[19])) {
		t.Errorf("%s is not a version-5 UUID", a)
	}
}

// TestFHIRTrisomyDetail: each trisomy observation carries its detection
// probability (%) and names its z-score method.
func TestFHIRTrisomyDetail(t *testing.T) {
	p := disclosure.DefaultProfile()
	v, m := fixtureModel(t, disclosure.FixtureSpec{Sample: "S3", Sex: "female", Seed: 2, BinSize: 5_000_000}, p, "")
	f, _ := finding(v, disclosure.T21)
	for _, o := range variantObservations(v, m) {
		if o.key != "t21" {
			continue
		}
		if o.obs.Method == nil || len(o.obs.Method.Coding) != 1 || o.obs.Method.Coding[0].Code != "z-pca" {
			t.Errorf("method %+v, want z-pca", o.obs.Method)
		}
		for _, c := range o.obs.Component {
			if c.Code.Coding[0].Code == "detection-probability" {
				if want := round(100*f.PDetect, 2); c.ValueQuantity == nil || c.ValueQuantity.Value != want || c.ValueQuantity.Unit != "%" {
					t.Errorf("detection probability %+v, want %v %%", c.ValueQuantity, want)
				}
				return
			}
		}
		t.Fatal("no detection-probability component")
	}
	t.Fatal("no T21 observation")
}
