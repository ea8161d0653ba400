package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// Code systems.
const (
	loinc       = "http://loinc.org"
	seqOntology = "http://sequenceontology.org"
	v3Interp    = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
	obsCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
	v2Service   = "http://terminology.hl7.org/CodeSystem/v2-0074"
	ucum        = "http://unitsofmeasure.org"
	// NiptCodeSystem holds the codes nipt needs that LOINC lacks (fetal
	// fraction, z-score, likelihood ratio, residual risk, QC); documented
	// in docs/reports.md.
	NiptCodeSystem = "https://github.com/nipt/nipt/fhir/CodeSystem/nipt"
	sampleIDSystem = "urn:nipt:sample-id"
	igBase         = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
)

// LOINC codes of the Genomics Reporting IG (STU2/3) that nipt uses.
var (
	codeReport   = fhirCoding{System: loinc, Code: "51969-4", Display: "Genetic analysis report"}
	codeOverall  = fhirCoding{System: loinc, Code: "51968-6", Display: "Genetic analysis overall interpretation"}
	codeVariant  = fhirCoding{System: loinc, Code: "69548-6", Display: "Genetic variant assessment"}
	codeChrom    = fhirCoding{System: loinc, Code: "48000-4", Display: "Chromosome [Identifier]"}
	codeChange   = fhirCoding{System: loinc, Code: "48019-4", Display: "DNA change type"}
	codeCopyNum  = fhirCoding{System: loinc, Code: "82155-3", Display: "Genomic structural variant copy number"}
	codeSource   = fhirCoding{System: loinc, Code: "48002-0", Display: "Genomic source class"}
	codeAssembly = fhirCoding{System: loinc, Code: "62374-4", Display: "Human reference sequence assembly version"}
	codeStartEnd = fhirCoding{System: loinc, Code: "81254-5", Display: "Genomic allele start-end"}
	codeCoordSys = fhirCoding{System: loinc, Code: "92822-6", Display: "Genomic coordinate system"}
	codeISCN     = fhirCoding{System: loinc, Code: "81291-7", Display: "Variant ISCN"}

	// Fetal trisomy risk [Likelihood] based on plasma cfDNA by dosage of
	// chromosome-specific cfDNA (scale Qn): the residual risk of T21 and
	// T13. No such term is used for T18 (its number was not verified) or
	// the rare trisomies: they carry the nipt code only.
	codeRiskLOINC = map[string]fhirCoding{
		"T21": {System: loinc, Code: "73970-6", Display: "Fetal Trisomy 21 risk [Likelihood] based on Plasma cell-free DNA by Dosage of chromosome-specific cfDNA"},
		"T13": {System: loinc, Code: "73969-8", Display: "Fetal Trisomy 13 risk [Likelihood] based on Plasma cell-free DNA by Dosage of chromosome-specific cfDNA"},
	}

	// Answer lists: LL541-4 (overall), LL1971-2 (variant presence), LL378-1
	// (genomic source class), LL1040-6 (assembly), LL5323-2 (coordinates).
	overallAnswer = map[string]fhirCoding{
		OverallPositive:     {System: loinc, Code: "LA6576-8", Display: "Positive"},
		OverallNegative:     {System: loinc, Code: "LA6577-6", Display: "Negative"},
		OverallInconclusive: {System: loinc, Code: "LA9663-1", Display: "Inconclusive"},
		OverallFailure:      {System: loinc, Code: "LA9664-9", Display: "Failure"},
	}
	ansPresent   = fhirCoding{System: loinc, Code: "LA9633-4", Display: "Present"}
	ansAbsent    = fhirCoding{System: loinc, Code: "LA9634-2", Display: "Absent"}
	ansNoCall    = fhirCoding{System: loinc, Code: "LA18198-4", Display: "No call"}
	ansPrenatal  = fhirCoding{System: loinc, Code: "LA10429-1", Display: "Prenatal"}
	ansGermline  = fhirCoding{System: loinc, Code: "LA6683-2", Display: "Germline"}
	ansUnknownSC = fhirCoding{System: loinc, Code: "LA18197-6", Display: "Unknown genomic origin"}
	ans0Based    = fhirCoding{System: loinc, Code: "LA30100-4", Display: "0-based interval counting"}
	assemblies   = map[string]fhirCoding{
		"GRCh37": {System: loinc, Code: "LA14029-5", Display: "GRCh37"},
		"GRCh38": {System: loinc, Code: "LA26806-2", Display: "GRCh38"},
	}
	soGain = fhirCoding{System: seqOntology, Code: "SO:0001742", Display: "copy_number_gain"}
	soLoss = fhirCoding{System: seqOntology, Code: "SO:0001743", Display: "copy_number_loss"}
)

// chromAnswer is the LL2938-0 answer for a chromosome: chr1..chr22 are
// LA21254-0 … LA21275-5, chrX LA21276-3, chrY LA21277-1.
func chromAnswer(name string) fhirCC {
	codes := [genome.NumChroms]string{"LA21254-0", "LA21255-7", "LA21256-5", "LA21257-3", "LA21258-1", "LA21259-9",
		"LA21260-7", "LA21261-5", "LA21262-3", "LA21263-1", "LA21264-9", "LA21265-6", "LA21266-4", "LA21267-2",
		"LA21268-0", "LA21269-8", "LA21270-6", "LA21271-4", "LA21272-2", "LA21273-0", "LA21274-8", "LA21275-5",
		"LA21276-3", "LA21277-1"}
	c, ok := genome.ChromIndex(name)
	if !ok {
		return fhirCC{Text: name}
	}
	return fhirCC{Coding: []fhirCoding{{System: loinc, Code: codes[c], Display: "Chromosome " + strings.TrimPrefix(genome.ChromName(c), "chr")}}}
}

func local(code, display string) fhirCC {
	return fhirCC{Coding: []fhirCoding{{System: NiptCodeSystem, Code: code, Display: display}}}
}

func cc(c fhirCoding) *fhirCC { return &fhirCC{Coding: []fhirCoding{c}} }

func interp(class string) []fhirCC {
	switch class {
	case "high":
		return []fhirCC{*cc(fhirCoding{System: v3Interp, Code: "POS", Display: "Positive"})}
	case "low", "info":
		return []fhirCC{*cc(fhirCoding{System: v3Interp, Code: "NEG", Display: "Negative"})}
	}
	return []fhirCC{*cc(fhirCoding{System: v3Interp, Code: "IND", Display: "Indeterminate"})}
}

// FHIRBundle builds the FHIR R4 bundle (type collection) of one sample: a
// DiagnosticReport (genomics-report profile) with an overall interpretation,
// one Variant observation per screened finding, fetal fraction and QC
// observations, the specimen, a pseudonymous patient and the laboratory.
// Status is "preliminary": the report is final only once signed.
func FHIRBundle(view *result.Result, m *Model) ([]byte, error) {
	if err := disclosure.Verify(view); err != nil {
		return nil, fmt.Errorf("fhir bundle of sample %s: %w", view.Sample, err)
	}
	b := &fhirBuilder{sample: view.Sample}
	patient := b.add("patient", fhirPatient{ResourceType: "Patient", Identifier: []fhirIdentifier{{System: sampleIDSystem, Value: view.Sample}}})
	specimen := b.add("specimen", fhirSpecimen{ResourceType: "Specimen", Identifier: []fhirIdentifier{{System: sampleIDSystem, Value: view.Sample}},
		Type: &fhirCC{Text: "Maternal plasma (cell-free DNA)"}, Subject: patient})
	lab := b.add("organization", fhirOrganization{ResourceType: "Organization", Name: m.Lab.Name})
	fo := func(key string, o fhirObservation) fhirRef {
		o.ResourceType, o.Status, o.Subject, o.Specimen = "Observation", "preliminary", &patient, &specimen
		o.Category = []fhirCC{*cc(fhirCoding{System: obsCategory, Code: "laboratory", Display: "Laboratory"}), *cc(fhirCoding{System: v2Service, Code: "GE", Display: "Genetics"})}
		return b.add(key, o)
	}
	var results []fhirRef
	results = append(results, fo("overall", fhirObservation{Meta: &fhirMeta{Profile: []string{igBase + "overall-interpretation"}},
		Code: *cc(codeOverall), ValueCodeableConcept: cc(overallAnswer[m.Overall]), Note: []fhirAnnotation{{Text: m.OverallText}}}))
	for _, o := range variantObservations(view, m) {
		results = append(results, fo(o.key, o.obs))
	}
	ff := view.FetalFraction
	ffObs := fhirObservation{Code: local("fetal-fraction", "Fetal fraction of cell-free DNA"),
		ValueQuantity: pctQ(ff.Value), Component: []fhirComponent{
			{Code: local("fetal-fraction-low", "Fetal fraction, lower 95% bound"), ValueQuantity: pctQ(ff.Low)},
			{Code: local("fetal-fraction-high", "Fetal fraction, upper 95% bound"), ValueQuantity: pctQ(ff.High)}}}
	if !ff.Known() {
		// FHIR R4: a missing value carries a data-absent reason.
		ffObs.ValueQuantity, ffObs.Component = nil, nil
		ffObs.DataAbsentReason = cc(fhirCoding{System: "http://terminology.hl7.org/CodeSystem/data-absent-reason", Code: "unknown", Display: "Unknown"})
		ffObs.Note = []fhirAnnotation{{Text: "No method measured the fetal fraction of this sample (see the QC reasons)."}}
	}
	results = append(results, fo("fetal-fraction", ffObs))
	qc := fhirObservation{Code: local("qc-status", "Sample quality control"), ValueCodeableConcept: &fhirCC{Text: string(view.QC.Status)}}
	for _, q := range view.QC.Metrics {
		qc.Component = append(qc.Component, fhirComponent{Code: local("qc-"+q.Name, q.Name), ValueQuantity: &fhirQuantity{Value: q.Value}})
	}
	for _, r := range view.QC.Reasons {
		qc.Note = append(qc.Note, fhirAnnotation{Text: r})
	}
	results = append(results, fo("qc", qc))
	if view.FetalSex != "" && !view.Disclosure.SexBlind {
		results = append(results, fo("fetal-sex", fhirObservation{Code: local("fetal-sex", "Fetal sex (chromosomal)"),
			ValueCodeableConcept: &fhirCC{Text: view.FetalSex}, Note: []fhirAnnotation{{Text: m.SexStatement}}}))
	}
	report := fhirDiagnosticReport{ResourceType: "DiagnosticReport", Meta: &fhirMeta{Profile: []string{igBase + "genomics-report"}},
		Identifier: []fhirIdentifier{{System: sampleIDSystem, Value: view.Sample}}, Status: "preliminary",
		Category: []fhirCC{*cc(fhirCoding{System: v2Service, Code: "GE", Display: "Genetics"})},
		Code:     fhirCC{Coding: []fhirCoding{codeReport}, Text: m.Title}, Subject: &patient, Performer: []fhirRef{lab},
		Specimen: []fhirRef{specimen}, Result: results, Conclusion: m.OverallText + " " + m.Recommendation}
	b.add("report", report)
	// The report leads the bundle.
	b.entries = append([]fhirEntry{b.entries[len(b.entries)-1]}, b.entries[:len(b.entries)-1]...)
	bundle := fhirBundle{ResourceType: "Bundle", ID: nameUUID("nipt:" + view.Sample + ":bundle"),
		Identifier: fhirIdentifier{System: sampleIDSystem, Value: view.Sample}, Type: "collection", Entry: b.entries}
	out, err := json.MarshalIndent(bundle, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("fhir bundle of sample %s: %w", view.Sample, err)
	}
	return append(out, '\n'), nil
}

type fhirBuilder struct {
	sample  string
	entries []fhirEntry
}

// add stores a resource under a stable id and returns a reference to it.
func (b *fhirBuilder) add(key string, res any) fhirRef {
	id := nameUUID("nipt:" + b.sample + ":" + key)
	switch r := res.(type) {
	case fhirPatient:
		r.ID = id
		res = r
	case fhirSpecimen:
		r.ID = id
		res = r
	case fhirOrganization:
		r.ID = id
		res = r
	case fhirObservation:
		r.ID = id
		res = r
	case fhirDiagnosticReport:
		r.ID = id
		res = r
	}
	url := "urn:uuid:" + id
	b.entries = append(b.entries, fhirEntry{FullURL: url, Resource: res})
	return fhirRef{Reference: url}
}

func pctQ(x float64) *fhirQuantity {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(100*x, 'f', 2, 64), 64)
	return &fhirQuantity{Value: v, Unit: "%", System: ucum, Code: "%"}
}
