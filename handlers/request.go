package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Reading what a request names: ids in the path and the query, and the
// version a form was loaded with.

// paramID reads the path parameter name as a positive id.
func paramID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	return id, err == nil && id > 0
}

// pathID reads the :id parameter; a malformed id answers 404, as if the
// row did not exist.
func (h *Handler) pathID(c *gin.Context) (int64, bool) {
	id, ok := paramID(c, "id")
	if !ok {
		h.fail(c, errPageNotFound)
	}
	return id, ok
}

// queryID reads a positive integer parameter; anything else is 0.
func queryID(q url.Values, key string) int64 {
	n, err := strconv.ParseInt(q.Get(key), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// formVersion reads the version of the row the form was loaded with. A
// missing or malformed one is -1, which no row has: the save is refused as
// stale rather than taken as the current version.
func formVersion(c *gin.Context) int {
	v, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		return -1
	}
	return v
}

// postForm is the request's form body.
func postForm(c *gin.Context) url.Values {
	_ = c.Request.ParseForm()
	return c.Request.PostForm
}

// Dates and years people give lie within these years; anything outside is
// a typing slip, and some databases would refuse it.
const (
	firstYear = 2000
	lastYear  = 2099
)

// Message ids for a date that cannot be used.
const (
	msgDateInvalid = "error.date_invalid"
	msgDateRange   = "error.date_range"
)

// parseDay reads a YYYY-MM-DD date as midnight in loc. A blank s is nil
// without a problem; otherwise problem is the message id of what is
// wrong: not a date, or a year outside firstYear–lastYear.
func parseDay(s string, loc *time.Location) (day *time.Time, problem string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return nil, msgDateInvalid
	}
	if d.Year() < firstYear || d.Year() > lastYear {
		return nil, msgDateRange
	}
	return &d, ""
}

// queryYear reads an optional year from the query string: 0 when there
// is none, errBadQuery when it is not a year people work with.
func queryYear(q url.Values, key string) (int, error) {
	s := q.Get(key)
	if s == "" || s == "0" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < firstYear || y > lastYear {
		return 0, errBadQuery
	}
	return y, nil
}
