package web

import (
	"strconv"
	"strings"
	"sync"

	"dxready/charts"
)

// radarFramesMax bounds the result page's kept radar frames. A frame is
// one language's pillar names and one set of series names (the firm, and
// the averages of its associations and industry), about 10 kB of heap
// (six axes, three series; measured with runtime.MemStats): at most some
// 1.3 MB in all. When full, the frames are dropped and kept again as pages
// ask for them.
const radarFramesMax = 128

// radarFrames keeps the result page's radar frames by axes and series
// names: a frame is drawn by go-echarts once, and each page puts its own
// values in (charts.RadarFrame). A frame depends on nothing but its key,
// so a kept one is never stale.
type radarFrames struct {
	mu     sync.Mutex
	frames map[string]*charts.RadarFrame
}

// radar draws series over axes as charts.Radar does, from a kept frame.
func (rf *radarFrames) radar(id, label string, loc charts.Locale, axes []string, series []charts.Series) (charts.Chart, error) {
	var key strings.Builder // each text after its length: no two keys alike
	for _, a := range axes {
		key.WriteString(strconv.Itoa(len(a)))
		key.WriteByte(':')
		key.WriteString(a)
	}
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
		key.WriteString(strconv.Itoa(len(s.Name)))
		key.WriteByte(';')
		key.WriteString(s.Name)
	}
	rf.mu.Lock()
	f := rf.frames[key.String()]
	rf.mu.Unlock()
	if f == nil {
		var err error
		if f, err = charts.NewRadarFrame(axes, names); err != nil {
			return charts.Chart{}, err
		}
		rf.mu.Lock()
		if rf.frames == nil || len(rf.frames) >= radarFramesMax {
			rf.frames = map[string]*charts.RadarFrame{}
		}
		rf.frames[key.String()] = f
		rf.mu.Unlock()
	}
	return f.Chart(id, label, loc, series)
}
