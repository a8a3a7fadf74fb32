package handlers

import (
	"mobilityfund/i18n"
	"mobilityfund/models"
)

// chart is an SVG chart drawn by the server: bars, lines and labels with
// their coordinates computed here, colours as SVG presentation attributes
// (the CSP allows no inline style). The page shows the same numbers in a
// table beside it.
type chart struct {
	ID, Title     string
	Width, Height int
	Bars          []chartBar
	Lines         []chartLine
	Texts         []chartText
}

type chartBar struct {
	X, Y, W, H int
	Fill       string
	Title      string
}

type chartLine struct {
	X1, Y1, X2, Y2 int
	Stroke         string
}

type chartText struct {
	X, Y   int
	Anchor string
	Text   string
}

// The chart colours: the site's accent, green and blue, all with a
// contrast of at least 4.5:1 against white.
const (
	fillGranted = "#8a1538"
	fillSpent   = "#1d6b3a"
	fillPartly  = "#0b4f8a"
	fillNone    = "#4a5360"
	chartWidth  = 640
)

// scale maps v of top onto 0..span pixels.
func scale(v, top int64, span int) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return int(v * int64(span) / top)
}

// legend adds coloured keys along the top of a chart.
func (ch *chart) legend(y int, items ...[2]string) {
	x := 0
	for _, it := range items {
		ch.Bars = append(ch.Bars, chartBar{X: x, Y: y - 10, W: 12, H: 12, Fill: it[0]})
		ch.Texts = append(ch.Texts, chartText{X: x + 16, Y: y, Anchor: "start", Text: it[1]})
		x += 24 + 8*len([]rune(it[1]))
	}
}

// areaChart draws granted (less returned) and spent per plan area as
// pairs of horizontal bars.
func areaChart(l *i18n.Localizer, plan *models.Plan, byArea map[int64]models.FollowupSums) *chart {
	ch := &chart{ID: "chart-areas", Title: l.T("followup.chart.areas"), Width: chartWidth}
	ch.legend(14, [2]string{fillGranted, l.T("followup.granted_net")}, [2]string{fillSpent, l.T("followup.spent")})
	var top int64
	for _, s := range byArea {
		top = maxInt(top, s.NetGrantedOre(), s.SpentOre)
	}
	y := 34
	for _, a := range plan.Areas {
		s := byArea[a.ID]
		ch.Texts = append(ch.Texts, chartText{X: 0, Y: y + 12, Anchor: "start", Text: models.Text(l.Lang, a.NameSV, a.NameEN)})
		granted, spent := l.Money(s.NetGrantedOre()), l.Money(s.SpentOre)
		ch.Bars = append(ch.Bars,
			chartBar{X: 0, Y: y + 18, W: scale(s.NetGrantedOre(), top, chartWidth-150), H: 14, Fill: fillGranted, Title: granted},
			chartBar{X: 0, Y: y + 34, W: scale(s.SpentOre, top, chartWidth-150), H: 14, Fill: fillSpent, Title: spent})
		ch.Texts = append(ch.Texts,
			chartText{X: scale(s.NetGrantedOre(), top, chartWidth-150) + 6, Y: y + 30, Anchor: "start", Text: granted},
			chartText{X: scale(s.SpentOre, top, chartWidth-150) + 6, Y: y + 46, Anchor: "start", Text: spent})
		y += 60
	}
	ch.Height = y
	return ch
}

func maxInt(vs ...int64) int64 {
	var m int64
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

// neolaiaChart draws the money's split by NEOLAiA relation as one
// stacked bar.
func neolaiaChart(l *i18n.Localizer, rows []neolaiaRow, total int64) *chart {
	ch := &chart{ID: "chart-neolaia", Title: l.T("followup.chart.neolaia"), Width: chartWidth, Height: 64}
	fills := map[models.Neolaia]string{models.NeolaiaYes: fillGranted, models.NeolaiaPartly: fillPartly, models.NeolaiaNone: fillNone}
	var items [][2]string
	x := 0
	for _, r := range rows {
		label := neolaiaName(l, r.Key) + " " + r.Share
		w := scale(r.Sums.NetGrantedOre(), total, chartWidth)
		ch.Bars = append(ch.Bars, chartBar{X: x, Y: 24, W: w, H: 28, Fill: fills[r.Key], Title: label + ", " + l.Money(r.Sums.NetGrantedOre())})
		items = append(items, [2]string{fills[r.Key], label})
		x += w
	}
	ch.legend(14, items...)
	return ch
}

// potChart draws, month by month, the money committed (granted less
// returned) and spent so far against the budget, which is a line.
func potChart(l *i18n.Localizer, months []models.FollowupMonth, budget int64) *chart {
	const y0, plot, left = 30, 200, 4
	ch := &chart{ID: "chart-pot", Title: l.T("followup.chart.pot"), Height: y0 + plot + 24}
	ch.legend(14, [2]string{fillGranted, l.T("followup.committed")}, [2]string{fillSpent, l.T("followup.spent_to_date")},
		[2]string{fillNone, l.T("followup.budget")})
	top := budget
	for _, m := range months {
		top = maxInt(top, m.CommittedOre, m.SpentToDate)
	}
	step := 44
	ch.Width = max(chartWidth, left+step*len(months)+8)
	for i, m := range months {
		x := left + i*step
		hc, hs := scale(m.CommittedOre, top, plot), scale(m.SpentToDate, top, plot)
		ch.Bars = append(ch.Bars,
			chartBar{X: x, Y: y0 + plot - hc, W: 18, H: hc, Fill: fillGranted, Title: m.Month + ": " + l.Money(m.CommittedOre)},
			chartBar{X: x + 19, Y: y0 + plot - hs, W: 18, H: hs, Fill: fillSpent, Title: m.Month + ": " + l.Money(m.SpentToDate)})
		ch.Texts = append(ch.Texts, chartText{X: x + 18, Y: y0 + plot + 16, Anchor: "middle", Text: m.Month[2:]})
	}
	by := y0 + plot - scale(budget, top, plot)
	ch.Lines = append(ch.Lines, chartLine{X1: 0, Y1: by, X2: ch.Width, Y2: by, Stroke: fillNone},
		chartLine{X1: 0, Y1: y0 + plot, X2: ch.Width, Y2: y0 + plot, Stroke: "#1b1f24"})
	ch.Texts = append(ch.Texts, chartText{X: ch.Width - 4, Y: by - 4, Anchor: "end", Text: l.T("followup.budget") + " " + l.Money(budget)})
	return ch
}
