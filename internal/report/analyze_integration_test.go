package report_test

import (
	"bytes"
	"compress/zlib"
	"context"
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
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/report"
)

// sexWords: strings no sex-blind output may contain ("male" also catches
// "female"); disclosure.SexPattern is checked as well.
var sexWords = regexp.MustCompile(`(?i:male|chr[xy]\b|fetal_sex|fetal sex)|XY|XX`)

// dataURI strips embedded images (base64 text contains any letter pair).
var dataURI = regexp.MustCompile(`data:image/png;base64,(?:[A-Za-z0-9+/=]|&#43;)+`)

// pairSamples are the pregnancies of the test, each analysed once with a
// male and once with a female fetus; everything else (fetal fraction,
// condition, seed) is the same. SCA pairs are 47,XXY against 47,XXX: under
// the default profile (report_presence) both must read "detected" without
// a type.
func pairSamples(male bool) []synth.Sample {
	sca := "47,XXX"
	if male {
		sca = "47,XXY"
	}
	return []synth.Sample{
		{ID: "p-eu", FF: 0.10, Seed: 301, Trisomy: -1, Paired: true},
		{ID: "p-t21", FF: 0.12, Seed: 302, Trisomy: 20, Paired: true},
		{ID: "p-lowff", FF: 0.015, Seed: 303, Trisomy: -1, Paired: true},
		{ID: "p-sca", FF: 0.12, Seed: 304, Trisomy: -1, SCA: sca, Paired: true},
		// Single-end: no fragment sizes, so only the weak bin-profile
		// estimate measures the fetal fraction — where a data-dependent
		// SCA no-call would fall on one sex.
		{ID: "p-se", FF: 0.08, Seed: 305, Trisomy: -1},
	}
}

// pairCounts returns the counts of pregnancy i with a male or a female
// fetus: the same autosomal reads (bins, short-fragment counts and the
// autosomal fragment-size histogram, which the fetal sex does not change),
// and the chrX and chrY bins and the all-chromosome fragment histogram of a
// draw with that fetus. A pair thus differs in exactly what the fetal sex
// changes, so any difference between the two sex-blind outputs — a number,
// a segment, a no-call — is a leak, and chance findings (a spurious
// segment, a borderline call) occur in both or in neither.
func pairCounts(f *refset.Fixture, i int, male bool) *counts.Counts {
	draw := func(m bool) *counts.Counts {
		s := pairSamples(m)[i]
		s.Male, s.Reads = m, 2_000_000
		return f.Model.Counts(&s)
	}
	c := draw(false)
	if !male {
		return c
	}
	m := draw(true)
	x := c.Layout.Offset[genome.ChrX]
	copy(c.Reads[x:], m.Reads[x:])
	if c.Short != nil {
		copy(c.Short[x:], m.Short[x:])
	}
	c.Header.QC.FragmentHistogram = m.Header.QC.FragmentHistogram
	c.FillChromReads()
	return c
}

// runPipeline writes the pair's counts files, runs nipt analyze and nipt
// report in-process under profile p and returns the root holding analysis/
// and reports/, and the log lines.
func runPipeline(t *testing.T, f *refset.Fixture, p *disclosure.Profile, male bool) (string, string) {
	t.Helper()
	root := t.TempDir()
	var paths []string
	for i, s := range pairSamples(male) {
		p := filepath.Join(root, s.ID+".counts")
		if err := counts.WriteFile(p, pairCounts(f, i, male), 1); err != nil {
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
// male/female pairs (pairCounts: the same pregnancy with either fetus)
// under the "never" policy, with SCA screening off and with the default
// report_presence. The two trees must be byte-for-byte identical — every
// file, every number, every call and no-call, the SCA outcome included —
// and no output and no log line may name a sex.
//
// It fails on a real leak: with the fragment-size fetal fraction read
// from the all-chromosome histogram (before the autosomal one existed),
// every number downstream of the fetal fraction differs; with the earlier
// SCA no-call rule ("ambiguous") the single-end pair p-se reads "no call"
// for the female fetus only. (Both checked by reverting the fix.)
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
	}{
		{"never, SCA off", strict},
		{"default: never, SCA report_presence", disclosure.DefaultProfile()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			male, maleLog := runPipeline(t, f, tc.p, true)
			female, femaleLog := runPipeline(t, f, tc.p, false)
			compareTrees(t, male, female, maleLog, femaleLog)
		})
	}
}

func compareTrees(t *testing.T, male, female, maleLog, femaleLog string) {
	t.Helper()
	for sex, lg := range map[string]string{"male": maleLog, "female": femaleLog} {
		if !strings.Contains(lg, "msg=analysed") || !strings.Contains(lg, "msg=\"reports written\"") {
			t.Errorf("%s: log not captured:\n%s", sex, lg)
		}
		if sexWords.MatchString(lg) || disclosure.SexPattern(lg) {
			t.Errorf("%s log names a sex:\n%s", sex, lg)
		}
	}
	if ml, fl := logLines(maleLog, male), logLines(femaleLog, female); ml != fl {
		t.Errorf("log lines differ:\n%s", diffAt(ml, fl))
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
		if !bytes.Equal(a, b) {
			ta, tb := string(a), string(b)
			if strings.HasSuffix(rel, ".pdf") {
				ta, tb = pdfText(t, a), pdfText(t, b)
			}
			t.Errorf("%s differs between the male and the female fetus:\n%s", rel, diffAt(ta, tb))
		}
	}
}

// logLines drops the time stamps of slog text lines, replaces the output
// root by ROOT and sorts the lines (samples are analysed in parallel, so
// their lines interleave in any order).
func logLines(s, root string) string {
	s = strings.ReplaceAll(timeAttr.ReplaceAllString(s, ""), root, "ROOT")
	lines := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

var timeAttr = regexp.MustCompile(`time=\S+ `)

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

func diffAt(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-120, 0)
	return fmt.Sprintf("male:   …%q\nfemale: …%q", a[lo:min(i+120, len(a))], b[lo:min(i+120, len(b))])
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
