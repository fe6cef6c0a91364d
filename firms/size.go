package firms

// SectorGroup is the sector family that Decree 80/2021/ND-CP Art. 5 uses to
// pick size thresholds, decided by the firm's main registered line.
type SectorGroup string

// The two sector groups of Decree 80/2021.
const (
	AgriIndustryConstruction SectorGroup = "agri_industry_construction"
	TradeService             SectorGroup = "trade_service"
)

// SectorGroupForSection maps a VSIC 2018 section letter to its group:
// A–F (agriculture, mining, manufacturing, utilities, construction) are
// agriculture/industry/construction; every other section is trade and services.
func SectorGroupForSection(section string) SectorGroup {
	if len(section) == 1 && section[0] >= 'A' && section[0] <= 'F' {
		return AgriIndustryConstruction
	}
	return TradeService
}

// SizeClass is an SME class of Decree 80/2021, or Large for firms above it.
type SizeClass string

// Size classes, smallest first.
const (
	Micro  SizeClass = "micro"
	Small  SizeClass = "small"
	Medium SizeClass = "medium"
	Large  SizeClass = "large"
)

// SizeClasses lists every class, smallest first.
var SizeClasses = []SizeClass{Micro, Small, Medium, Large}

// Valid reports whether c is one of the known classes.
func (c SizeClass) Valid() bool {
	switch c {
	case Micro, Small, Medium, Large:
		return true
	}
	return false
}

// SizeInputs are the figures the class is computed from, kept with the year
// of the statements they come from so the basis of a class can be shown.
type SizeInputs struct {
	Employees  int   // annual average employees with social insurance
	RevenueVND int64 // revenue of the previous year, VND
	CapitalVND int64 // total capital (nguồn vốn) of the previous year, VND
	Year       int   // the year the figures describe
}

const billion = 1_000_000_000

type sizeLimit struct {
	class      SizeClass
	employees  int
	revenue    int64
	capitalVND int64
}

// sizeLimits are Decree 80/2021 Art. 5, smallest class first per group.
var sizeLimits = map[SectorGroup][]sizeLimit{
	AgriIndustryConstruction: {
		{Micro, 10, 3 * billion, 3 * billion},
		{Small, 100, 50 * billion, 20 * billion},
		{Medium, 200, 200 * billion, 100 * billion},
	},
	TradeService: {
		{Micro, 10, 10 * billion, 3 * billion},
		{Small, 50, 100 * billion, 50 * billion},
		{Medium, 100, 300 * billion, 100 * billion},
	},
}

// Classify returns the size class: the smallest class whose employee limit
// holds AND whose revenue OR capital limit holds; Large when none does.
func Classify(group SectorGroup, in SizeInputs) SizeClass {
	limits, ok := sizeLimits[group]
	if !ok {
		limits = sizeLimits[TradeService]
	}
	for _, l := range limits {
		if in.Employees <= l.employees && (in.RevenueVND <= l.revenue || in.CapitalVND <= l.capitalVND) {
			return l.class
		}
	}
	return Large
}

// ClassifyKnown is Classify on figures of which revenue or capital may be
// missing (not typed yet, or unreadable): the class when the figures given
// already settle it, whatever the missing one would be; ok false when the
// missing one could still change it. 45 employees and 12.5 billion
// revenue in manufacturing are Small without the capital: Small needs
// revenue OR capital within its limit, and Micro's 10 employees fail.
func ClassifyKnown(group SectorGroup, in SizeInputs, haveRevenue, haveCapital bool) (SizeClass, bool) {
	limits, ok := sizeLimits[group]
	if !ok {
		limits = sizeLimits[TradeService]
	}
	for _, l := range limits {
		if in.Employees > l.employees {
			continue
		}
		if haveRevenue && in.RevenueVND <= l.revenue || haveCapital && in.CapitalVND <= l.capitalVND {
			return l.class, true
		}
		if !haveRevenue || !haveCapital {
			return "", false // the missing figure could still fit this class
		}
	}
	return Large, true
}
