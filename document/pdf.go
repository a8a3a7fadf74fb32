// Package document writes the application's PDF documents: the decision
// on an application, which is stored with the decision as the record the
// registrar files, and the application itself for printing. It is pure:
// it takes plain values and returns the PDF's bytes, with an embedded
// UTF-8 font (DejaVu Sans, see fonts/LICENSE) so that Swedish letters and
// the no-break spaces of amounts come out as written. The same input
// always gives the same bytes: the creation date is the caller's, the
// catalogue is sorted and no random identifier is written.
package document

import (
	"bytes"
	_ "embed"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const (
	family   = "DejaVu"
	margin   = 22.0 // mm, left and right
	lineH    = 5.2  // mm, body text
	bodySize = 10.0 // pt
	// pagesAlias is replaced by the number of pages when the PDF is
	// written: "Sida 1 (2)", as Swedish documents number their pages.
	pagesAlias = "{nb}"
)

// page is a PDF being written, with the few layouts the documents use.
type page struct {
	f *fpdf.Fpdf
}

// newPage starts an A4 document with the embedded font, the given
// metadata and creation date, and a footer that writes footer(n) on
// page n.
func newPage(title, author, lang string, created time.Time, footer func(n int) string) *page {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetCompression(true)
	f.AddUTF8FontFromBytes(family, "", fontRegular)
	f.AddUTF8FontFromBytes(family, "B", fontBold)
	f.SetTitle(title, true)
	f.SetAuthor(author, true)
	f.SetCreator("Mobility Fund", true)
	f.SetProducer("Mobility Fund", true)
	f.SetLang(lang)
	f.SetMargins(margin, 20, margin)
	f.SetAutoPageBreak(true, 22)
	f.AliasNbPages(pagesAlias)
	f.SetFooterFunc(func() {
		f.SetY(-15)
		f.SetFont(family, "", 8)
		f.SetTextColor(80, 80, 80)
		f.CellFormat(0, 4, footer(f.PageNo()), "T", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	f.SetFont(family, "", bodySize)
	return &page{f: f}
}

// bytes finishes the document and returns it, or the first error the
// writer met.
func (p *page) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := p.f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// width is the width between the margins.
func (p *page) width() float64 {
	w, _ := p.f.GetPageSize()
	return w - 2*margin
}

// title writes the document's heading.
func (p *page) title(s string) {
	p.f.SetFont(family, "B", 15)
	p.f.MultiCell(0, 7.5, clean(s), "", "L", false)
	p.f.Ln(3)
	p.f.SetFont(family, "", bodySize)
}

// heading writes a section heading, kept with at least a few lines of
// what follows it.
func (p *page) heading(s string) {
	_, h := p.f.GetPageSize()
	_, _, _, bottom := p.f.GetMargins()
	if p.f.GetY() > h-bottom-25 {
		p.f.AddPage()
	}
	p.f.Ln(2)
	p.f.SetFont(family, "B", 11.5)
	p.f.MultiCell(0, 6, clean(s), "", "L", false)
	p.f.Ln(0.5)
	p.f.SetFont(family, "", bodySize)
}

// text writes paragraphs; blank lines in s separate them.
func (p *page) text(s string) {
	s = clean(s)
	if strings.TrimSpace(s) == "" {
		s = "–"
	}
	p.f.MultiCell(0, lineH, s, "", "L", false)
	p.f.Ln(1.5)
}

// bold writes one paragraph in bold.
func (p *page) bold(s string) {
	p.f.SetFont(family, "B", bodySize)
	p.text(s)
	p.f.SetFont(family, "", bodySize)
}

// small writes a paragraph in a smaller, grey type.
func (p *page) small(s string) {
	p.f.SetFont(family, "", 8.5)
	p.f.SetTextColor(60, 60, 60)
	p.f.MultiCell(0, 4.2, clean(s), "", "L", false)
	p.f.SetTextColor(0, 0, 0)
	p.f.SetFont(family, "", bodySize)
	p.f.Ln(1)
}

// bullets writes a list, one item per entry.
func (p *page) bullets(items []string) {
	if len(items) == 0 {
		p.text("–")
		return
	}
	left, _, _, _ := p.f.GetMargins()
	for _, it := range items {
		p.f.SetX(left)
		p.f.CellFormat(5, lineH, "–", "", 0, "L", false, 0, "")
		p.f.MultiCell(p.width()-5, lineH, clean(it), "", "L", false)
	}
	p.f.Ln(1.5)
}

// facts writes label–value pairs in two columns; pairs with an empty
// value are left out.
func (p *page) facts(pairs [][2]string) {
	left, _, _, _ := p.f.GetMargins()
	labelW := 48.0
	for _, kv := range pairs {
		if strings.TrimSpace(kv[1]) == "" {
			continue
		}
		p.f.SetX(left)
		p.f.SetFont(family, "B", 9)
		y := p.f.GetY()
		p.f.MultiCell(labelW, lineH, clean(kv[0]), "", "L", false)
		yl := p.f.GetY()
		p.f.SetXY(left+labelW, y)
		p.f.SetFont(family, "", bodySize)
		p.f.MultiCell(p.width()-labelW, lineH, clean(kv[1]), "", "L", false)
		if yl > p.f.GetY() {
			p.f.SetY(yl)
		}
	}
	p.f.Ln(1.5)
}

// table writes rows under a header; widths are fractions of the text
// width, and columns listed in right are aligned right (amounts).
func (p *page) table(header []string, rows [][]string, widths []float64, right map[int]bool) {
	w := p.width()
	row := func(cells []string, style string) {
		p.f.SetFont(family, style, 9)
		lines := 1
		for i, c := range cells {
			if n := len(p.f.SplitText(clean(c), widths[i]*w-2)); n > lines {
				lines = n
			}
		}
		h := float64(lines) * 4.6
		_, ph := p.f.GetPageSize()
		if p.f.GetY()+h > ph-22 {
			p.f.AddPage()
		}
		x, y := p.f.GetX(), p.f.GetY()
		for i, c := range cells {
			align := "L"
			if right[i] {
				align = "R"
			}
			p.f.SetXY(x, y)
			p.f.MultiCell(widths[i]*w, 4.6, clean(c), "", align, false)
			x += widths[i] * w
		}
		left, _, _, _ := p.f.GetMargins()
		p.f.SetXY(left, y+h)
		p.f.Line(left, y+h, left+w, y+h)
		p.f.Ln(0.8)
	}
	row(header, "B")
	for _, r := range rows {
		row(r, "")
	}
	p.f.SetFont(family, "", bodySize)
	p.f.Ln(2)
}

// clean keeps s printable: tabs become spaces, carriage returns and other
// control characters go, line breaks stay.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}
