package render

import (
	"io"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// BenchmarkWrite writes a 10,000-row result of typical hunting columns in
// every format.
func BenchmarkWrite(b *testing.B) {
	r := &exec.Result{Columns: []kql.Column{
		{Name: "Timestamp", Type: kql.TDatetime},
		{Name: "DeviceName", Type: kql.TString},
		{Name: "ProcessCommandLine", Type: kql.TString},
		{Name: "ProcessId", Type: kql.TLong},
		{Name: "AdditionalFields", Type: kql.TDynamic},
	}}
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		r.Rows = append(r.Rows, []any{
			t0.Add(time.Duration(i) * time.Second), "ws-042.contoso.com",
			`powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA`,
			int64(4000 + i), exec.Dynamic(`{"InitiatingProcessAccountName":"alice","Count":3}`),
		})
	}
	for _, f := range Formats {
		b.Run(f.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteFormat(io.Discard, r, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
