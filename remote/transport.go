package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// noRedirects returns a client like c (or the default one) that never
// follows a redirect: the bearer token must not travel to another URL.
// A redirect comes back as the 3xx response itself.
func noRedirects(c *http.Client) *http.Client {
	var n http.Client
	if c != nil {
		n = *c
	}
	n.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &n
}

// checkScheme refuses to send credentials over plain http, except to the
// loopback interface (local emulators and tests).
func checkScheme(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %v", raw, err)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("refusing to send credentials over plain http to %s: use https", host)
	}
	return fmt.Errorf("invalid URL %q: want https://", raw)
}

// jwtRE matches anything shaped like a JWT (three base64url parts, the
// first two starting with a JSON object's encoding).
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

func redactJWTs(s string) string { return jwtRE.ReplaceAllString(s, "[REDACTED]") }

// redactText replaces every secret, and anything shaped like a token, in s.
func redactText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return redactJWTs(s)
}

// redactedError is an error whose text had secrets removed. It keeps the
// identity of the context errors, and of the typed errors of this package
// (whose text is built from redacted parts).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error {
	switch {
	case errors.Is(e.err, context.Canceled):
		return context.Canceled
	case errors.Is(e.err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	var (
		se *ServiceError
		te *TruncatedError
		pe *PartialError
		re *RefusedError
	)
	switch {
	case errors.As(e.err, &pe):
		return pe
	case errors.As(e.err, &se):
		return se
	case errors.As(e.err, &te):
		return te
	case errors.As(e.err, &re):
		return re
	}
	return nil
}

// retryPolicy bounds retries of throttled (429) and transient (5xx,
// connection failure before an answer) requests.
type retryPolicy struct {
	MaxRetries int           // retries after the first attempt
	Base       time.Duration // first back-off; doubles each time
	Max        time.Duration // the longest wait, also for Retry-After
	Sleep      func(ctx context.Context, d time.Duration) error
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// transient reports whether an HTTP status is worth retrying.
func transient(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// send posts body to endpoint with the token, retrying as p allows. It
// returns a response with status 200 (the caller closes its body) or an
// error; other statuses become errors through fail, which reads the
// service's error body.
func (e *Engine) send(ctx context.Context, method, endpoint string, body []byte, headers map[string]string, fail func(status int, h http.Header, body []byte) error) (*http.Response, error) {
	p := e.retry
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if body != nil {
			rd = strings.NewReader(string(body))
		}
		req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
		if err != nil {
			return nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "kqlhunt")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := e.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempt < p.MaxRetries {
				if err := p.Sleep(ctx, backoff(p, attempt)); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("%s: %w", e.kind, err)
		}
		if resp.StatusCode == http.StatusOK {
			return resp, nil
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			return nil, &ServiceError{Service: string(e.kind), Status: resp.StatusCode, Code: "Redirect",
				Message: "the service redirected the request to " + strconv.Quote(resp.Header.Get("Location")) + "; kqlhunt does not follow redirects with credentials: point it at the final URL"}
		}
		if transient(resp.StatusCode) && attempt < p.MaxRetries {
			wait := backoff(p, attempt)
			if resp.StatusCode == http.StatusTooManyRequests {
				if ra := retryAfter(resp.Header, time.Now()); ra > 0 {
					wait = ra
				}
			}
			if wait <= p.Max {
				if err := p.Sleep(ctx, wait); err != nil {
					return nil, err
				}
				continue
			}
		}
		err = fail(resp.StatusCode, resp.Header, b)
		var se *ServiceError
		if errors.As(err, &se) && resp.StatusCode == http.StatusTooManyRequests {
			se.RetryAfter = retryAfter(resp.Header, time.Now())
			if attempt > 0 {
				se.Message += fmt.Sprintf(" (still throttled after %d retries)", attempt)
			}
		}
		return nil, err
	}
}

func backoff(p retryPolicy, attempt int) time.Duration {
	d := p.Base << attempt
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	return d
}
