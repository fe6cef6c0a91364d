package store

import (
	"encoding/binary"
	"math"

	"dxready/disclosure"
)

// tallyFormat is the first byte of a cell's encoding.
const tallyFormat = 2

// encodeTally writes a cell's tally: counts as signed varints (a cell is a
// change, and may be negative), sums as float64 bits.
func encodeTally(t *disclosure.Tally) []byte {
	b := []byte{tallyFormat}
	b = binary.AppendVarint(b, int64(t.N))
	b = binary.AppendUvarint(b, uint64(t.Key))
	b = binary.AppendUvarint(b, uint64(t.FirmKey))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(t.Sum))
	for _, c := range t.Levels {
		b = binary.AppendVarint(b, int64(c))
	}
	for _, c := range t.Bands {
		b = binary.AppendVarint(b, int64(c))
	}
	for _, c := range t.Adopt {
		b = binary.AppendVarint(b, int64(c))
	}
	b = binary.AppendUvarint(b, uint64(len(t.Pillars)))
	for _, p := range t.Pillars {
		b = binary.AppendVarint(b, int64(p.N))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.Sum))
	}
	return b
}

func decodeTally(b []byte) (disclosure.Tally, error) {
	if len(b) == 0 || b[0] != tallyFormat {
		return disclosure.Tally{}, errInputs
	}
	d := &decoder{b: b[1:]}
	t := disclosure.Tally{N: int(d.varint()), Key: uint32(d.uvarint()), FirmKey: uint32(d.uvarint()), Sum: d.float()}
	for i := range t.Levels {
		t.Levels[i] = int(d.varint())
	}
	for i := range t.Bands {
		t.Bands[i] = int(d.varint())
	}
	for i := range t.Adopt {
		t.Adopt[i] = int(d.varint())
	}
	t.Pillars = make([]disclosure.PillarTally, d.count())
	for i := range t.Pillars {
		t.Pillars[i] = disclosure.PillarTally{N: int(d.varint()), Sum: d.float()}
	}
	if d.err != nil || len(d.b) != 0 {
		return disclosure.Tally{}, errInputs
	}
	return t, nil
}

// sumEpsilon is how far from zero a sum of scores that should be zero may
// be after adding and taking away the same scores in another order.
const sumEpsilon = 1e-6

// emptyTally reports whether t counts nothing: a cell whose changes
// cancelled out, which is deleted rather than kept.
func emptyTally(t *disclosure.Tally) bool {
	if t.N != 0 || t.Key != 0 || t.FirmKey != 0 || math.Abs(t.Sum) > sumEpsilon {
		return false
	}
	for _, c := range t.Levels {
		if c != 0 {
			return false
		}
	}
	for _, c := range t.Bands {
		if c != 0 {
			return false
		}
	}
	for _, c := range t.Adopt {
		if c != 0 {
			return false
		}
	}
	for _, p := range t.Pillars {
		if p.N != 0 || math.Abs(p.Sum) > sumEpsilon {
			return false
		}
	}
	return true
}
