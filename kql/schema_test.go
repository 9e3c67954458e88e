package kql

import "testing"

func TestAdvancedHuntingSchema(t *testing.T) {
	s := AdvancedHunting()
	if got := len(s.Tables); got != 64 {
		t.Fatalf("tables = %d, want 64 (schema.json documents 64)", got)
	}
	dpe, ok := s.Table("DeviceProcessEvents")
	if !ok {
		t.Fatal("DeviceProcessEvents missing")
	}
	if c := dpe.Columns[0]; c.Name != "Timestamp" || c.Type != TDatetime {
		t.Errorf("first column = %+v, want Timestamp:datetime", c)
	}
	if c, ok := dpe.Column("TimeGenerated"); !ok || c.Type != TDatetime {
		t.Errorf("Sentinel column TimeGenerated = %+v, %v", c, ok)
	}
	if got := s.Renamed["ProcessCreationEvents"]; len(got) != 1 || got[0] != "DeviceProcessEvents" {
		t.Errorf("renamed ProcessCreationEvents = %v", got)
	}
	n := 0
	for _, tb := range s.Tables {
		n += len(tb.Columns)
	}
	if n != 1554 {
		t.Errorf("columns = %d, want 1554", n)
	}
}
