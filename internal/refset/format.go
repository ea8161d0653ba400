package refset

// Format identification of reference files (docs/format-reference.md).
const (
	FormatName    = "nipt-reference"
	FormatVersion = 1
)
