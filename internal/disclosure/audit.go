package disclosure

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// AuditEntry records one disclosure of fetal sex. It deliberately does not
// hold the disclosed sex: the log proves who learned it, not what it was.
type AuditEntry struct {
	// Time is when the disclosure happened (UTC, RFC 3339); the audit log's
	// time stamp is the one non-deterministic value nipt writes.
	Time       string `json:"time"`
	Event      string `json:"event"` // "fetal_sex_disclosed"
	Requester  string `json:"requester"`
	Sample     string `json:"sample"`
	Indication string `json:"indication,omitempty"`
	Policy     string `json:"policy"`  // the profile's fetal_sex policy
	Profile    string `json:"profile"` // the profile's name
}

// AuditLog receives every disclosure of fetal sex. Record must persist the
// entry before returning nil: Apply withholds the view when it fails.
type AuditLog interface {
	Record(e AuditEntry) error
}

// FileAuditLog appends entries as JSON lines to a file. It is the one output
// of nipt not written through internal/atomicfile: an audit log must only
// grow, so each entry is appended with a single write on an O_APPEND file
// (atomic for a line this short on local file systems) and synced to disk.
type FileAuditLog struct {
	path string
	// Now gives the time stamp; time.Now when nil.
	Now func() time.Time
	mu  sync.Mutex
}

// NewFileAuditLog returns the audit log at path; the file is created (mode
// 0600: the log names samples and requesters) on the first entry.
func NewFileAuditLog(path string) *FileAuditLog { return &FileAuditLog{path: path} }

// Path is the log file.
func (l *FileAuditLog) Path() string { return l.path }

// Record appends e, filling in its time stamp when empty.
func (l *FileAuditLog) Record(e AuditEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.Time == "" {
		now := time.Now
		if l.Now != nil {
			now = l.Now
		}
		e.Time = now().UTC().Format(time.RFC3339)
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit log %s: %w (fetal sex is not disclosed without an audit record: fix the path or permissions)", l.path, err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	return nil
}

// MemoryAuditLog keeps entries in memory (tests, in-process demos).
type MemoryAuditLog struct {
	mu      sync.Mutex
	Entries []AuditEntry
}

// Record appends e.
func (m *MemoryAuditLog) Record(e AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Entries = append(m.Entries, e)
	return nil
}
