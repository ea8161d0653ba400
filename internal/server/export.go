package server

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/store"
)

// ExportColumns are the columns Export adds to the summary.tsv row of each
// sample.
var ExportColumns = []string{"review", "signed_by", "signed_at", "review_comment"}

// Export writes a batch's samples as tab-separated text: the summary.tsv
// columns of each view followed by its review state (ExportColumns:
// approved, rejected or pending; who, when in RFC 3339 UTC, and the
// comment). With approvedOnly, only approved samples: the results the
// laboratory has released. The export is recorded in the audit trail as
// done by user ("" = cli).
func Export(ctx context.Context, st *store.Store, batch, user string, approvedOnly bool, w io.Writer) (int, error) {
	ss, err := st.Samples(ctx, batch)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	b.WriteString(strings.Join(append(append([]string{}, report.SummaryColumns...), ExportColumns...), "\t") + "\n")
	n := 0
	for _, si := range ss {
		if approvedOnly && si.Decision != store.DecisionApproved {
			continue
		}
		state, at := si.Decision, ""
		if state == "" {
			state = "pending"
		} else {
			at = si.SignedAt.UTC().Format(time.RFC3339)
		}
		comment := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(si.Comment)
		row := append(append([]string{}, si.Summary...), state, si.SignedBy, at, comment)
		b.WriteString(strings.Join(row, "\t") + "\n")
		n++
	}
	detail := fmt.Sprintf("%d samples", n)
	if approvedOnly {
		detail += ", approved only"
	}
	// Recorded before the rows leave: an export that is not in the trail
	// does not happen.
	if err := st.Audit(ctx, store.AuditEntry{User: user, Action: store.ActionExport, Batch: batch, Detail: detail}); err != nil {
		return 0, err
	}
	_, err = io.WriteString(w, b.String())
	return n, err
}
