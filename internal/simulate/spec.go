package simulate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/genome"
)

// Sample roles in a cohort.
const (
	RoleReference = "reference"
	RoleTest      = "test"
)

// Fetal sexes.
const (
	Female = "female"
	Male   = "male"
)

// Output formats.
const (
	FormatBAM    = "bam"
	FormatCounts = "counts"
)

// Defaults of a sample whose spec leaves a field empty.
const (
	DefaultFF      = 0.10      // median fetal fraction at 10–20 weeks (Nygren et al. 2010 Clin Chem; Kinnings et al. 2015 Prenat Diagn)
	DefaultReads   = 4_000_000 // low-pass NIPT depth (3–5 M reads; e.g. WisecondorX, Raman et al. 2019)
	DefaultBatch   = "run1"
	DefaultMosaic  = 1.0
	DefaultRole    = RoleTest
	DefaultFetalSx = Female
)

// CNVOrigin says who carries a copy-number variant.
type CNVOrigin int

// CNV origins.
const (
	CNVFetal             CNVOrigin = iota // de novo in the fetus (placenta)
	CNVMaternal                           // mother heterozygous, fetus not
	CNVMaternalInherited                  // mother heterozygous, fetus inherited it
	// CNVTumour is somatic in a maternal tumour that sheds a fraction
	// CNV.Fraction of all cfDNA (an occult malignancy): neither parent's
	// germline nor the fetus carries it.
	CNVTumour
)

var originNames = []string{"fetal", "maternal", "maternal_inherited", "tumour"}

func (o CNVOrigin) String() string { return originNames[o] }

// CNV is a copy-number change of one copy on [Start, End) (0-based,
// half-open, BED-style) of chromosome Chrom (canonical index).
type CNV struct {
	Chrom      int
	Start, End int
	Gain       bool
	Origin     CNVOrigin
	// Fraction is a tumour's share of all cfDNA (CNVTumour only).
	Fraction float64
}

// String formats the CNV as chrom:start-end:gain|loss:origin, with
// :fraction after a tumour's.
func (c CNV) String() string {
	t := "loss"
	if c.Gain {
		t = "gain"
	}
	s := fmt.Sprintf("%s:%d-%d:%s:%s", genome.ChromName(c.Chrom), c.Start, c.End, t, c.Origin)
	if c.Origin == CNVTumour {
		s += ":" + strconv.FormatFloat(c.Fraction, 'g', -1, 64)
	}
	return s
}

// ParseCNV parses chrom:start-end:gain|loss:fetal|maternal|maternal_inherited
// or chrom:start-end:gain|loss:tumour:FRACTION (a maternal tumour's somatic
// change, FRACTION its share of all cfDNA, e.g. 0.05 or 5%; commas in
// numbers allowed).
func ParseCNV(s string) (CNV, error) {
	f := strings.Split(strings.TrimSpace(s), ":")
	bad := func(why string) (CNV, error) {
		return CNV{}, fmt.Errorf("bad CNV %q: %s (want chrom:start-end:gain|loss:fetal|maternal|maternal_inherited, e.g. chr5:10000000-20000000:loss:fetal, or chrom:start-end:gain|loss:tumour:FRACTION)", s, why)
	}
	if len(f) != 4 && !(len(f) == 5 && strings.EqualFold(f[3], CNVTumour.String())) {
		return bad("need 4 colon-separated fields (5 for a tumour's)")
	}
	var c CNV
	ci, ok := genome.ChromIndex(f[0])
	if !ok {
		return bad("unknown chromosome " + f[0])
	}
	c.Chrom = ci
	se := strings.Split(strings.ReplaceAll(f[1], ",", ""), "-")
	if len(se) != 2 {
		return bad("interval must be start-end")
	}
	var err1, err2 error
	c.Start, err1 = strconv.Atoi(se[0])
	c.End, err2 = strconv.Atoi(se[1])
	if err1 != nil || err2 != nil || c.Start < 0 || c.End <= c.Start {
		return bad("interval must be 0 ≤ start < end")
	}
	switch strings.ToLower(f[2]) {
	case "gain", "dup", "duplication":
		c.Gain = true
	case "loss", "del", "deletion":
	default:
		return bad("type must be gain or loss")
	}
	found := false
	for i, n := range originNames {
		if strings.EqualFold(f[3], n) {
			c.Origin, found = CNVOrigin(i), true
		}
	}
	if !found {
		return bad("origin must be fetal, maternal, maternal_inherited or tumour")
	}
	if c.Origin == CNVTumour {
		if len(f) != 5 {
			return bad("a tumour's change needs its share of the cfDNA: chrom:start-end:gain|loss:tumour:0.05")
		}
		fr, err := parseFraction(f[4])
		if err != nil || !(fr > 0 && fr < 1) {
			return bad("tumour fraction " + f[4] + " must lie in (0, 1), e.g. 0.05 or 5%")
		}
		c.Fraction = fr
	}
	return c, nil
}

// SCA karyotypes of the sex chromosomes.
var scaKaryotypes = map[string][2]int{ // → copies of X, Y
	"45,X": {1, 0}, "47,XXY": {2, 1}, "47,XXX": {3, 0}, "47,XYY": {1, 2},
}

// SCAs lists the supported sex-chromosome aneuploidies.
var SCAs = []string{"45,X", "47,XXY", "47,XXX", "47,XYY"}

// Sample is one simulated pregnancy: the columns of cohort.tsv / truth.tsv.
type Sample struct {
	ID       string  `json:"sample"`
	Role     string  `json:"role"`
	FetalSex string  `json:"fetal_sex"` // of fetus 1; sensitive
	FF       float64 `json:"ff"`        // total fetal fraction (both twins)
	Reads    int64   `json:"reads"`     // primary reads (single-end) or read pairs
	Paired   bool    `json:"paired"`
	Trisomy  int     `json:"trisomy"` // 0 = none, else 1–22
	Mosaic   float64 `json:"mosaic"`  // fraction of fetal cells with the trisomy (0 = not given = 1)
	SCA      string  `json:"sca"`
	CNVs     []CNV   `json:"-"`
	Twins    bool    `json:"twins"`
	Batch    string  `json:"batch"`
	Seed     uint64  `json:"seed,string"` // a string in JSON: 64-bit seeds exceed float precision
	// Twin2Sex and Twin2Share describe the second fetus (euploid; the
	// abnormalities of the row belong to fetus 1). Twin2Share is its share
	// of FF.
	Twin2Sex   string  `json:"twin2_sex,omitempty"`
	Twin2Share float64 `json:"twin2_share,omitempty"`
	// Format overrides the cohort's output format for this sample.
	Format string `json:"format,omitempty"`

	seedSet, shareSet bool
}

// Resolve fills defaults (seed from the cohort seed and index when not
// given) and checks the sample. p supplies the default twin share.
func (s *Sample) Resolve(p *Params, cohortSeed uint64, index int) error {
	if s.Role == "" {
		s.Role = DefaultRole
	}
	if s.Batch == "" {
		s.Batch = DefaultBatch
	}
	if s.Mosaic == 0 {
		// A trisomy in no fetal cell is no trisomy: 0 means "not given".
		s.Mosaic = DefaultMosaic
	}
	if !s.seedSet {
		s.Seed = SampleSeed(cohortSeed, index)
		s.seedSet = true
	}
	if s.SCA != "" {
		k, ok := scaKaryotypes[strings.ToUpper(s.SCA)]
		if !ok {
			return fmt.Errorf("sample %s: unknown sca %q (one of %s)", s.ID, s.SCA, strings.Join(SCAs, ", "))
		}
		s.SCA = strings.ToUpper(s.SCA)
		sex := Female
		if k[1] > 0 {
			sex = Male
		}
		if s.FetalSex != "" && s.FetalSex != sex {
			return fmt.Errorf("sample %s: sca %s implies a %s fetus but fetal_sex is %s: leave fetal_sex empty or fix it", s.ID, s.SCA, sex, s.FetalSex)
		}
		s.FetalSex = sex
	}
	if s.FetalSex == "" {
		s.FetalSex = DefaultFetalSx
	}
	if s.Twins {
		if s.Twin2Sex == "" {
			s.Twin2Sex = s.FetalSex
		}
		if !s.shareSet && s.Twin2Share == 0 {
			s.Twin2Share = p.Twin2Share
		}
	} else {
		s.Twin2Sex, s.Twin2Share = "", 0
	}
	return s.Validate()
}

// ResolveWithSeed resolves a sample given on its own (nipt simulate
// sample): the seed and the twin share are taken as given.
func (s *Sample) ResolveWithSeed(p *Params, seed uint64) error {
	s.Seed, s.seedSet, s.shareSet = seed, true, true
	return s.Resolve(p, 0, 0)
}

// Validate checks the fields of a resolved sample.
func (s *Sample) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if s.ID == "" || strings.ContainsAny(s.ID, "/\\\t\n ") || s.ID == "." || s.ID == ".." {
		add("sample ID %q must be non-empty without spaces or slashes", s.ID)
	}
	if s.Role != RoleReference && s.Role != RoleTest {
		add("role %q must be reference or test", s.Role)
	}
	for _, sx := range []string{s.FetalSex, s.Twin2Sex} {
		if sx != "" && sx != Female && sx != Male {
			add("fetal sex %q must be female or male", sx)
		}
	}
	if !(s.FF >= 0 && s.FF <= 0.6) {
		add("ff %v out of range [0, 0.6] (a fraction, e.g. 0.08)", s.FF)
	}
	if s.Reads < 1000 || s.Reads > 2_000_000_000 {
		add("reads %d out of range 1000–2e9", s.Reads)
	}
	if s.Trisomy < 0 || s.Trisomy > 22 {
		add("trisomy %d must be an autosome 1–22 (sex chromosomes go in sca)", s.Trisomy)
	}
	if !(s.Mosaic > 0 && s.Mosaic <= 1) {
		add("mosaic %v must be a fraction in (0, 1]", s.Mosaic)
	}
	if !(s.Twin2Share >= 0 && s.Twin2Share <= 1) {
		add("twin2_share %v must be in [0, 1]", s.Twin2Share)
	}
	if s.Format != "" && s.Format != FormatBAM && s.Format != FormatCounts {
		add("format %q must be bam or counts", s.Format)
	}
	for _, c := range s.CNVs {
		if c.End > genome.GRCh38.Lengths[c.Chrom]+100_000_000 {
			add("CNV %s beyond any build's chromosome end", c)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("sample %s: %w", s.ID, errors.Join(errs...))
	}
	return nil
}

// CNVString joins the CNVs with ';'.
func (s *Sample) CNVString() string {
	parts := make([]string, len(s.CNVs))
	for i, c := range s.CNVs {
		parts[i] = c.String()
	}
	return strings.Join(parts, ";")
}

// fetus is the karyotype of one fetus with its share of the fetal fraction.
type fetus struct {
	share   float64
	nX, nY  int
	trisomy int
	mosaic  float64
	cnvs    []CNV // fetal copy-number changes (de novo and inherited)
}

// fetuses returns the karyotypes of the fetuses of a resolved sample.
func (s *Sample) fetuses() []fetus {
	f1 := fetus{share: 1, nX: 2, trisomy: s.Trisomy, mosaic: s.Mosaic}
	if s.FetalSex == Male {
		f1.nX, f1.nY = 1, 1
	}
	if k, ok := scaKaryotypes[s.SCA]; ok {
		f1.nX, f1.nY = k[0], k[1]
	}
	for _, c := range s.CNVs {
		if c.Origin == CNVFetal || c.Origin == CNVMaternalInherited {
			f1.cnvs = append(f1.cnvs, c)
		}
	}
	if !s.Twins {
		return []fetus{f1}
	}
	f1.share = 1 - s.Twin2Share
	f2 := fetus{share: s.Twin2Share, nX: 2}
	if s.Twin2Sex == Male {
		f2.nX, f2.nY = 1, 1
	}
	return []fetus{f1, f2}
}
