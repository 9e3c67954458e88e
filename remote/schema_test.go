package remote

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// The schema comes from the service: ADX's .show database schema as json
// on the management endpoint, Log Analytics' metadata API; queries are
// then checked against it before they are sent.
func TestFetchSchema(t *testing.T) {
	t.Run("adx", func(t *testing.T) {
		f := newFake(t, serve(200, fixture(t, "adx_v1_show_schema.json")))
		e, _ := newEngine(t, ADX, f)
		doc, err := e.FetchSchema(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r := f.requests()[0]
		if r.Path != "/v1/rest/mgmt" || r.Body["csl"] != `.show database ["Security"] schema as json` || r.Body["db"] != "Security" {
			t.Errorf("request %s %v", r.Path, r.Body)
		}
		s, err := ParseSchema(ADX, doc)
		if err != nil {
			t.Fatal(err)
		}
		tb, ok := s.Table("DeviceLogonEvents")
		if !ok || len(tb.Columns) != 6 || tb.Columns[4] != (kql.Column{Name: "AdditionalFields", Type: kql.TDynamic}) {
			t.Errorf("table %+v", tb)
		}
		e.SetSchema(s)
		_, err = e.Query(context.Background(), "DeviceLogonEvent | take 1")
		var list kql.ErrorList
		if !errors.As(err, &list) || !strings.Contains(list[0].Hint, "DeviceLogonEvents") {
			t.Errorf("unknown table: %v", err)
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("%d requests: the bad query was sent", n)
		}
	})
	t.Run("loganalytics", func(t *testing.T) {
		f := newFake(t, serve(200, fixture(t, "loganalytics_metadata.json")))
		e, _ := newEngine(t, LogAnalytics, f)
		doc, err := e.FetchSchema(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if r := f.requests()[0]; r.Method != http.MethodGet || r.Path != "/v1/workspaces/b7b1c1a0-0000-4000-8000-00000000cafe/metadata" {
			t.Errorf("request %s %s", r.Method, r.Path)
		}
		s, err := ParseSchema(LogAnalytics, doc)
		if err != nil {
			t.Fatal(err)
		}
		if names := s.TableNames(); strings.Join(names, ",") != "Heartbeat,SigninLogs" {
			t.Errorf("tables %v", names)
		}
		if c, _ := s.Tables["SigninLogs"].Column("IsInteractive"); c.Type != kql.TBool {
			t.Errorf("column %+v", c)
		}
	})
	t.Run("errors", func(t *testing.T) {
		f := newFake(t, serve(403, fixture(t, "forbidden.json")))
		e, _ := newEngine(t, ADX, f)
		_, err := e.FetchSchema(context.Background())
		var se *ServiceError
		if !errors.As(err, &se) || se.Status != 403 || !strings.Contains(err.Error(), "reading the schema") {
			t.Errorf("error %v", err)
		}
		g := newFake(t, serve(200, []byte(`{"tables":[{"name":"Heartbeat","columns":[`)))
		e, _ = newEngine(t, LogAnalytics, g)
		if _, err := e.FetchSchema(context.Background()); !errors.As(err, new(*TruncatedError)) {
			t.Errorf("cut-off metadata: %v", err)
		}
	})
	t.Run("defender", func(t *testing.T) {
		f := newFake(t, serve(200, nil))
		e, _ := newEngine(t, Defender, f)
		if doc, err := e.FetchSchema(context.Background()); doc != nil || err != nil || len(f.requests()) != 0 {
			t.Errorf("%s %v", doc, err)
		}
	})
}
