package remote

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

func allTypesQuery(t *testing.T) string {
	return strings.TrimSpace(string(fixture(t, "alltypes.kql")))
}

// Every service's answer with every KQL type (and a null of each) comes
// back as the documented Go values of exec.Result.
func TestAllTypes(t *testing.T) {
	q := allTypesQuery(t)
	wantCols := []kql.Column{
		{Name: "b", Type: kql.TBool}, {Name: "i", Type: kql.TInt}, {Name: "l", Type: kql.TLong},
		{Name: "r", Type: kql.TReal}, {Name: "m", Type: kql.TDecimal}, {Name: "s", Type: kql.TString},
		{Name: "d", Type: kql.TDatetime}, {Name: "t", Type: kql.TTimespan}, {Name: "g", Type: kql.TGuid},
		{Name: "dy", Type: kql.TDynamic}, {Name: "nl", Type: kql.TLong}, {Name: "nd", Type: kql.TDatetime},
		{Name: "nb", Type: kql.TBool}, {Name: "nt", Type: kql.TTimespan}, {Name: "ng", Type: kql.TGuid},
		{Name: "ny", Type: kql.TDynamic}, {Name: "nr", Type: kql.TReal}, {Name: "ns", Type: kql.TString},
	}
	wantRow := []any{
		true, int64(7), int64(-42), 1.5, "2.5", "text",
		time.Date(2024, 5, 1, 10, 20, 30, 123456700, time.UTC),
		exec.Timespan(1*exec.TicksPerDay + 2*exec.TicksPerHour + 3*exec.TicksPerMinute + 4*exec.TicksPerSecond + 5670000),
		"6f3c1b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c", exec.Dynamic(`{"a":[1,2],"b":"x"}`),
		nil, nil, nil, nil, nil, nil, nil, "",
	}
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			f := newFake(t, serve(200, fixture(t, allTypesFixture[kind])))
			e, _ := newEngine(t, kind, f)
			res, err := e.Query(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantCols, res.Columns); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if len(res.Rows) != 1 {
				t.Fatalf("%d rows, want 1", len(res.Rows))
			}
			if diff := cmp.Diff(wantRow, res.Rows[0]); diff != "" {
				t.Errorf("row (-want +got):\n%s", diff)
			}
			// 7 fraction digits survive: 100 ns resolution
			if got := res.Rows[0][6].(time.Time).Nanosecond(); got != 123456700 {
				t.Errorf("datetime nanoseconds %d", got)
			}
			// the request: POST to the documented path, bearer token, the
			// query text unchanged in the documented field
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer "+testToken {
				t.Errorf("request %s, Authorization %q", r.Method, r.Header.Get("Authorization"))
			}
			switch kind {
			case ADX:
				if r.Path != "/v2/rest/query" || r.Body["csl"] != q || r.Body["db"] != "Security" {
					t.Errorf("adx request %s %v", r.Path, r.Body)
				}
				opts := r.Body["properties"].(map[string]any)["Options"].(map[string]any)
				if opts["request_readonly"] != true {
					t.Errorf("adx properties %v: want request_readonly", opts)
				}
				if !strings.HasPrefix(r.Header.Get("x-ms-client-request-id"), "kqlhunt;") {
					t.Errorf("client request id %q", r.Header.Get("x-ms-client-request-id"))
				}
			case LogAnalytics:
				if r.Path != "/v1/workspaces/b7b1c1a0-0000-4000-8000-00000000cafe/query" || r.Body["query"] != q {
					t.Errorf("loganalytics request %s %v", r.Path, r.Body)
				}
			case Defender:
				if r.Path != "/api/advancedhunting/run" || r.Body["Query"] != q {
					t.Errorf("defender request %s %v", r.Path, r.Body)
				}
			}
		})
	}
}

// The special values and spellings the services write.
func TestValueDecoding(t *testing.T) {
	dc := decoder{}
	cases := []struct {
		t    kql.Type
		raw  string
		want any
	}{
		{kql.TReal, `"NaN"`, math.NaN()},
		{kql.TReal, `"Infinity"`, math.Inf(1)},
		{kql.TReal, `"-Infinity"`, math.Inf(-1)},
		{kql.TReal, `1e300`, 1e300},
		{kql.TLong, `9223372036854775807`, int64(math.MaxInt64)},
		{kql.TLong, `"-5"`, int64(-5)},
		{kql.TTimespan, `"-00:00:00.0000001"`, exec.Timespan(-1)},
		{kql.TTimespan, `"10675199.02:48:05.4775807"`, exec.Timespan(math.MaxInt64)},
		{kql.TTimespan, `36000000000`, exec.Timespan(exec.TicksPerHour)},
		{kql.TDatetime, `"2024-05-01T10:20:30Z"`, time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		{kql.TDatetime, `"2024-05-01T12:20:30.5+02:00"`, time.Date(2024, 5, 1, 10, 20, 30, 500000000, time.UTC)},
		{kql.TGuid, `"6F3C1B2A-9D4E-4F5A-8B7C-1D2E3F4A5B6C"`, "6f3c1b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c"},
		{kql.TDecimal, `"1.500"`, "1.5"},
		{kql.TDecimal, `10`, "10"},
		{kql.TDynamic, `"a string"`, exec.Dynamic(`"a string"`)},
		{kql.TDynamic, `[1, {"x": null}]`, exec.Dynamic(`[1,{"x":null}]`)},
		{kql.TString, `null`, ""},
		{kql.TBool, `null`, nil},
	}
	for _, c := range cases {
		got, err := dc.value(c.t, []byte(c.raw))
		if err != nil {
			t.Errorf("%s %s: %v", c.t, c.raw, err)
			continue
		}
		if f, ok := c.want.(float64); ok && math.IsNaN(f) {
			if g, ok := got.(float64); !ok || !math.IsNaN(g) {
				t.Errorf("%s %s = %v, want NaN", c.t, c.raw, got)
			}
			continue
		}
		if !cmp.Equal(got, c.want) {
			t.Errorf("%s %s = %#v, want %#v", c.t, c.raw, got, c.want)
		}
	}
	// Log Analytics and Defender write dynamic values as JSON text.
	text := decoder{dynamicAsText: true}
	for raw, want := range map[string]any{`"{\"a\":1}"`: exec.Dynamic(`{"a":1}`), `"[1, 2]"`: exec.Dynamic(`[1,2]`), `"plain"`: exec.Dynamic(`"plain"`), `""`: nil} {
		got, err := text.value(kql.TDynamic, []byte(raw))
		if err != nil || !cmp.Equal(got, want) {
			t.Errorf("dynamic as text %s = %#v, %v; want %#v", raw, got, err, want)
		}
	}
	for _, bad := range []struct {
		t   kql.Type
		raw string
	}{{kql.TLong, `"x"`}, {kql.TDatetime, `"yesterday"`}, {kql.TTimespan, `"1:2:3:4"`}, {kql.TBool, `"maybe"`}} {
		if _, err := dc.value(bad.t, []byte(bad.raw)); err == nil {
			t.Errorf("%s %s: no error", bad.t, bad.raw)
		}
	}
}

// A progressive v2 answer (TableHeader, TableFragments, TableProgress,
// TableCompletion) and a second primary result in its own DataTable.
func TestADXMultipleFrames(t *testing.T) {
	f := newFake(t, serve(200, fixture(t, "adx_v2_progressive.json")))
	e, _ := newEngine(t, ADX, f)
	all, err := e.QueryAll(context.Background(), "StormEvents | summarize Count=count(), Last=max(StartTime) by State | top 3 by Count; StormEvents | count")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d primary results, want 2", len(all))
	}
	want := [][]any{
		{"TEXAS", int64(4701), time.Date(2007, 12, 31, 23, 53, 0, 0, time.UTC)},
		{"KANSAS", int64(3166), time.Date(2007, 12, 31, 15, 0, 0, 100, time.UTC)},
		{"IOWA", int64(2337), nil},
	}
	if diff := cmp.Diff(want, all[0].Rows); diff != "" {
		t.Errorf("first result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]any{{int64(59066)}}, all[1].Rows); diff != "" {
		t.Errorf("second result (-want +got):\n%s", diff)
	}
	res, err := e.Query(context.Background(), "StormEvents | count")
	if err != nil || len(res.Rows) != 3 {
		t.Errorf("Query returns the first primary result: %v, %v", res, err)
	}
}

// The service's own error, with its code, message and position in the
// query, as a positioned error callers can show under the query text.
func TestQueryErrorWithPosition(t *testing.T) {
	const q = "SecurityEvent\n| where Foo > 1"
	for kind, fx := range map[Kind]string{ADX: "adx_semantic_error.json", LogAnalytics: "loganalytics_semantic_error.json", Defender: "defender_error.json"} {
		t.Run(string(kind), func(t *testing.T) {
			f := newFake(t, serve(400, fixture(t, fx)))
			e, sl := newEngine(t, kind, f)
			_, err := e.Query(context.Background(), q)
			var se *ServiceError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v, want a ServiceError", err, err)
			}
			if se.Status != 400 || se.Line != 2 || se.Column != 9 {
				t.Errorf("status %d, line %d, column %d; want 400, 2, 9", se.Status, se.Line, se.Column)
			}
			if !strings.Contains(se.Message, "Failed to resolve scalar expression named 'Foo'") {
				t.Errorf("message %q", se.Message)
			}
			wantCode := map[Kind]string{ADX: "SEM0100", LogAnalytics: "SEM0100", Defender: "BadRequest"}[kind]
			if se.Code != wantCode {
				t.Errorf("code %q, want %q", se.Code, wantCode)
			}
			var list kql.ErrorList
			if !errors.As(err, &list) || q[list[0].Span.Start:list[0].Span.Start+3] != "Foo" {
				t.Errorf("positioned error %v", list)
			}
			if len(f.requests()) != 1 || len(sl.waits()) != 0 {
				t.Errorf("a query error is not retried: %d requests", len(f.requests()))
			}
		})
	}
}

// 401 and 403 are reported with the service's message and a hint, and
// not retried.
func TestUnauthorizedForbidden(t *testing.T) {
	for _, kind := range Kinds() {
		for status, fx := range map[int]string{401: "unauthorized.json", 403: "forbidden.json"} {
			t.Run(fmt.Sprintf("%s/%d", kind, status), func(t *testing.T) {
				f := newFake(t, serve(status, fixture(t, fx)))
				e, _ := newEngine(t, kind, f)
				_, err := e.Query(context.Background(), "print 1")
				var se *ServiceError
				if !errors.As(err, &se) || se.Status != status {
					t.Fatalf("error %v, want HTTP %d", err, status)
				}
				msg := err.Error()
				want := map[int][]string{401: {"Unauthorized", "expired or invalid", "az login"}, 403: {"Forbidden", "not authorized to read database", "permission"}}[status]
				for _, w := range want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q lacks %q", msg, w)
					}
				}
				if n := len(f.requests()); n != 1 {
					t.Errorf("%d requests, want 1 (no retry)", n)
				}
			})
		}
	}
}

// 429 with Retry-After waits as long as the service asks, then succeeds;
// a wait beyond the limit is not made, and the error says how long.
func TestThrottledRetryAfter(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			ok := fixture(t, allTypesFixture[kind])
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					w.Header().Set("Retry-After", "7")
					serve(429, fixture(t, "defender_throttled.json"))(w, r, n)
					return
				}
				serve(200, ok)(w, r, n)
			})
			e, sl := newEngine(t, kind, f)
			if _, err := e.Query(context.Background(), allTypesQuery(t)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]time.Duration{7 * time.Second}, sl.waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if len(f.requests()) != 2 {
				t.Errorf("%d requests, want 2", len(f.requests()))
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "3600")
			serve(429, fixture(t, "defender_throttled.json"))(w, r, n)
		})
		e, sl := newEngine(t, Defender, f)
		_, err := e.Query(context.Background(), "print 1")
		var se *ServiceError
		if !errors.As(err, &se) || se.Status != 429 || se.RetryAfter != time.Hour {
			t.Fatalf("error %v", err)
		}
		for _, w := range []string{"TooManyRequests", "Maximum allowed 45 per minute", "retry after 1h0m0s"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if len(f.requests()) != 1 || len(sl.waits()) != 0 {
			t.Errorf("%d requests, waits %v", len(f.requests()), sl.waits())
		}
	})
	t.Run("bounded", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "1")
			serve(429, fixture(t, "defender_throttled.json"))(w, r, n)
		})
		e, _ := newEngine(t, Defender, f)
		_, err := e.Query(context.Background(), "print 1")
		if err == nil || !strings.Contains(err.Error(), "still throttled after 3 retries") {
			t.Errorf("error %v", err)
		}
		if n := len(f.requests()); n != 4 {
			t.Errorf("%d requests, want 4 (3 retries)", n)
		}
	})
}

// A transient 5xx is retried with a growing back-off; a persistent one
// stops after the bounded retries with the service's message.
func TestTransientServerError(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			ok := fixture(t, allTypesFixture[kind])
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				switch n {
				case 0:
					serve(503, []byte(`{"error":{"code":"ServiceUnavailable","message":"The service is busy."}}`))(w, r, n)
				case 1:
					serve(502, []byte(`Bad Gateway`))(w, r, n)
				default:
					serve(200, ok)(w, r, n)
				}
			})
			e, sl := newEngine(t, kind, f)
			res, err := e.Query(context.Background(), allTypesQuery(t))
			if err != nil || len(res.Rows) != 1 {
				t.Fatalf("%v %v", res, err)
			}
			if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, sl.waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("persistent", func(t *testing.T) {
		f := newFake(t, serve(500, []byte(`{"error":{"code":"InternalServiceError","message":"Something went wrong."}}`)))
		e, sl := newEngine(t, LogAnalytics, f)
		_, err := e.Query(context.Background(), "print 1")
		var se *ServiceError
		if !errors.As(err, &se) || se.Status != 500 || se.Code != "InternalServiceError" {
			t.Fatalf("error %v", err)
		}
		if len(f.requests()) != 4 || len(sl.waits()) != 3 {
			t.Errorf("%d requests, waits %v", len(f.requests()), sl.waits())
		}
	})
}

// A response cut off in the middle is an error, never a shorter result.
func TestCutOffMidStream(t *testing.T) {
	for _, kind := range Kinds() {
		body := fixture(t, allTypesFixture[kind])
		for _, cut := range []int{len(body) / 3, len(body) * 2 / 3, len(body) - 3} {
			t.Run(fmt.Sprintf("%s/%d", kind, cut), func(t *testing.T) {
				f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
					// announce the whole body, send part of it, drop the connection
					w.Header().Set("Content-Length", fmt.Sprint(len(body)))
					w.WriteHeader(200)
					w.Write(body[:cut])
					w.(http.Flusher).Flush()
					panic(http.ErrAbortHandler)
				})
				e, _ := newEngine(t, kind, f)
				res, err := e.Query(context.Background(), allTypesQuery(t))
				var te *TruncatedError
				if !errors.As(err, &te) || res != nil {
					t.Fatalf("result %v, error %T %v; want a TruncatedError", res, err, err)
				}
				if !strings.Contains(err.Error(), "cut off") {
					t.Errorf("error %q", err)
				}
			})
		}
	}
	// A v2 answer that stops cleanly between frames (no DataSetCompletion)
	// is cut off too.
	t.Run("adx between frames", func(t *testing.T) {
		body := string(fixture(t, "adx_v2_progressive.json"))
		i := strings.Index(body, `{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[["IOWA"`)
		f := newFake(t, serve(200, []byte(body[:i])))
		e, _ := newEngine(t, ADX, f)
		_, err := e.Query(context.Background(), "StormEvents | count")
		var te *TruncatedError
		if !errors.As(err, &te) {
			t.Fatalf("error %v, want a TruncatedError", err)
		}
	})
	t.Run("adx row count", func(t *testing.T) {
		body := strings.Replace(string(fixture(t, "adx_v2_progressive.json")), `"RowCount":3`, `"RowCount":4`, 1)
		f := newFake(t, serve(200, []byte(body)))
		e, _ := newEngine(t, ADX, f)
		_, err := e.Query(context.Background(), "StormEvents | count")
		if err == nil || !strings.Contains(err.Error(), "announced 4 rows, 3 arrived") {
			t.Fatalf("error %v", err)
		}
	})
}

// Partial results are errors that carry the rows that came back and the
// service's code and message.
func TestPartialResults(t *testing.T) {
	t.Run("adx", func(t *testing.T) {
		f := newFake(t, serve(200, fixture(t, "adx_v2_partial.json")))
		e, _ := newEngine(t, ADX, f)
		res, err := e.Query(context.Background(), "DeviceInfo | project DeviceName")
		var pe *PartialError
		if res != nil || !errors.As(err, &pe) || len(pe.Result.Rows) != 2 {
			t.Fatalf("result %v, error %v", res, err)
		}
		for _, w := range []string{"LimitsExceeded", "E_QUERY_RESULT_SET_TOO_LARGE", "partial result (2 rows"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	})
	t.Run("loganalytics", func(t *testing.T) {
		f := newFake(t, serve(200, fixture(t, "loganalytics_partial.json")))
		e, _ := newEngine(t, LogAnalytics, f)
		_, err := e.Query(context.Background(), "Heartbeat | project Computer, TimeGenerated")
		var pe *PartialError
		if !errors.As(err, &pe) || len(pe.Result.Rows) != 1 {
			t.Fatalf("error %v", err)
		}
		for _, w := range []string{"PartialError", "Response contains partial data", "exceed the set limit of 500000 records"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	})
}

// Defender's 100,000-row limit is reported plainly: a result that reaches
// it is partial; one row fewer is a result.
func TestDefenderRowLimit(t *testing.T) {
	rows := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"Schema":[{"Name":"DeviceName","Type":"String"},{"Name":"Timestamp","Type":"DateTime"}],"Results":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"DeviceName":"ws-%06d","Timestamp":"2024-05-01T10:20:30.1234567Z"}`, i)
		}
		b.WriteString(`]}`)
		return []byte(b.String())
	}
	full, under := rows(DefenderRowLimit), rows(DefenderRowLimit-1)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			serve(200, full)(w, r, n)
		} else {
			serve(200, under)(w, r, n)
		}
	})
	e, _ := newEngine(t, Defender, f)
	_, err := e.Query(context.Background(), "DeviceEvents | project DeviceName, Timestamp")
	var pe *PartialError
	if !errors.As(err, &pe) || len(pe.Result.Rows) != DefenderRowLimit {
		t.Fatalf("error %v", err)
	}
	var se *ServiceError
	if !errors.As(err, &se) || se.Code != "RowLimit" || !strings.Contains(err.Error(), "at most 100000 rows") {
		t.Errorf("error %v", err)
	}
	res, err := e.Query(context.Background(), "DeviceEvents | project DeviceName, Timestamp")
	if err != nil || len(res.Rows) != DefenderRowLimit-1 {
		t.Errorf("99,999 rows: %v", err)
	}
}

// Cancelling the context (Ctrl-C) or its deadline (--timeout) ends the
// request at once; the service sees the connection go.
func TestCancellation(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			gone := make(chan struct{})
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.URL.Path == "/v1/rest/mgmt" {
					return // ADX's .cancel query (see TestADXCancelOnService)
				}
				<-r.Context().Done()
				close(gone)
			})
			e, _ := newEngine(t, kind, f)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			start := time.Now()
			_, err := e.Query(ctx, "print 1")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
			select {
			case <-gone:
			case <-time.After(5 * time.Second):
				t.Error("the server never saw the request end")
			}
		})
	}
	t.Run("deadline", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if r.URL.Path != "/v1/rest/mgmt" {
				<-r.Context().Done()
			}
		})
		e, _ := newEngine(t, ADX, f)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := e.Query(ctx, "print 1")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v", err)
		}
		opts := f.requests()[0].Body["properties"].(map[string]any)["Options"].(map[string]any)
		if _, ok := opts["servertimeout"]; !ok {
			t.Errorf("no servertimeout sent: %v", opts)
		}
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		f := newFake(t, serve(503, nil))
		e, err := New(Config{Kind: Defender, Endpoint: f.srv.URL, Token: StaticToken(testToken), RetryBase: time.Hour, MaxWait: 2 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		if _, err := e.Query(ctx, "print 1"); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
	})
}

// Management commands are refused before anything is sent (or any token
// asked for).
func TestManagementCommandNeverSent(t *testing.T) {
	for _, kind := range Kinds() {
		for _, q := range []string{
			".drop table DeviceEvents",
			"  .set-or-append Evil <| print 1",
			"// harmless, surely\n.ingest into table T (h'https://x/y.csv')",
			"\ufeff.alter database Security policy retention",
			"/* not a comment in KQL */ .show tables",
		} {
			f := newFake(t, serve(200, fixture(t, allTypesFixture[kind])))
			asked := 0
			e, _ := newEngine(t, kind, f, func(c *Config) { c.Token = countingToken{&asked} })
			loaded := 0
			e.SetSchemaLoader(func(context.Context) *kql.Schema { loaded++; return nil })
			_, err := e.Query(context.Background(), q)
			if IsManagement(q) && loaded != 0 {
				t.Errorf("%s %q: the schema was loaded for a refused command", kind, q)
			}
			if err == nil {
				t.Errorf("%s %q: no error", kind, q)
			}
			if n := len(f.requests()); n != 0 || asked != 0 {
				t.Errorf("%s %q: %d requests sent, %d tokens asked", kind, q, n, asked)
			}
			if IsManagement(q) {
				var re *RefusedError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), "nothing was sent") {
					t.Errorf("%s %q: %v", kind, q, err)
				}
			}
		}
	}
	for q, want := range map[string]bool{".show tables": true, "// c\n  .drop table T": true, "T | where x == '.drop'": false, "print '.x'": false, "": false, "// only a comment": false} {
		if IsManagement(q) != want {
			t.Errorf("IsManagement(%q) = %v", q, !want)
		}
	}
}

type countingToken struct{ n *int }

func (c countingToken) Token(context.Context, string) (string, error) {
	*c.n++
	return testToken, nil
}
func (c countingToken) Secrets() []string { return []string{testToken} }

// A token (or client secret) the service echoes in an error never
// appears in the error's text.
func TestTokenNeverInErrors(t *testing.T) {
	const opaque = "opaque-token-without-dots-0123456789"
	for _, kind := range Kinds() {
		for _, tok := range []string{testToken, opaque} {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				auth := r.Header.Get("Authorization")
				tok := strings.TrimPrefix(auth, "Bearer ")
				serve(401, []byte(fmt.Sprintf(`{"error":{"code":"InvalidAuthenticationToken","message":"The header Authorization: %s is invalid for token %s","innererror":{"code":"Bad","message":"%s"}}}`, auth, tok, tok)))(w, r, n)
			})
			e, _ := newEngine(t, kind, f, func(c *Config) { c.Token = StaticToken(tok) })
			_, err := e.Query(context.Background(), "print 1")
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), tok) || strings.Contains(fmt.Sprintf("%+v", err), tok) {
				t.Errorf("%s: the token appears in %q", kind, err)
			}
			var se *ServiceError
			if !errors.As(err, &se) || strings.Contains(se.Error(), tok) || !strings.Contains(se.Error(), "[REDACTED]") {
				t.Errorf("%s: service error %v", kind, se)
			}
		}
	}
	// The secret a token endpoint echoes, and a token in az's stderr.
	const secret = "s3cr3t-client-value~with.dots"
	idp := newFake(t, serve(401, []byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: `+secret+`"}`)))
	cc := &ClientCredentials{Authority: idp.srv.URL, TenantID: "contoso.onmicrosoft.com", ClientID: "app", ClientSecret: secret}
	_, err := cc.Token(context.Background(), "https://api.loganalytics.io")
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Errorf("token endpoint error %v", err)
	}
	az := &AzureCLI{Path: "az", Run: func(ctx context.Context, path string, args ...string) ([]byte, []byte, error) {
		return nil, []byte("ERROR: token " + testToken + " expired"), errors.New("exit status 1")
	}}
	if _, err := az.Token(context.Background(), "https://api.loganalytics.io"); err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("az error %v", err)
	}
}

// No redirect is followed with the token: the other host gets nothing.
func TestNoRedirectWithCredentials(t *testing.T) {
	elsewhere := newFake(t, serve(200, nil))
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, elsewhere.srv.URL+"/steal", http.StatusTemporaryRedirect)
	})
	for _, kind := range Kinds() {
		e, _ := newEngine(t, kind, f, func(c *Config) { c.HTTPClient = &http.Client{} })
		_, err := e.Query(context.Background(), "print 1")
		if err == nil || !strings.Contains(err.Error(), "does not follow redirects") {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
}

// Plain http is for the loopback interface only.
func TestPlainHTTPRefused(t *testing.T) {
	for _, c := range []Config{
		{Kind: ADX, Cluster: "http://mycluster.westeurope.kusto.windows.net", Database: "db", Token: StaticToken("t")},
		{Kind: LogAnalytics, Endpoint: "http://api.loganalytics.io", Workspace: "w", Token: StaticToken("t")},
		{Kind: Defender, Endpoint: "ftp://api.security.microsoft.com", Token: StaticToken("t")},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("%s %s%s: no error", c.Kind, c.Cluster, c.Endpoint)
		}
	}
	e, err := New(Config{Kind: ADX, Cluster: "help.kusto.windows.net", Database: "Samples", Token: StaticToken("t")})
	if err != nil || e.Endpoint() != "https://help.kusto.windows.net/v2/rest/query" {
		t.Errorf("%v %v", e, err)
	}
	g, err := New(Config{Kind: Defender, Endpoint: GraphEndpoint, Token: StaticToken("t")})
	if err != nil || g.Endpoint() != "https://graph.microsoft.com/v1.0/security/runHuntingQuery" || g.resource != GraphEndpoint {
		t.Errorf("graph: %v %v", g, err)
	}
}

// A query that does not parse (or check, with a schema) is not sent.
func TestCheckedBeforeSent(t *testing.T) {
	f := newFake(t, serve(200, fixture(t, "defender_alltypes.json")))
	e, _ := newEngine(t, Defender, f, func(c *Config) { c.Schema = kql.AdvancedHunting() })
	for _, q := range []string{"DeviceEvents | wher x", "DeviceEvnts | take 1"} {
		_, err := e.Query(context.Background(), q)
		var list kql.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%q: %v", q, err)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Cancelling an ADX query also asks the cluster to stop it: .cancel query
// with the query's client request ID, on the management endpoint.
func TestADXCancelOnService(t *testing.T) {
	cancelled := make(chan request, 1)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/v1/rest/mgmt" {
			cancelled <- request{Body: map[string]any{"csl": "?"}}
			w.Write([]byte(`{"Tables":[]}`))
			return
		}
		<-r.Context().Done()
	})
	e, _ := newEngine(t, ADX, f)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := e.Query(ctx, "StormEvents | count"); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("no .cancel query reached the service")
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	crid := reqs[0].Header.Get("x-ms-client-request-id")
	want := `.cancel query "` + crid + `" with (reason = "cancelled in kqlhunt")`
	if reqs[1].Path != "/v1/rest/mgmt" || reqs[1].Body["csl"] != want || reqs[1].Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("cancel request %s %v, want csl %q", reqs[1].Path, reqs[1].Body, want)
	}
}

// Graph's runHuntingQuery: the same request, an answer in camel case.
func TestDefenderGraph(t *testing.T) {
	f := newFake(t, serve(200, fixture(t, "graph_runhuntingquery.json")))
	e, _ := newEngine(t, Defender, f, func(c *Config) { c.Endpoint = f.srv.URL + "/v1.0/security/runHuntingQuery" })
	if e.resource != GraphEndpoint {
		t.Errorf("resource %q", e.resource)
	}
	res, err := e.Query(context.Background(), "DeviceProcessEvents | take 2")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{
		{time.Date(2024, 5, 1, 10, 20, 30, 123456700, time.UTC), "powershell.exe", "WINWORD.EXE", int64(4242), exec.Dynamic(`{"Command":"-enc"}`)},
		{time.Date(2024, 5, 1, 10, 21, 0, 0, time.UTC), "cmd.exe", "powershell.exe", nil, nil},
	}
	if diff := cmp.Diff(want, res.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if r := f.requests()[0]; r.Path != "/v1.0/security/runHuntingQuery" || r.Body["Query"] != "DeviceProcessEvents | take 2" {
		t.Errorf("request %s %v", r.Path, r.Body)
	}
}
