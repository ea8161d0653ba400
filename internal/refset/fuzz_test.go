package refset

import (
	"bytes"
	"testing"
)

// FuzzRead: no byte sequence makes Read panic; seeds are a valid
// reference and damaged versions of it.
func FuzzRead(f *testing.F) {
	fx, err := TestFixture()
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, fx.Ref); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	f.Add(good)
	f.Add(good[:100])
	f.Add([]byte("#nipt-reference\t1\n#sha256:" + fx.Ref.ID + "\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(bytes.NewReader(data))
		if err == nil && r == nil {
			t.Fatal("nil reference without error")
		}
	})
}

// FuzzDecode exercises the payload decoder directly (past the checksum).
func FuzzDecode(f *testing.F) {
	fx, err := TestFixture()
	if err != nil {
		f.Fatal(err)
	}
	pm, ps, err := fx.Ref.payload()
	if err != nil {
		f.Fatal(err)
	}
	p := append(pm, ps...)
	f.Add(p[:min(len(p), 4096)])
	f.Add([]byte{4, 0, 'm', 'e', 't', 'a', 'j', 2, 0, 0, 0, 0, 0, 0, 0, '{', '}'})
	f.Fuzz(func(t *testing.T, data []byte) {
		decode(data) // must not panic
	})
}
