// Package version holds the nipt release version. Release builds may override
// it with -ldflags "-X github.com/nipt/nipt/internal/version.Version=x.y.z".
package version

// Version is the nipt version (semantic versioning, no leading "v").
var Version = "0.1.0"
