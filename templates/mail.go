package templates

import (
	"embed"
	"io/fs"
)

// mailFS holds the notification templates: mail/LANG/layout.tmpl and one
// mail/LANG/EVENT.tmpl per event, each defining "subject", "text" (for
// text/template) and "html" (for html/template).
//
//go:embed mail
var mailFS embed.FS

// Mail returns the notification templates, rooted at the language folders
// ("sv/granted.tmpl", "en/layout.tmpl", …).
func Mail() fs.FS {
	sub, _ := fs.Sub(mailFS, "mail")
	return sub
}
