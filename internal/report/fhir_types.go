package report

import (
	"crypto/sha1"
	"fmt"
)

// Minimal FHIR R4 data types, as structs so the JSON field order is fixed.

type fhirCoding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type fhirCC struct {
	Coding []fhirCoding `json:"coding,omitempty"`
	Text   string       `json:"text,omitempty"`
}

type fhirRef struct {
	Reference string `json:"reference"`
	Display   string `json:"display,omitempty"`
}

type fhirIdentifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type fhirQuantity struct {
	Value  float64 `json:"value"`
	Unit   string  `json:"unit,omitempty"`
	System string  `json:"system,omitempty"`
	Code   string  `json:"code,omitempty"`
}

type fhirRange struct {
	Low  *fhirQuantity `json:"low,omitempty"`
	High *fhirQuantity `json:"high,omitempty"`
}

type fhirMeta struct {
	Profile []string `json:"profile,omitempty"`
}

type fhirAnnotation struct {
	Text string `json:"text"`
}

type fhirComponent struct {
	Code                 fhirCC        `json:"code"`
	ValueCodeableConcept *fhirCC       `json:"valueCodeableConcept,omitempty"`
	ValueQuantity        *fhirQuantity `json:"valueQuantity,omitempty"`
	ValueRange           *fhirRange    `json:"valueRange,omitempty"`
	ValueString          string        `json:"valueString,omitempty"`
}

type fhirObservation struct {
	ResourceType         string           `json:"resourceType"`
	ID                   string           `json:"id"`
	Meta                 *fhirMeta        `json:"meta,omitempty"`
	Status               string           `json:"status"`
	Category             []fhirCC         `json:"category"`
	Code                 fhirCC           `json:"code"`
	Subject              *fhirRef         `json:"subject,omitempty"`
	Specimen             *fhirRef         `json:"specimen,omitempty"`
	ValueCodeableConcept *fhirCC          `json:"valueCodeableConcept,omitempty"`
	ValueQuantity        *fhirQuantity    `json:"valueQuantity,omitempty"`
	DataAbsentReason     *fhirCC          `json:"dataAbsentReason,omitempty"`
	Interpretation       []fhirCC         `json:"interpretation,omitempty"`
	Note                 []fhirAnnotation `json:"note,omitempty"`
	Method               *fhirCC          `json:"method,omitempty"`
	Component            []fhirComponent  `json:"component,omitempty"`
}

type fhirDiagnosticReport struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Meta         *fhirMeta        `json:"meta,omitempty"`
	Identifier   []fhirIdentifier `json:"identifier,omitempty"`
	Status       string           `json:"status"`
	Category     []fhirCC         `json:"category"`
	Code         fhirCC           `json:"code"`
	Subject      *fhirRef         `json:"subject,omitempty"`
	Performer    []fhirRef        `json:"performer,omitempty"`
	Specimen     []fhirRef        `json:"specimen,omitempty"`
	Result       []fhirRef        `json:"result"`
	Conclusion   string           `json:"conclusion,omitempty"`
}

type fhirPatient struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Identifier   []fhirIdentifier `json:"identifier"`
}

type fhirSpecimen struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Identifier   []fhirIdentifier `json:"identifier"`
	Type         *fhirCC          `json:"type,omitempty"`
	Subject      fhirRef          `json:"subject"`
}

type fhirOrganization struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Name         string `json:"name"`
}

type fhirEntry struct {
	FullURL  string `json:"fullUrl"`
	Resource any    `json:"resource"`
}

type fhirBundle struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id"`
	Identifier   fhirIdentifier `json:"identifier"`
	Type         string         `json:"type"`
	Entry        []fhirEntry    `json:"entry"`
}

// nameUUID derives a stable UUID (RFC 4122 version 5, SHA-1 name-based) from
// name, so the same sample always gets the same resource ids.
func nameUUID(name string) string {
	// Namespace: the RFC 4122 URL namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.Sum(append(ns, []byte(name)...))
	u := h[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
