package remote

import (
	"bytes"
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/render"
)

// The same query on the embedded engine and on each fake service gives
// the same result table: every output format byte-identical.
func TestSameResultAsLocal(t *testing.T) {
	q := allTypesQuery(t)
	ctx := context.Background()
	local, err := exec.Open(ctx, exec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	want, err := local.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			f := newFake(t, serve(200, fixture(t, allTypesFixture[kind])))
			e, _ := newEngine(t, kind, f)
			got, err := e.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range render.FormatNames() {
				var a, b bytes.Buffer
				if err := render.Write(&a, want, format, render.Options{}); err != nil {
					t.Fatal(err)
				}
				if err := render.Write(&b, got, format, render.Options{}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("%s differs:\nlocal:\n%s\n%s:\n%s", format, a.String(), kind, b.String())
				}
			}
		})
	}
}
