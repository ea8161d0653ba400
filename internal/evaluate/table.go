package evaluate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLineBytes bounds one TSV line. A summary row with hundreds of CNV calls
// stays far below it; anything longer is a corrupt or wrong file.
const maxLineBytes = 4 << 20

// table is a tab-separated file with a header line naming its columns.
// Column names are matched case-insensitively.
type table struct {
	name   string         // file name, for error messages
	header []string       // column names as written
	col    map[string]int // lower-cased name → index
}

// row is one data line of a table.
type row struct {
	t      *table
	line   int
	fields []string
}

// has reports whether the table has a column.
func (t *table) has(name string) bool {
	_, ok := t.col[strings.ToLower(name)]
	return ok
}

// get returns the trimmed cell of a column, "" when the column is absent.
func (r row) get(name string) string {
	i, ok := r.t.col[strings.ToLower(name)]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// errf makes an error naming the file, line and column.
func (r row) errf(column, format string, args ...any) error {
	return fmt.Errorf("%s line %d column %s: %s", r.t.name, r.line, column, fmt.Sprintf(format, args...))
}

// readTable reads a TSV file with a header line. The header is the first
// line whose first field is "sample" (a leading '#' is allowed there);
// other lines starting with '#' and blank lines are skipped. required names
// the columns that must be present. fn is called for every data row.
func readTable(r io.Reader, name string, required []string, fn func(row) error) (*table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLineBytes)
	var t *table
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			// A spreadsheet's export may start with a byte-order mark.
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if t == nil {
			first := strings.ToLower(strings.TrimSpace(strings.TrimLeft(fields[0], "#")))
			if first != "sample" {
				if strings.HasPrefix(text, "#") {
					continue
				}
				hint := "is this the right file?"
				if len(fields) == 1 && strings.ContainsAny(text, ",;") {
					hint = "the file looks comma- or semicolon-separated: export it as tab-separated text"
				}
				return nil, fmt.Errorf("%s line %d: expected a tab-separated header line starting with \"sample\", got %q (%s)", name, line, clip(text), hint)
			}
			fields[0] = first
			var err error
			if t, err = newTable(name, line, fields, required); err != nil {
				return nil, err
			}
			continue
		}
		if strings.HasPrefix(text, "#") {
			continue
		}
		if len(fields) != len(t.header) {
			return nil, fmt.Errorf("%s line %d: %d tab-separated fields, but the header has %d columns (is the file tab-separated and complete?)", name, line, len(fields), len(t.header))
		}
		if err := fn(row{t: t, line: line, fields: fields}); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s line %d: line longer than %d bytes (not a nipt table?)", name, line+1, maxLineBytes)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if t == nil {
		return nil, fmt.Errorf("%s: no header line (the first line must name the columns, starting with \"sample\")", name)
	}
	return t, nil
}

func newTable(name string, line int, header, required []string) (*table, error) {
	t := &table{name: name, header: header, col: make(map[string]int, len(header))}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		if key == "" {
			return nil, fmt.Errorf("%s line %d: column %d of the header is empty", name, line, i+1)
		}
		if _, dup := t.col[key]; dup {
			return nil, fmt.Errorf("%s line %d: column %q appears twice in the header", name, line, h)
		}
		t.col[key] = i
	}
	for _, c := range required {
		if !t.has(c) {
			return nil, fmt.Errorf("%s line %d: required column %q missing from the header (have: %s)", name, line, c, strings.Join(header, ", "))
		}
	}
	return t, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
