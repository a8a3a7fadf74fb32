package document

import (
	"strconv"
	"time"
)

// decisionText is the wording of a decision document in one language.
// The Swedish text follows how Swedish public bodies write decisions
// (myndighetsförordningen 21 §: the day, what was decided, who decided
// and who presented the case; Språkrådet's advice: the decision first, in
// a full sentence, then conditions and reasons). The English text is a
// translation and says so.
type decisionText struct {
	lang                                                  string
	docKind, date, ref                                    string
	decisionHeading, activitiesHeading, conditionsHeading string
	reasonsHeading, caseHeading                           string
	application, title, unit, contact, call, period       string
	requested, granted, returned                          string
	noSignature, translation                              string
	heading                                               func(d Decision) string
	decisionSentence                                      func(d Decision, kr func(int64) string, day func(time.Time) string) string
	activitiesIntro                                       func(plan string) string
	conditions                                            func(d Decision, day func(time.Time) string) string
	signature                                             func(d Decision) string
	footer                                                func(university, ref string, page int) string
}

// decisionTexts returns the wording for lang; anything but "en" is
// Swedish, the language of the record.
func decisionTexts(lang string) decisionText {
	if lang == "en" {
		return english
	}
	return swedish
}

var swedish = decisionText{
	lang: "sv", docKind: "BESLUT", date: "Datum", ref: "Dnr",
	decisionHeading: "Beslut", activitiesHeading: "Medlen avser", conditionsHeading: "Villkor",
	reasonsHeading: "Skäl för beslutet", caseHeading: "Ärendet",
	application: "Ansökan", title: "Rubrik", unit: "Sökande enhet", contact: "Kontaktperson",
	call: "Utlysning", period: "Projektperiod", requested: "Sökt belopp", granted: "Beviljat belopp",
	returned:    "Återförs till fonden",
	noSignature: "Beslutet har fattats elektroniskt i Mobilitetsfonden och saknar därför namnunderskrift.",
	heading: func(d Decision) string {
		if d.Kind == KindRevoke {
			return "Beslut om att upphäva beslut om medel ur " + d.Fund
		}
		return "Beslut om medel ur " + d.Fund
	},
	decisionSentence: func(d Decision, kr func(int64) string, day func(time.Time) string) string {
		app := "”" + d.Title + "” (ansökan " + d.Application + ")"
		switch d.Kind {
		case KindGrant:
			return d.Unit + " beviljas " + kr(d.GrantedOre) + " ur " + d.Fund + " för " + app + "."
		case KindPartial:
			return d.Unit + " beviljas " + kr(d.GrantedOre) + " av sökta " + kr(d.RequestedOre) + " ur " + d.Fund +
				" för " + app + ". Ansökan beviljas därmed delvis."
		case KindReject:
			return "Ansökan från " + d.Unit + " om " + kr(d.RequestedOre) + " ur " + d.Fund + " för " + app + " avslås."
		}
		s := "Beslutet den " + day(d.EarlierAt)
		if d.EarlierRef != "" {
			s += " (dnr " + d.EarlierRef + ")"
		}
		return s + " om " + kr(d.GrantedOre) + " till " + d.Unit + " för " + app + " upphävs. " +
			kr(d.ReturnedOre) + " som inte har använts återförs till " + d.Fund + "."
	},
	activitiesIntro: func(plan string) string {
		return "Medlen avser följande aktiviteter i " + plan + ":"
	},
	conditions: func(d Decision, day func(time.Time) string) string {
		return "Medlen får användas endast för det som anges i ansökan, under projektperioden " +
			day(d.PeriodStart) + "–" + day(d.PeriodEnd) + ". En återrapport om hur medlen har använts och vad de har lett till ska skickas in senast " +
			day(d.ReportDue) + ". Medel som inte har använts återförs till " + d.Fund + "."
	},
	signature: func(d Decision) string {
		s := "Beslutet har fattats av "
		if d.OnBehalfOf != "" {
			s += d.Decider + " som ersättare för " + withTitle(d.DeciderTitle, d.OnBehalfOf)
		} else {
			s += withTitle(d.DeciderTitle, d.Decider)
		}
		if d.Presenter != "" {
			s += " efter föredragning av " + d.Presenter
		}
		return s + "."
	},
	footer: func(university, ref string, page int) string {
		return university + " · Dnr " + ref + " · Sida " + strconv.Itoa(page) + " (" + pagesAlias + ")"
	},
}

var english = decisionText{
	lang: "en", docKind: "DECISION", date: "Date", ref: "Ref. no.",
	decisionHeading: "Decision", activitiesHeading: "What the money is for", conditionsHeading: "Conditions",
	reasonsHeading: "Reasons for the decision", caseHeading: "The case",
	application: "Application", title: "Title", unit: "Applying unit", contact: "Contact person",
	call: "Call", period: "Project period", requested: "Amount applied for", granted: "Amount granted",
	returned:    "Returned to the fund",
	noSignature: "The decision was made electronically in Mobility Fund and therefore bears no handwritten signature.",
	translation: "This is a translation. The decision in Swedish, with the same reference number, is the authoritative text.",
	heading: func(d Decision) string {
		if d.Kind == KindRevoke {
			return "Decision to revoke funding from " + d.Fund
		}
		return "Decision on funding from " + d.Fund
	},
	decisionSentence: func(d Decision, kr func(int64) string, day func(time.Time) string) string {
		app := "“" + d.Title + "” (application " + d.Application + ")"
		switch d.Kind {
		case KindGrant:
			return d.Unit + " is granted " + kr(d.GrantedOre) + " from " + d.Fund + " for " + app + "."
		case KindPartial:
			return d.Unit + " is granted " + kr(d.GrantedOre) + " of the " + kr(d.RequestedOre) + " applied for from " +
				d.Fund + " for " + app + ". The application is thus granted in part."
		case KindReject:
			return "The application from " + d.Unit + " for " + kr(d.RequestedOre) + " from " + d.Fund + " for " + app + " is rejected."
		}
		s := "The decision of " + day(d.EarlierAt)
		if d.EarlierRef != "" {
			s += " (ref. no. " + d.EarlierRef + ")"
		}
		return s + " to grant " + kr(d.GrantedOre) + " to " + d.Unit + " for " + app + " is revoked. " +
			kr(d.ReturnedOre) + " that has not been used returns to " + d.Fund + "."
	},
	activitiesIntro: func(plan string) string {
		return "The money is for the following activities of " + plan + ":"
	},
	conditions: func(d Decision, day func(time.Time) string) string {
		return "The money may be used only for what the application describes, within the project period " +
			day(d.PeriodStart) + " to " + day(d.PeriodEnd) + ". A report of how the money was used and what it achieved is due no later than " +
			day(d.ReportDue) + ". Money that has not been used returns to " + d.Fund + "."
	},
	signature: func(d Decision) string {
		s := "The decision was made by "
		if d.OnBehalfOf != "" {
			s += d.Decider + " as substitute for " + withTitle(d.DeciderTitle, d.OnBehalfOf)
		} else {
			s += withTitle(d.DeciderTitle, d.Decider)
		}
		if d.Presenter != "" {
			s += " after presentation of the case by " + d.Presenter
		}
		return s + "."
	},
	footer: func(university, ref string, page int) string {
		return university + " · Ref. no. " + ref + " · Page " + strconv.Itoa(page) + " (" + pagesAlias + ")"
	},
}

// withTitle puts an office before a name: "vicerektor för
// internationalisering Karin Sjöberg".
func withTitle(title, name string) string {
	if title == "" {
		return name
	}
	return title + " " + name
}
