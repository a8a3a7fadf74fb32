package handlers

import (
	"net/url"
	"strconv"

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
