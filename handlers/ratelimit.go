package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/httprate"
)

// errTooManyRequests is a client over the sign-in rate limit.
var errTooManyRequests = errors.New("too many sign-in requests")

var answerTooMany = answer{http.StatusTooManyRequests, "auth.too_many", "auth.too_many_text"}

// signInLimit limits the sign-in routes (/auth/*, /login/dev) to
// AUTH_RATE_LIMIT requests a minute per client address, counted over a
// sliding window (httprate). The client address is the connection's peer,
// or what a proxy in TRUSTED_PROXIES says. A client over the limit gets
// the 429 page in its language with Retry-After; nothing reaches the
// provider or the database for it.
func (h *Handler) signInLimit() gin.HandlerFunc {
	rl := httprate.NewRateLimiter(h.cfg.AuthRateLimit, time.Minute)
	return func(c *gin.Context) {
		if rl.OnLimit(c.Writer, c.Request, c.ClientIP()) {
			h.log.Warn("sign-in rate limit reached", "client", c.ClientIP(), "path", c.Request.URL.Path)
			h.fail(c, errTooManyRequests)
			c.Abort()
			return
		}
		c.Next()
	}
}
