package report_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/report"
)

// sexWords: strings no sex-blind output may contain ("male" also catches
// "female"); disclosure.SexPattern is checked as well.
var sexWords = regexp.MustCompile(`(?i:male|chr[xy]\b|fetal_sex|fetal sex)|XY|XX`)

// dataURI strips embedded images (base64 text contains any letter pair).
var dataURI = regexp.MustCompile(`data:image/png;base64,(?:[A-Za-z0-9+/=]|&#43;)+`)

// pairSamples are drawn once with a male and once with a female fetus;
// everything else (fetal fraction, condition, seed) is the same. SCA pairs
// are 47,XXY against 47,XXX: under the default profile (report_presence)
// both must read "detected" without a type.
func pairSamples(male bool) []synth.Sample {
	sca := "47,XXX"
	if male {
		sca = "47,XXY"
	}
	return []synth.Sample{
		{ID: "p-eu", FF: 0.10, Seed: 301, Trisomy: -1},
		{ID: "p-t21", FF: 0.12, Seed: 302, Trisomy: 20},
		{ID: "p-lowff", FF: 0.015, Seed: 303, Trisomy: -1},
		{ID: "p-sca", FF: 0.12, Seed: 304, Trisomy: -1, SCA: sca},
	}
}

// runPipeline writes the pair's counts files, runs nipt analyze and nipt
// report in-process under profile p and returns the root holding analysis/
// and reports/, and the log lines.
func runPipeline(t *testing.T, f *refset.Fixture, p *disclosure.Profile, male bool) (string, string) {
	t.Helper()
	root := t.TempDir()
	var paths []string
	for _, s := range pairSamples(male) {
		s.Male, s.Reads, s.Paired = male, 2_000_000, true
		p := filepath.Join(root, s.ID+".counts")
		if err := counts.WriteFile(p, f.Model.Counts(&s), 1); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(prev)
	ctx := context.Background()
	analysis := filepath.Join(root, "analysis")
	if _, err := analyze.Run(ctx, f.Ref, paths, analysis, analyze.RunOptions{Config: call.DefaultConfig(), Profile: p, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := report.GenerateFiles(ctx, report.Options{Profile: p, OutDir: filepath.Join(root, "reports"), Threads: 2}, analysis); err != nil {
		t.Fatal(err)
	}
	for _, c := range paths {
		if err := os.Remove(c); err != nil { // inputs, not outputs
			t.Fatal(err)
		}
	}
	return root, logs.String()
}

// TestAnalyzeReportSexBlind runs the real engine and the report writers on
// male/female pairs under the "never" policy. The two trees must hold the
// same files, every JSON file the same set of fields, every table the same
// columns and rows, the VCFs the same header; no output and no log line may
// name a sex. Values differ, because the counts of a pair differ by
// sampling noise, but only in numbers: with the numbers masked, every
// string (calls, reasons, report text) must be the same for both fetuses.
//
// Exception, measured: the sex-chromosome aneuploidy outcome. Its no-call
// rate depends on the fetal sex (on the fixture, 17 of 60 euploid female
// fetuses against 1 of 60 male ones at 2 M reads, 10 against 0 at 8 M), so
// under report_presence "no call" hints at a female fetus; the test checks
// the strict profile (no SCA screening) fully and the default profile
// (report_presence) with the SCA outcome left out. docs/disclosure.md
// tells labs that may reveal nothing to set sex_chromosome_aneuploidy = off.
func TestAnalyzeReportSexBlind(t *testing.T) {
	f, err := refset.TestFixture()
	if err != nil {
		t.Fatal(err)
	}
	strict := disclosure.DefaultProfile()
	strict.Name, strict.SCA = "strict", disclosure.SCAOff
	strict.Conditions, strict.Performance = strict.Conditions[:3], strict.Performance[:3]
	for _, tc := range []struct {
		name string
		p    *disclosure.Profile
		// scaOutcome: the SCA call may differ (report_presence).
		scaOutcome bool
	}{
		{"never, SCA off", strict, false},
		{"default: never, SCA report_presence", disclosure.DefaultProfile(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			male, maleLog := runPipeline(t, f, tc.p, true)
			female, femaleLog := runPipeline(t, f, tc.p, false)
			compareTrees(t, male, female, maleLog, femaleLog, tc.scaOutcome)
		})
	}
}

func compareTrees(t *testing.T, male, female, maleLog, femaleLog string, scaOutcome bool) {
	t.Helper()
	for sex, lg := range map[string]string{"male": maleLog, "female": femaleLog} {
		if !strings.Contains(lg, "msg=analysed") || !strings.Contains(lg, "msg=\"reports written\"") {
			t.Errorf("%s: log not captured:\n%s", sex, lg)
		}
		if sexWords.MatchString(lg) || disclosure.SexPattern(lg) {
			t.Errorf("%s log names a sex:\n%s", sex, lg)
		}
	}
	mf, ff := tree(t, male), tree(t, female)
	if !slices.Equal(mf, ff) {
		t.Fatalf("different files:\nmale:   %v\nfemale: %v", mf, ff)
	}
	for _, want := range []string{"analysis/summary.tsv", "analysis/p-t21/cnv.vcf", "reports/batch.html", "reports/p-t21/p-t21.report.pdf"} {
		if !slices.Contains(mf, want) {
			t.Errorf("%s not written", want)
		}
	}
	c := comparer{t: t, scaOutcome: scaOutcome}
	for _, rel := range mf {
		a, b := read(t, male, rel), read(t, female, rel)
		for sex, data := range map[string][]byte{"male": a, "female": b} {
			text := string(data)
			if strings.HasSuffix(rel, ".pdf") {
				text = pdfText(t, data)
			}
			text = dataURI.ReplaceAllString(text, "")
			if loc := sexWords.FindStringIndex(text); loc != nil {
				t.Errorf("%s (%s fetus) contains %q: …%s…", rel, sex, text[loc[0]:loc[1]], text[max(0, loc[0]-60):min(len(text), loc[1]+60)])
			} else if disclosure.SexPattern(text) {
				t.Errorf("%s (%s fetus) matches disclosure.SexPattern", rel, sex)
			}
		}
		c.rel = rel
		switch filepath.Ext(rel) {
		case ".json":
			c.json(a, b)
		case ".tsv", ".bedgraph", ".bed":
			c.rows(a, b)
		case ".vcf":
			if ha, hb := headerLines(a), headerLines(b); ha != hb {
				t.Errorf("%s: VCF headers differ:\n%s\n---\n%s", rel, ha, hb)
			}
		case ".html":
			if !scaOutcome && strings.HasSuffix(rel, ".report.html") {
				ta, tb := maskNumbers(dataURI.ReplaceAllString(string(a), "")), maskNumbers(dataURI.ReplaceAllString(string(b), ""))
				if ta != tb {
					t.Errorf("%s: report text differs beyond numbers:\n%s", rel, diffAt(ta, tb))
				}
			}
		}
	}
}

// tree lists the files under root, relative and sorted.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func read(t *testing.T, root, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// numbers matches decimal numbers in free text.
var numbers = regexp.MustCompile(`[-+]?[0-9]+(?:[.,][0-9]+)*(?:e[-+]?[0-9]+)?`)

func maskNumbers(s string) string { return numbers.ReplaceAllString(s, "#") }

func diffAt(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-120, 0)
	return fmt.Sprintf("male:   …%q\nfemale: …%q", a[lo:min(i+120, len(a))], b[lo:min(i+120, len(b))])
}

// comparer checks one file of a male/female pair.
type comparer struct {
	t          *testing.T
	rel        string
	scaOutcome bool // the SCA outcome may differ
}

// scaText matches the places that state the SCA outcome: the result.json
// call, the report line, the FHIR observation of the SCA screen.
var scaText = regexp.MustCompile(`(?i)sex chromosome`)

// json requires the same field paths and, wherever the two documents
// differ, only numbers (strings are compared with their numbers masked).
func (c comparer) json(a, b []byte) {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		c.t.Fatalf("%s: %v", c.rel, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		c.t.Fatalf("%s: %v", c.rel, err)
	}
	px, py := map[string]bool{}, map[string]bool{}
	paths("", x, px)
	paths("", y, py)
	for _, d := range []struct {
		has, lacks map[string]bool
		sex        string
	}{{px, py, "male"}, {py, px, "female"}} {
		for p := range d.has {
			if !d.lacks[p] && !(c.scaOutcome && strings.HasPrefix(p, ".sex_chromosomes.")) {
				c.t.Errorf("%s: field %s only for the %s fetus", c.rel, p, d.sex)
			}
		}
	}
	c.leaves("", x, y)
}

// paths records every field path of v (array elements as []).
func paths(prefix string, v any, out map[string]bool) {
	out[prefix] = true
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			paths(prefix+"."+k, e, out)
		}
	case []any:
		for _, e := range v {
			paths(prefix+"[]", e, out)
		}
	}
}

// leaves walks two documents: strings (numbers masked) and booleans must
// be equal, numbers may differ; arrays must have the same length except
// segments and CNVs, whose number follows the noise.
func (c comparer) leaves(at string, x, y any) {
	switch xv := x.(type) {
	case map[string]any:
		yv, _ := y.(map[string]any)
		if c.scaOutcome && (strings.HasSuffix(at, ".sex_chromosomes") || scaObservation(xv) || scaObservation(yv)) {
			return
		}
		for k, e := range xv {
			c.leaves(at+"."+k, e, yv[k])
		}
	case []any:
		yv, _ := y.([]any)
		if len(xv) != len(yv) {
			if !strings.HasSuffix(at, ".segments") && !strings.HasSuffix(at, ".cnvs") {
				c.t.Errorf("%s %s: %d elements for the male fetus, %d for the female", c.rel, at, len(xv), len(yv))
			}
			return
		}
		for i := range xv {
			c.leaves(at+"[]", xv[i], yv[i])
		}
	case float64:
		if _, ok := y.(float64); !ok {
			c.t.Errorf("%s %s: number against %v", c.rel, at, y)
		}
	case string:
		ys, _ := y.(string)
		if maskNumbers(xv) != maskNumbers(ys) && !(c.scaOutcome && scaText.MatchString(xv+ys)) {
			c.t.Errorf("%s %s: %q for the male fetus, %q for the female", c.rel, at, xv, ys)
		}
	default:
		if x != y {
			c.t.Errorf("%s %s: %v for the male fetus, %v for the female", c.rel, at, x, y)
		}
	}
}

// scaObservation reports whether a FHIR resource is the SCA screen.
func scaObservation(m map[string]any) bool {
	code, _ := m["code"].(map[string]any)
	text, _ := code["text"].(string)
	return scaText.MatchString(text)
}

// rows requires the same header and, for bins files, the same rows (chrom
// start end); for summary.tsv the same cells up to their numbers (calls,
// reason codes, NA for zX, …; the sca column only when scaOutcome is off);
// for segments.bed the same chromosomes (the breakpoints follow the noise).
func (c comparer) rows(a, b []byte) {
	la, lb := strings.Split(strings.TrimSpace(string(a)), "\n"), strings.Split(strings.TrimSpace(string(b)), "\n")
	if la[0] != lb[0] && !strings.HasPrefix(la[0], "track") {
		c.t.Errorf("%s: header %q against %q", c.rel, la[0], lb[0])
	}
	switch {
	case strings.HasSuffix(c.rel, "segments.bed"):
		if ca, cb := column(la[1:], 0), column(lb[1:], 0); !slices.Equal(ca, cb) {
			c.t.Errorf("%s: chromosomes %v against %v", c.rel, ca, cb)
		}
		return
	case len(la) != len(lb):
		c.t.Errorf("%s: %d lines for the male fetus, %d for the female", c.rel, len(la), len(lb))
		return
	}
	summary := strings.HasSuffix(c.rel, "summary.tsv")
	header := strings.Split(la[0], "\t")
	for i := 1; i < len(la); i++ {
		fa, fb := strings.Split(la[i], "\t"), strings.Split(lb[i], "\t")
		if len(fa) != len(fb) {
			c.t.Errorf("%s line %d: %q against %q", c.rel, i+1, la[i], lb[i])
			continue
		}
		if !summary {
			if strings.Join(fa[:3], "\t") != strings.Join(fb[:3], "\t") {
				c.t.Errorf("%s line %d: %q against %q", c.rel, i+1, la[i], lb[i])
			}
			continue
		}
		for j := range fa {
			switch {
			case c.scaOutcome && header[j] == "sca":
				continue
			case c.scaOutcome && header[j] == "no_call_reason":
				fa[j], fb[j] = withoutCode(fa[j], analyze.ReasonSCA), withoutCode(fb[j], analyze.ReasonSCA)
			}
			if maskNumbers(fa[j]) != maskNumbers(fb[j]) {
				c.t.Errorf("%s line %d column %s: %q against %q", c.rel, i+1, header[j], fa[j], fb[j])
			}
		}
	}
}

// withoutCode drops one code from a ';'-joined list.
func withoutCode(list, code string) string {
	return strings.Join(slices.DeleteFunc(strings.Split(list, ";"), func(c string) bool { return c == code }), ";")
}

// column returns the distinct values of column j, in order of appearance.
func column(lines []string, j int) []string {
	var out []string
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) > j && (len(out) == 0 || out[len(out)-1] != f[j]) {
			out = append(out, f[j])
		}
	}
	return out
}

func headerLines(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// pdfStream matches a PDF object dictionary and its stream.
var pdfStream = regexp.MustCompile(`(?s)<<(.*?)>>\s*stream\r?\n`)

// pdfText returns the document's text: the uncompressed parts and every
// inflated stream except images (whose pixels are arbitrary bytes).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	rest := pdf
	for {
		loc := pdfStream.FindSubmatchIndex(rest)
		if loc == nil {
			out.Write(rest)
			break
		}
		out.Write(rest[:loc[0]])
		dict := string(rest[loc[2]:loc[3]])
		body := rest[loc[1]:]
		end := bytes.Index(body, []byte("endstream"))
		if end < 0 {
			t.Fatal("PDF stream without endstream")
		}
		out.WriteString("<<" + dict + ">>")
		if !strings.Contains(dict, "/Image") {
			data := body[:end]
			if strings.Contains(dict, "/FlateDecode") {
				zr, err := zlib.NewReader(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("PDF stream: %v", err)
				}
				if data, err = io.ReadAll(zr); err != nil {
					t.Fatalf("PDF stream: %v", err)
				}
			}
			out.Write(data)
		}
		rest = body[end+len("endstream"):]
	}
	return out.String()
}
