package models

import (
	"fmt"
	"math/rand/v2"
)

// The words the synthetic data set is made of: Swedish as the
// university's staff write it, so that search finds what people search.

var synFaculties = [][2]string{
	{"humaniora och samhällsvetenskap", "Humanities and Social Sciences"},
	{"medicin och hälsa", "Medicine and Health"},
	{"ekonomi, naturvetenskap och teknik", "Business, Science and Engineering"},
	{"lärande och pedagogik", "Learning and Education"},
}

var synSubjects = [][2]string{
	{"historia", "History"}, {"språk och litteratur", "Languages and Literature"}, {"statsvetenskap", "Political Science"},
	{"sociologi", "Sociology"}, {"juridik", "Law"}, {"psykologi", "Psychology"}, {"musik", "Music"},
	{"medicinska vetenskaper", "Medical Sciences"}, {"hälsovetenskaper", "Health Sciences"}, {"omvårdnad", "Nursing"},
	{"idrott", "Sport Sciences"}, {"biomedicin", "Biomedicine"}, {"farmaci", "Pharmacy"}, {"folkhälsa", "Public Health"},
	{"företagsekonomi", "Business Administration"}, {"nationalekonomi", "Economics"}, {"informatik", "Informatics"},
	{"kemi", "Chemistry"}, {"fysik", "Physics"}, {"matematik", "Mathematics"}, {"datavetenskap", "Computer Science"},
	{"pedagogik", "Education"}, {"didaktik", "Didactics"}, {"specialpedagogik", "Special Education"},
	{"förskoledidaktik", "Early Childhood Education"}, {"yrkeslärarutbildning", "Vocational Teacher Education"},
	{"fritidspedagogik", "Leisure-time Education"}, {"vuxenutbildning", "Adult Education"},
}

var synDivisions = [][2]string{
	{"Studentavdelningen", "Student Services"}, {"Universitetsbiblioteket", "University Library"},
	{"Kommunikationsavdelningen", "Communications Office"}, {"Internationella kansliet", "International Secretariat"},
}

var synFirstNames = []string{"Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Nils", "Lena", "Anders",
	"Emma", "Mikael", "Sofia", "Olof", "Ida", "Fredrik", "Elin", "Gustav", "Amira", "Ali", "Hanna", "Jonas", "Linnea", "Oskar"}

var synLastNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
	"Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Berg", "Holm", "Ekberg", "Sjöberg", "Nyström"}

var synTitles = []string{
	"Utbytesvecka i %s för lärarstudenter", "Informationsturné om utlandsstudier inför resa till %s",
	"Kortare studieresa till %s inom NEOLAiA", "Partnerbesök i %s för nya utbytesavtal",
	"Mobilitetsfönster i programmet med %s", "Praktik utomlands: förberedande besök i %s",
	"Sommarskola i %s för masterstudenter", "Gemensam kurs med partneruniversitetet i %s",
	"Studentambassadörer berättar om %s", "Virtuellt utbyte följt av kort vistelse i %s",
}

var synPlaces = []string{"Bologna", "Lissabon", "Tartu", "Gdańsk", "Graz", "Bamberg", "Nantes", "Salamanca", "Åbo", "Tromsø",
	"Leiden", "Gent", "Brno", "Debrecen", "Vilnius", "Reykjavik", "Dublin", "Glasgow", "Porto", "Granada"}

var synPurposes = []string{
	"Ger studenter som inte kan vara borta en hel termin en första utlandserfarenhet.",
	"Fler studenter söker utbyte när de hör om det av andra studenter i rätt skede av utbildningen.",
	"Bygger ett mobilitetsfönster i programmet så att utbytet inte förlänger studietiden.",
	"Stärker samarbetet med ett partneruniversitet inom alliansen och ger nya utbytesplatser.",
}

var synLineText = map[string]string{
	"staff": "Lärartid för förberedelse och genomförande", "travel": "Tågresor och logi för studenter och lärare",
	"event": "Lokaler och fika vid informationsmöten", "material": "Tryckt material och kurslitteratur",
	"services": "Tolk och guidad visning hos partnern", "other": "Övriga kostnader enligt bilaga",
}

// synSummary is a two-sentence summary for an application with title.
func synSummary(r *rand.Rand, title string) string {
	return fmt.Sprintf("%s. Projektet omfattar %d studenter och genomförs tillsammans med programansvariga.",
		title, 5+r.IntN(40))
}
