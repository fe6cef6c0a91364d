package store

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// firmInputs is everything a firm contributes to the cells, read from its
// rows (store/cells_read.go) and kept, encoded, in agg_inputs: what was
// added when it was last reconciled is what is taken away at the next.
type firmInputs struct {
	ID                            int64
	Key                           uint32
	Division, Section, Size, Ward string
	Park                          string             // industrial park code, "" outside one
	Memberships                   []membershipInputs // by association ID
	Results                       []resultInputs     // submitted, by time then ID; of each instrument's quarter the first and last (compactResults)
}

// membershipInputs is one membership with the firm's consent at the end
// of each quarter in which it changed (before the first: not shared).
type membershipInputs struct {
	AssociationID int64
	Consent       []consentAt // by quarter
}

// consentAt says whether the firm shared with the association at the end
// of quarter Q (an index, quarterIndex).
type consentAt struct {
	Q      int
	Shared bool
}

// resultInputs is one submitted result.
type resultInputs struct {
	Instrument string
	At         time.Time
	Key        uint32
	Overall    float64
	Level      int
	Pillars    []float64 // in the instrument's pillar order; NaN: not scored
	Adoption   uint8     // the adoption facts its answers show (scoring.AdoptionBits)
}

// inputsFormat is the first byte of every encoding, changed with it.
const inputsFormat = 3

// encode is the inputs' bytes: the same inputs always give the same bytes,
// so a reconciliation that changes nothing is seen as such.
func (in *firmInputs) encode() []byte {
	b := []byte{inputsFormat}
	b = binary.AppendUvarint(b, uint64(in.Key))
	for _, s := range []string{in.Division, in.Section, in.Size, in.Ward, in.Park} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(in.Memberships)))
	for _, m := range in.Memberships {
		b = binary.AppendVarint(b, m.AssociationID)
		b = binary.AppendUvarint(b, uint64(len(m.Consent)))
		for _, c := range m.Consent {
			b = binary.AppendVarint(b, int64(c.Q))
			b = append(b, boolByte(c.Shared))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(in.Results)))
	for _, r := range in.Results {
		b = appendString(b, r.Instrument)
		b = binary.AppendVarint(b, r.At.UnixNano())
		b = binary.AppendUvarint(b, uint64(r.Key))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Overall))
		b = binary.AppendVarint(b, int64(r.Level))
		b = binary.AppendUvarint(b, uint64(len(r.Pillars)))
		for _, p := range r.Pillars {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p))
		}
		b = append(b, r.Adoption)
	}
	return b
}

var errInputs = errors.New("store: agg_inputs: malformed")

// decodeInputs reads what encode wrote.
func decodeInputs(id int64, b []byte) (*firmInputs, error) {
	if len(b) == 0 || b[0] != inputsFormat {
		return nil, errInputs
	}
	d := &decoder{b: b[1:]}
	in := &firmInputs{ID: id, Key: uint32(d.uvarint())}
	in.Division, in.Section, in.Size, in.Ward, in.Park = d.string(), d.string(), d.string(), d.string(), d.string()
	in.Memberships = make([]membershipInputs, d.count())
	for i := range in.Memberships {
		m := &in.Memberships[i]
		m.AssociationID = d.varint()
		m.Consent = make([]consentAt, d.count())
		for j := range m.Consent {
			m.Consent[j] = consentAt{Q: int(d.varint()), Shared: d.byte() == 1}
		}
	}
	in.Results = make([]resultInputs, d.count())
	for i := range in.Results {
		r := &in.Results[i]
		r.Instrument, r.At = d.string(), time.Unix(0, d.varint()).UTC()
		r.Key, r.Overall, r.Level = uint32(d.uvarint()), d.float(), int(d.varint())
		r.Pillars = make([]float64, d.count())
		for j := range r.Pillars {
			r.Pillars[j] = d.float()
		}
		r.Adoption = d.byte()
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errInputs
	}
	return in, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// decoder reads an encoding, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length, bounded by the bytes left, so a corrupt length
// cannot allocate more than the encoding holds.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errInputs
	}
	d.b = nil
}
