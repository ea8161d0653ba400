package filekind

import "testing"

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
	}{
		{"", Empty},
		{"PK\x03\x04\x14\x00", Counts},
		{"#nipt-reference\t5\n#sha256:", Reference},
		{"\x1f\x8b\x08\x04\x00\x00", Compressed},
		{"CRAM\x03\x00", CRAM},
		{"@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:10\n", SAM},
		{"@SQ\tSN:chr1\tLN:10\n", SAM},
		{"@SRR1.1 r\nACGTN\n+\nIIIII\n", FASTQ},
		{"@r1\r\nACGT\r\n+\r\nIIII\r\n", FASTQ},
		{">chr1\nACGT\n", FASTA},
		{"@r1\nhello\n+\n", Unknown}, // not a sequence line
		{"sample\trole\n", Unknown},
	} {
		if got := Sniff([]byte(tc.in)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for k := Unknown; k <= FASTA; k++ {
		if k.String() == "" {
			t.Errorf("kind %d has no description", k)
		}
	}
}
