package document

import (
	"time"
)

// Translator gives the reader's words for the application's labels and
// formats money and moments for them; *i18n.Localizer is one.
type Translator interface {
	T(id string, args ...any) string
	Money(ore int64) string
	Date(t any) string
	DateTime(t any) string
}

// Application is an application as its PDF shows it, every value already
// in the reader's language. Notes are the internal notes: the caller
// fills them only for a reader who may see them.
type Application struct {
	Number, Title, State  string
	Unit, Call, Contact   string
	Period, Neolaia       string
	RequestedOre          int64
	GrantedOre            int64
	DecisionRef           string
	Summary, Purpose      string
	Activities            []string
	Expected              [][2]string // label, value
	Considerations        [][2]string // label, text
	Budget                []BudgetLine
	Attachments           []Attachment
	Timeline              []Event
	Comments, Notes       []Comment
	Printed               time.Time
	PrintedBy, University string
}

// BudgetLine is one line of the budget.
type BudgetLine struct {
	Category, Description string
	AmountOre             int64
}

// Attachment is a file attached to the application, listed by name.
type Attachment struct {
	Name, Size string
	Added      time.Time
}

// Event is one line of the timeline.
type Event struct {
	At                 time.Time
	What, Who, Details string
}

// Comment is one comment of the conversation or one internal note.
// Struck, when not empty, says who struck it, when and why.
type Comment struct {
	At           time.Time
	Author, Body string
	Edited       bool
	Struck       string
}

// ApplicationPDF writes the whole application for printing or filing:
// its facts, texts, activities, expected outcomes, considerations,
// budget, attachments, timeline and conversation, and the internal notes
// when a holds them. It returns an error of the PDF writer.
func ApplicationPDF(a Application, tr Translator, lang string) ([]byte, error) {
	title := a.Number + " " + a.Title
	p := newPage(title, a.University, lang, a.Printed.UTC(), func(n int) string {
		return a.Number + " · " + tr.T("records.pdf_printed", "Date", tr.DateTime(a.Printed), "Name", a.PrintedBy) +
			" · " + tr.T("records.pdf_page", "Page", n, "Pages", pagesAlias)
	})
	if a.University != "" {
		p.small(a.University)
	}
	p.title(title)
	facts := [][2]string{
		{tr.T("application.state"), a.State},
		{tr.T("application.unit"), a.Unit},
		{tr.T("records.contact"), a.Contact},
		{tr.T("application.call"), a.Call},
		{tr.T("field.period"), a.Period},
		{tr.T("field.neolaia"), a.Neolaia},
		{tr.T("application.requested"), tr.Money(a.RequestedOre)},
	}
	if a.GrantedOre != 0 {
		facts = append(facts, [2]string{tr.T("application.granted"), tr.Money(a.GrantedOre)})
	}
	facts = append(facts, [2]string{tr.T("field.decision_ref"), a.DecisionRef})
	p.facts(facts)

	p.heading(tr.T("field.summary"))
	p.text(a.Summary)
	p.heading(tr.T("field.purpose"))
	p.text(a.Purpose)
	p.heading(tr.T("field.activities"))
	p.bullets(a.Activities)
	p.heading(tr.T("form.section_expected"))
	p.facts(a.Expected)
	p.heading(tr.T("form.section_considerations"))
	for _, c := range a.Considerations {
		p.bold(c[0])
		p.text(c[1])
	}

	p.heading(tr.T("application.budget"))
	rows := make([][]string, 0, len(a.Budget)+1)
	for _, l := range a.Budget {
		rows = append(rows, []string{l.Category, l.Description, tr.Money(l.AmountOre)})
	}
	rows = append(rows, []string{tr.T("budget.sum"), "", tr.Money(a.RequestedOre)})
	p.table([]string{tr.T("budget.category"), tr.T("budget.description"), tr.T("budget.amount")}, rows,
		[]float64{0.22, 0.56, 0.22}, map[int]bool{2: true})

	p.heading(tr.T("attachments.heading"))
	if len(a.Attachments) == 0 {
		p.text(tr.T("attachments.none"))
	} else {
		items := make([]string, len(a.Attachments))
		for i, at := range a.Attachments {
			items[i] = at.Name + " (" + at.Size + ", " + tr.DateTime(at.Added) + ")"
		}
		p.bullets(items)
	}

	p.heading(tr.T("timeline.heading"))
	for _, e := range a.Timeline {
		line := tr.DateTime(e.At) + " · " + e.What
		if e.Who != "" {
			line += " · " + e.Who
		}
		p.bold(line)
		if e.Details != "" {
			p.text(e.Details)
		}
	}

	p.heading(tr.T("conversation.heading"))
	comments(p, tr, a.Comments)
	if len(a.Notes) > 0 {
		p.heading(tr.T("conversation.internal_heading"))
		p.small(tr.T("conversation.internal_hint"))
		comments(p, tr, a.Notes)
	}
	return p.bytes()
}

func comments(p *page, tr Translator, cs []Comment) {
	if len(cs) == 0 {
		p.text(tr.T("conversation.none"))
		return
	}
	for _, c := range cs {
		head := tr.DateTime(c.At) + " · " + c.Author
		if c.Edited {
			head += " · " + tr.T("conversation.edited")
		}
		p.bold(head)
		if c.Struck != "" {
			p.small(c.Struck)
		}
		p.text(c.Body)
	}
}
