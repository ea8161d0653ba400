package count

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/bam/bamtest"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

func needSamtools(t *testing.T) string {
	p, err := exec.LookPath("samtools")
	if err != nil {
		t.Skip("samtools not on PATH: skipping the comparison with samtools")
	}
	return p
}

// independent is a count made from samtools' decoding of the file: records
// selected with samtools view -q/-f/-F, then binned here from the printed
// SAM fields with rules written down separately from counter.add.
type independent struct {
	reads, short map[int]uint32
	other        map[string]int64
	hist         map[int]int64
	histAuto     map[int]int64 // fragments on chr1–22
}

func samtoolsCount(t *testing.T, samtools, path string, opt Options, l *genome.Layout, paired bool) independent {
	t.Helper()
	exclude := bam.FlagUnmapped | bam.FlagSecondary | bam.FlagQCFail | bam.FlagSupplementary
	if opt.Dedup == DedupFlag {
		exclude |= bam.FlagDuplicate
	}
	require := 0
	if paired {
		require |= bam.FlagPaired | bam.FlagRead1
		exclude |= bam.FlagMateUnmapped
		if opt.ProperPairs {
			require |= bam.FlagProperPair
		}
	}
	cmd := exec.Command(samtools, "view", "-q", strconv.Itoa(opt.MinMAPQ), "-f", strconv.Itoa(require), "-F", strconv.Itoa(exclude), path)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %v", cmd, err)
	}
	ind := independent{reads: map[int]uint32{}, short: map[int]uint32{}, other: map[string]int64{}, hist: map[int]int64{}, histAuto: map[int]int64{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		flag, _ := strconv.Atoi(f[1])
		pos, _ := strconv.Atoi(f[3])
		pnext, _ := strconv.Atoi(f[7])
		tlen, _ := strconv.Atoi(f[8])
		left, length := pos-1, 0
		key := fmt.Sprint(f[2], ":", pos, ":", flag&bam.FlagReverse)
		if paired {
			if f[6] != "=" {
				continue // mate on another reference
			}
			length = max(tlen, -tlen)
			if length > opt.MaxFragment {
				continue
			}
			left = min(pos, pnext) - 1
			key += fmt.Sprint(":", pnext)
		}
		if opt.Dedup == DedupPosition {
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		ch, ok := genome.ChromIndex(f[2])
		if !ok {
			ind.other[f[2]]++
			continue
		}
		bin := l.Bin(ch, left)
		ind.reads[bin]++
		if length > 0 {
			ind.hist[length]++
			if n, err := strconv.Atoi(strings.TrimPrefix(f[2], "chr")); err == nil && n >= 1 && n <= 22 {
				ind.histAuto[length]++
			}
			if length < opt.ShortMax {
				ind.short[bin]++
			}
		}
	}
	return ind
}

func samtoolsN(t *testing.T, samtools, path string, args ...string) int64 {
	t.Helper()
	out, err := exec.Command(samtools, append(append([]string{"view", "-c"}, args...), path)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAgainstSamtools(t *testing.T) {
	samtools := needSamtools(t)
	dir := t.TempDir()
	type variant struct {
		name string
		mod  func(*Options)
	}
	variants := []variant{
		{"defaults", func(*Options) {}},
		{"no dedup", func(o *Options) { o.Dedup = DedupNone }},
		{"position dedup", func(o *Options) { o.Dedup = DedupPosition }},
		{"mapq 30", func(o *Options) { o.MinMAPQ = 30 }},
		{"mapq 0", func(o *Options) { o.MinMAPQ = 0; o.Dedup = DedupNone }},
		{"proper pairs", func(o *Options) { o.ProperPairs = true }},
		{"max fragment 300 short 120", func(o *Options) { o.MaxFragment = 300; o.ShortMax = 120; o.Dedup = DedupPosition }},
	}
	for _, g := range []genOptions{
		{n: 12_000},
		{n: 10_000, paired: true},
		{n: 3_000, paired: true, noChr: true},
	} {
		name := fmt.Sprintf("paired=%v,noChr=%v", g.paired, g.noChr)
		h := genHeader(t, g)
		data := bamtest.BAM(t, h, genRecords(t, h, g, uint64(g.n)), 1)
		path := filepath.Join(dir, strings.NewReplacer("=", "_", ",", "_").Replace(name)+".bam")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		flagCounts := samtoolsFlagCounts(t, samtools, path)
		for _, v := range variants {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				opt := DefaultOptions()
				opt.BinSize = 100_000
				opt.Threads = 2
				v.mod(&opt)
				c, err := Count(context.Background(), bytes.NewReader(data), path, opt)
				if err != nil {
					t.Fatal(err)
				}
				compare(t, c, samtoolsCount(t, samtools, path, opt, c.Layout, g.paired))
				checkQC(t, c, flagCounts)
			})
		}
	}
}

func compare(t *testing.T, c *counts.Counts, ind independent) {
	t.Helper()
	var total int64
	for i, n := range c.Reads {
		if n != ind.reads[i] {
			ch, s, _ := c.Layout.Locate(i)
			t.Fatalf("bin %d (%s:%d): %d reads, samtools %d", i, genome.ChromName(ch), s, n, ind.reads[i])
		}
		total += int64(n)
		if c.Short != nil && c.Short[i] != ind.short[i] {
			t.Fatalf("bin %d: %d short, samtools %d", i, c.Short[i], ind.short[i])
		}
	}
	if total < 1000 {
		t.Errorf("only %d reads counted: the test data is too thin", total)
	}
	if fmt.Sprint(c.Header.QC.OtherContigs) != fmt.Sprint(ind.other) {
		t.Errorf("other contigs %v, samtools %v", c.Header.QC.OtherContigs, ind.other)
	}
	if c.Header.Paired {
		var all, auto int64
		for l, n := range c.Header.QC.FragmentHistogram {
			if n != ind.hist[l] {
				t.Fatalf("fragment length %d: %d, samtools %d", l, n, ind.hist[l])
			}
			all += n
		}
		if len(c.Header.QC.FragmentHistogramAutosomes) != len(c.Header.QC.FragmentHistogram) {
			t.Fatalf("autosomal histogram has %d lengths, full one %d", len(c.Header.QC.FragmentHistogramAutosomes), len(c.Header.QC.FragmentHistogram))
		}
		for l, n := range c.Header.QC.FragmentHistogramAutosomes {
			if n != ind.histAuto[l] {
				t.Fatalf("autosomal fragment length %d: %d, samtools %d", l, n, ind.histAuto[l])
			}
			auto += n
		}
		if auto == 0 || auto == all {
			t.Errorf("autosomal histogram holds %d of %d fragments: the test data needs autosomal and sex-chromosome pairs", auto, all)
		}
	}
}

// samtoolsFlagCounts counts with samtools the records each flag filter
// drops (under "records", all records).
func samtoolsFlagCounts(t *testing.T, samtools, path string) map[string]int64 {
	m := map[string]int64{"records": samtoolsN(t, samtools, path)}
	for reason, args := range map[string][]string{
		"unmapped":      {"-f", "0x4"},
		"secondary":     {"-F", "0x4", "-f", "0x100"},
		"supplementary": {"-F", "0x104", "-f", "0x800"},
		"qcfail":        {"-F", "0x904", "-f", "0x200"},
	} {
		m[reason] = samtoolsN(t, samtools, path, args...)
	}
	return m
}

// checkQC compares flag-based drop counts with samtools and checks that
// every record is accounted for exactly once.
func checkQC(t *testing.T, c *counts.Counts, want map[string]int64) {
	t.Helper()
	qc := c.Header.QC
	for _, reason := range []string{"unmapped", "secondary", "supplementary", "qcfail"} {
		if got := qc.Dropped[reason]; got != want[reason] {
			t.Errorf("dropped %s: %d, samtools %d", reason, got, want[reason])
		}
	}
	sum := qc.Kept
	for _, n := range qc.Dropped {
		sum += n
	}
	if qc.Records != want["records"] || sum != want["records"] {
		t.Errorf("records %d, kept+dropped %d, samtools %d", qc.Records, sum, want["records"])
	}
}
