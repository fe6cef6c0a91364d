package opendata

import (
	"errors"

	"dxready/scoring"
)

// Errors of a lookup: what the API answers 404 for.
var (
	ErrNoIndicator = errors.New("opendata: no such indicator")
	ErrNoDataset   = errors.New("opendata: no such dataset")
	ErrNoGroup     = errors.New("opendata: no such group")
)

// Point is one value of a series.
type Point struct {
	Quarter scoring.Quarter
	Value
}

// Table returns the dataset named id.
func (p *Publication) Table(id string) (*Table, error) {
	for i := range p.Tables {
		if p.Tables[i].ID == id {
			return &p.Tables[i], nil
		}
	}
	return nil, ErrNoDataset
}

// Indicator returns the indicator named id.
func (p *Publication) Indicator(id string) (Indicator, error) {
	for _, ind := range p.Indicators {
		if ind.ID == id {
			return ind, nil
		}
	}
	return Indicator{}, ErrNoIndicator
}

// Series returns indicator id's values for the group code of dimension dim
// ("" for the province), one per published quarter, oldest first.
func (p *Publication) Series(id, dim, code string) ([]Point, error) {
	ind, err := p.Indicator(id)
	if err != nil {
		return nil, err
	}
	t, err := p.Table("readiness-by-" + dim)
	if err != nil {
		return nil, ErrNoGroup
	}
	col := -1
	for i, c := range t.Indicators {
		if c.ID == ind.ID {
			col = i
		}
	}
	if col < 0 {
		return nil, ErrNoIndicator // an estimate by ward: not published
	}
	var out []Point
	for _, r := range t.Rows {
		if r.Code == code {
			out = append(out, Point{Quarter: r.Quarter, Value: r.Values[col]})
		}
	}
	if out == nil {
		return nil, ErrNoGroup
	}
	return out, nil
}

// Codes lists the groups of dimension dim that the quarterly table holds,
// sorted.
func (p *Publication) Codes(dim string) []string {
	t, err := p.Table("readiness-by-" + dim)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range t.Rows {
		if !seen[r.Code] {
			seen[r.Code] = true
			out = append(out, r.Code)
		}
	}
	return out
}
