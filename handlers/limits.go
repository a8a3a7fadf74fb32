package handlers

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// formBodyLimit bounds the body of every request but the uploads: the
// longest application form, with every text at its limit, is far below.
const formBodyLimit = 1 << 20

// uploadLimits are the routes that take files (multipart bodies), with
// the most each may receive. Every other route refuses multipart.
var uploadLimits = map[string]int64{
	"/applications/:id/attachments": models.MaxAttachmentBytes + 64<<10,
	"/admin/units/import":           maxOrgChartFile + 64<<10,
	"/admin/people-import":          maxOrgChartFile + 64<<10,
}

var (
	errBodyTooLarge    = errors.New("request body too large")
	errBodyUnsupported = errors.New("request body of a type this address does not take")
	errBadQuery        = errors.New("malformed query")
)

// invalidTextError names a field whose text cannot be stored: invalid
// UTF-8, or a control character other than tab and line breaks.
type invalidTextError struct {
	Field string
	Query bool // in the query string rather than the form
}

func (e *invalidTextError) Error() string { return "unusable text in field " + e.Field }

// readBody bounds and parses the request's body before any handler reads
// it, and checks every text the request carries, so that a handler never
// sees more than it may or text that a database would refuse: too large a
// body is 413 (read no further than the limit), multipart outside the
// upload routes 415, unusable text 400 in a query and 422 in a form.
func (h *Handler) readBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := bodyProblem(c); err != nil {
			h.fail(c, err)
			c.Abort()
			return
		}
		c.Next()
	}
}

func bodyProblem(c *gin.Context) error {
	r := c.Request
	if err := checkTexts(r.URL.Query(), true); err != nil {
		return err
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	limit, upload := uploadLimits[c.FullPath()]
	if !upload || r.Method != http.MethodPost {
		limit, upload = formBodyLimit, false
	}
	if r.ContentLength > limit {
		return errBodyTooLarge
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch {
	case ct == "multipart/form-data" && upload:
		err = r.ParseMultipartForm(limit)
	case ct == "multipart/form-data":
		return errBodyUnsupported
	case ct == "application/x-www-form-urlencoded":
		err = r.ParseForm()
	default:
		return nil // read by the handler, within the limit
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errBodyTooLarge
	case err != nil:
		return errBadQuery
	}
	if r.MultipartForm != nil {
		return checkTexts(r.MultipartForm.Value, false)
	}
	return checkTexts(r.PostForm, false)
}

// checkTexts finds the first field, in name order, whose name or value
// is not text a person typed.
func checkTexts(values url.Values, query bool) error {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !typedText(name) {
			return &invalidTextError{Field: "?", Query: query}
		}
		for _, v := range values[name] {
			if !typedText(v) {
				return &invalidTextError{Field: name, Query: query}
			}
		}
	}
	return nil
}

// typedText reports whether s is valid UTF-8 with no control characters
// but tab, line feed and carriage return (browsers send CR LF from text
// areas).
func typedText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
