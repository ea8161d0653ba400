package bam

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// FLAG bits (SAM spec §1.4, field 2).
const (
	FlagPaired        = 0x1
	FlagProperPair    = 0x2
	FlagUnmapped      = 0x4
	FlagMateUnmapped  = 0x8
	FlagReverse       = 0x10
	FlagMateReverse   = 0x20
	FlagRead1         = 0x40
	FlagRead2         = 0x80
	FlagSecondary     = 0x100
	FlagQCFail        = 0x200
	FlagDuplicate     = 0x400
	FlagSupplementary = 0x800
)

// Record holds the fields of an alignment that counting uses. Positions are
// 0-based; -1 means unset (RefID, NextRefID, Pos, NextPos).
type Record struct {
	RefID     int32
	Pos       int32
	MAPQ      uint8
	Flag      uint16
	NextRefID int32
	NextPos   int32
	TLen      int32
}

// FixedSize is the size of the fixed part of a BAM record after block_size
// (SAM spec §4.2: refID … tlen, 8 fields in 32 bytes).
const FixedSize = 32

// ErrCorruptRecord is wrapped by every record decoding error.
var ErrCorruptRecord = errors.New("corrupt alignment record")

// DecodeRecord decodes the fixed fields of one BAM record. b holds the
// record without its block_size prefix (len(b) == block_size), nRef is the
// number of reference sequences in the header. The variable-length parts
// are not decoded, but their lengths are checked against block_size so that
// a damaged stream is detected at the first bad record.
func DecodeRecord(b []byte, nRef int, r *Record) error {
	if len(b) < FixedSize {
		return fmt.Errorf("%w: block size %d is below the fixed %d bytes", ErrCorruptRecord, len(b), FixedSize)
	}
	_ = b[31]
	r.RefID = int32(binary.LittleEndian.Uint32(b[0:]))
	r.Pos = int32(binary.LittleEndian.Uint32(b[4:]))
	binMqNl := binary.LittleEndian.Uint32(b[8:])
	flagNc := binary.LittleEndian.Uint32(b[12:])
	lSeq := int32(binary.LittleEndian.Uint32(b[16:]))
	r.NextRefID = int32(binary.LittleEndian.Uint32(b[20:]))
	r.NextPos = int32(binary.LittleEndian.Uint32(b[24:]))
	r.TLen = int32(binary.LittleEndian.Uint32(b[28:]))
	r.MAPQ = uint8(binMqNl >> 8)
	r.Flag = uint16(flagNc >> 16)
	lName := int(binMqNl & 0xff)
	nCigar := int(flagNc & 0xffff)
	if lName < 1 {
		return fmt.Errorf("%w: read name length 0", ErrCorruptRecord)
	}
	if lSeq < 0 {
		return fmt.Errorf("%w: sequence length %d", ErrCorruptRecord, lSeq)
	}
	// name, CIGAR (4 bytes per op), 4-bit packed sequence, qualities.
	if need := int64(FixedSize+lName+4*nCigar) + (int64(lSeq)+1)/2 + int64(lSeq); need > int64(len(b)) {
		return fmt.Errorf("%w: fields need %d bytes, block size is %d", ErrCorruptRecord, need, len(b))
	}
	if r.RefID < -1 || int(r.RefID) >= nRef {
		return fmt.Errorf("%w: reference id %d (header has %d references)", ErrCorruptRecord, r.RefID, nRef)
	}
	if r.NextRefID < -1 || int(r.NextRefID) >= nRef {
		return fmt.Errorf("%w: mate reference id %d (header has %d references)", ErrCorruptRecord, r.NextRefID, nRef)
	}
	if r.Pos < -1 || r.NextPos < -1 {
		return fmt.Errorf("%w: position %d, mate position %d", ErrCorruptRecord, r.Pos, r.NextPos)
	}
	return nil
}
