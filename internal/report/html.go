package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"

	"github.com/nipt/nipt/internal/result"
)

//go:embed templates/*.tmpl templates/style.css
var templateFS embed.FS

var templates = template.Must(template.ParseFS(templateFS, "templates/*.tmpl"))

// css is inlined into every HTML page: reports work offline.
var css = func() template.CSS {
	b, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	return template.CSS(b)
}()

// SamplePlots are the PNG plots of one sample.
type SamplePlots struct {
	Genome, ChromZ, Panels []byte
}

// NewSamplePlots renders the plots of a view.
func NewSamplePlots(view *result.Result) (SamplePlots, error) {
	var p SamplePlots
	var err error
	if p.Genome, err = GenomePlot(view); err != nil {
		return p, err
	}
	if p.ChromZ, err = ChromosomeZPlot(view); err != nil {
		return p, err
	}
	p.Panels, err = ChromosomePanels(view)
	return p, err
}

// dataURL embeds a PNG in the page.
func dataURL(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

// SampleHTML renders the self-contained HTML report of one sample.
func SampleHTML(m *Model, plots SamplePlots) ([]byte, error) {
	var buf bytes.Buffer
	err := templates.ExecuteTemplate(&buf, "sample.html.tmpl", map[string]any{
		"M": m, "CSS": css,
		"Genome": dataURL(plots.Genome), "ChromZ": dataURL(plots.ChromZ), "Panels": dataURL(plots.Panels),
	})
	if err != nil {
		return nil, fmt.Errorf("html report of sample %s: %w", m.Sample, err)
	}
	return buf.Bytes(), nil
}
