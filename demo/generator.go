package demo

import (
	mrand "math/rand/v2"
	"strconv"
	"strings"

	"dxready/firms"
)

// industry is a slice of the provincial economy: its share of firms, the
// VSIC classes it draws from, the words its firm names use, and how its
// firms spread over size classes (micro, small, medium, large).
type industry struct {
	key     string
	share   float64
	classes []string
	words   []string
	sizes   [4]float64
}

var manufacturingSizes = [4]float64{0.45, 0.38, 0.10, 0.07}
var serviceSizes = [4]float64{0.75, 0.20, 0.03, 0.02}

// industries: wood, food, electronics/optics and logistics are the
// province's priority DX sectors (seed facts); ICT is about 10% of firms.
var industries = []industry{
	{"wood", 0.09, []string{"1610", "1621", "1622", "1623", "1629", "3100", "3100", "3100"}, []string{"Chế biến gỗ", "Nội thất", "Gỗ", "Đồ gỗ xuất khẩu"}, manufacturingSizes},
	{"food", 0.07, []string{"1010", "1050", "1073", "1079", "1080", "1104"}, []string{"Thực phẩm", "Chế biến nông sản", "Thức ăn chăn nuôi", "Bánh kẹo"}, manufacturingSizes},
	{"electronics", 0.04, []string{"2610", "2620", "2630", "2640", "2710"}, []string{"Điện tử", "Linh kiện điện tử", "Thiết bị điện"}, manufacturingSizes},
	{"textile", 0.08, []string{"1311", "1312", "1391", "1410", "1410"}, []string{"Dệt may", "May mặc", "Sợi"}, manufacturingSizes},
	{"leather", 0.04, []string{"1512", "1520", "1520"}, []string{"Giày da", "Túi xách", "Da giày"}, manufacturingSizes},
	{"logistics", 0.07, []string{"4933", "5210", "5224", "5229"}, []string{"Logistics", "Vận tải", "Kho vận", "Giao nhận"}, serviceSizes},
	{"ict", 0.10, []string{"6201", "6202", "6209", "6311"}, []string{"Công nghệ", "Phần mềm", "Giải pháp số", "Tin học"}, serviceSizes},
	{"trade", 0.27, []string{"4610", "4649", "4659", "4663", "4669", "4690", "4711", "4791"}, []string{"Thương mại", "Thương mại Dịch vụ", "Xuất nhập khẩu", "Phân phối"}, serviceSizes},
	{"services", 0.10, []string{"5510", "5610", "6810", "6920", "7020", "7310", "8299", "8559", "9511", "4520"}, []string{"Dịch vụ", "Tư vấn", "Đầu tư", "Kế toán"}, serviceSizes},
	{"construction", 0.06, []string{"4100", "4321"}, []string{"Xây dựng", "Xây lắp", "Cơ điện"}, [4]float64{0.55, 0.35, 0.07, 0.03}},
	{"othermfg", 0.07, []string{"1702", "2220", "2392", "2511", "2592"}, []string{"Nhựa", "Cơ khí", "Bao bì", "Vật liệu xây dựng"}, manufacturingSizes},
	{"agri", 0.01, []string{"0125", "0146"}, []string{"Nông nghiệp", "Cao su", "Chăn nuôi"}, serviceSizes},
}

var brandSyllables = []string{"An", "Bình", "Phú", "Thịnh", "Hưng", "Phát", "Tân", "Đức", "Minh", "Hoàng", "Việt", "Nam", "Long",
	"Thành", "Khang", "Gia", "Hòa", "Lộc", "Tài", "Trí", "Nhật", "Quang", "Sơn", "Hải", "Kim", "Ngọc", "Phước", "Thuận", "Vĩnh",
	"Đại", "Hồng", "Lâm", "Trường", "Thái", "Bảo", "Toàn", "Mỹ", "Tiến", "Hiệp", "Đông", "Tây", "Nguyên", "Châu", "Uy", "Tín"}

var legalForms = []string{"Công ty TNHH", "Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân"}

var koreanSyllables = []string{"Han", "Dae", "Sung", "Jin", "Woo", "Seo", "Kwang", "Min", "Hyun", "Yeon", "Il", "Jeong", "Chang", "Moon"}

var surnames = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
var middles = []string{"Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Thu", "Đức", "Hoài"}
var givens = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Mai", "Nam", "Ngân", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"}

type generator struct {
	ref       *firms.Reference
	rng       *mrand.Rand
	wards     []firms.Ward
	wardW     []float64 // for services
	wardWMfg  []float64 // for manufacturing: parks pull harder
	parksIn   map[string][]firms.Park
	nextBody  int
	industryF []float64
}

func newGenerator(ref *firms.Reference, seed uint64) *generator {
	g := &generator{ref: ref, rng: mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), wards: ref.Wards,
		parksIn: map[string][]firms.Park{}, nextBody: 370900000}
	for _, p := range ref.Parks {
		g.parksIn[p.WardCode] = append(g.parksIn[p.WardCode], p)
	}
	// Weights come from the data: urban wards over rural communes, and
	// wards with industrial parks over those without.
	for _, w := range ref.Wards {
		base := 1.0
		if w.Kind == "ward" {
			base = 3
		}
		parks := float64(len(g.parksIn[w.Code]))
		g.wardW = append(g.wardW, base+parks)
		g.wardWMfg = append(g.wardWMfg, base+3*parks)
	}
	for _, ind := range industries {
		g.industryF = append(g.industryF, ind.share)
	}
	return g
}

func (g *generator) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *generator) one(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// taxCode returns the next synthetic MST in 3709xxxxxx, a range real Binh
// Duong firms are unlikely to hold (issued codes reach about 3703xxxxxx),
// skipping bodies that have no valid check digit.
func (g *generator) taxCode() firms.TaxCode {
	for {
		g.nextBody++
		body := strconv.Itoa(g.nextBody)
		if d, ok := firms.CheckDigit(body); ok {
			return firms.TaxCode(body + string(d))
		}
	}
}

func (g *generator) personName() string {
	return g.one(surnames) + " " + g.one(middles) + " " + g.one(givens)
}

func (g *generator) brand() string {
	a, b := g.one(brandSyllables), g.one(brandSyllables)
	for b == a {
		b = g.one(brandSyllables)
	}
	return a + " " + b
}

// firm makes the next firm; about 1 in 200 is a Korean-invested
// manufacturer.
func (g *generator) firm() *firms.Firm {
	ind := industries[g.pick(g.industryF)]
	f := &firms.Firm{TaxCode: g.taxCode(), VSICVersion: firms.VSICVersion2018, VSICCode: g.one(ind.classes), Demo: true}
	i, _ := g.ref.IndustryFor(f.VSICVersion, f.VSICCode)
	f.Section = i.Section
	korean := f.Section == "C" && g.rng.IntN(40) == 0
	mfg := f.Section == "C" || f.Section == "F"
	if korean {
		f.Name = "Công ty TNHH " + g.one(koreanSyllables) + g.one(koreanSyllables) + " Vina"
	} else {
		f.Name = g.one(legalForms) + " " + g.one(ind.words) + " " + g.brand()
	}
	weights := g.wardW
	if mfg {
		weights = g.wardWMfg
	}
	w := g.wards[g.pick(weights)]
	f.WardCode = w.Code
	if parks := g.parksIn[w.Code]; len(parks) > 0 && mfg && (korean || g.rng.Float64() < 0.45) {
		f.ParkCode = parks[g.rng.IntN(len(parks))].Code
	}
	sizes := ind.sizes
	if korean {
		sizes = [4]float64{0, 0.25, 0.35, 0.40}
	}
	f.Size = g.sizeFigures(firms.SectorGroupForSection(f.Section), g.pick(sizes[:]))
	f.SizeClass = firms.Classify(firms.SectorGroupForSection(f.Section), f.Size)
	return f
}

// sizeFigures draws employees, revenue and capital inside the Decree 80
// band of class (0 micro … 3 large), so the computed class is that class.
func (g *generator) sizeFigures(group firms.SectorGroup, class int) firms.SizeInputs {
	const b = 1_000_000_000
	type band struct{ e0, e1, r0, r1, c0, c1 int64 }
	bands := map[firms.SectorGroup][4]band{
		firms.AgriIndustryConstruction: {{1, 10, b / 3, 3 * b, b / 5, 3 * b}, {11, 100, 3*b + 1, 50 * b, 3*b + 1, 20 * b},
			{101, 200, 50*b + 1, 200 * b, 20*b + 1, 100 * b}, {201, 3000, 200*b + 1, 3000 * b, 100*b + 1, 2000 * b}},
		firms.TradeService: {{1, 10, b / 2, 10 * b, b / 5, 3 * b}, {11, 50, 10*b + 1, 100 * b, 3*b + 1, 50 * b},
			{51, 100, 100*b + 1, 300 * b, 50*b + 1, 100 * b}, {101, 800, 300*b + 1, 5000 * b, 100*b + 1, 2000 * b}},
	}
	bd := bands[group][class]
	skew := func(lo, hi int64) int64 { // more firms near the bottom of a band
		u := g.rng.Float64()
		return lo + int64(u*u*float64(hi-lo))
	}
	round := func(v int64) int64 { return v / 1_000_000 * 1_000_000 }
	return firms.SizeInputs{Employees: int(skew(bd.e0, bd.e1)), RevenueVND: round(skew(bd.r0, bd.r1)),
		CapitalVND: round(skew(bd.c0, bd.c1)), Year: 2025}
}

var sizeBoost = map[firms.SizeClass]float64{firms.Micro: 1, firms.Small: 3, firms.Medium: 8, firms.Large: 12}

// memberships picks the associations firm f belongs to (indexes into
// associationSpecs), larger firms more often, as associations recruit them
// first.
func (g *generator) memberships(f *firms.Firm) []int {
	var out []int
	for i, a := range associationSpecs {
		if g.rng.Float64() < joinChance(a.Code, f) {
			out = append(out, i)
		}
	}
	return out
}

// joinChance is the chance that firm f belongs to the association with
// code.
func joinChance(code string, f *firms.Firm) float64 {
	div := f.VSICCode[:2]
	boost := sizeBoost[f.SizeClass]
	switch code {
	case "bifa":
		return ifThen(div == "16" || div == "31", 0.02*boost)
	case "bdbf":
		return 0.004 * boost
	case "logistics":
		return ifThen(div == "49" || div == "52", 0.02*boost)
	case "kocham":
		return ifThen(strings.HasSuffix(f.Name, " Vina"), 1)
	case "electronics":
		return ifThen(div == "26" || div == "27", 0.04*boost)
	case "food":
		return ifThen(div == "10" || div == "11", 0.025*boost)
	case "textile":
		return ifThen(div == "13" || div == "14" || div == "15", 0.02*boost)
	case "digital":
		return ifThen(div == "62" || div == "63", 0.015*boost)
	}
	return 0
}

func ifThen(cond bool, v float64) float64 {
	if cond {
		return v
	}
	return 0
}

// sharingShare is the share of assessed members that agree to show their
// results to their association in the demo.
const sharingShare = 0.4

// shares picks, for a firm with a result, the memberships (indexes into
// its own) whose association sees its results.
func (g *generator) shares(members []int) []int {
	var out []int
	for i := range members {
		if g.rng.Float64() < sharingShare {
			out = append(out, i)
		}
	}
	return out
}
