package exec

import (
	"sort"
	"strings"
	"testing"
)

// The pivot reference's examples [D:pivot-plugin]: one row per
// combination of the other columns, one column per value of the pivot
// column, 0 where a combination has no row with the value (count, sum).
func TestPivotReferenceExamples(t *testing.T) {
	e := openLocked(t)
	const deaths = `datatable(State:string, EventType:string, Source:string, DeathsDirect:long)[
		"ARKANSAS","Heavy Rain","Emergency Manager",1, "ARKANSAS","Thunderstorm Wind","Emergency Manager",1,
		"ARIZONA","Lightning","Newspaper",1, "ARIZONA","Flash Flood","Trained Spotter",2,
		"ARIZONA","Flash Flood","Broadcast Media",3, "ARIZONA","Flash Flood","Newspaper",1,
		"ARKANSAS","Strong Wind","Law Enforcement",1, "ARKANSAS","Heat","Newspaper",3]`
	cases := []struct {
		src, cols string
		rows      []string
	}{
		{deaths + ` | project State, EventType, DeathsDirect | evaluate pivot(State, sum(DeathsDirect))`,
			"EventType,ARKANSAS,ARIZONA",
			[]string{"Flash Flood|0|6", "Heat|3|0", "Heavy Rain|1|0", "Lightning|0|1", "Strong Wind|1|0", "Thunderstorm Wind|1|0"}},
		{deaths + ` | evaluate pivot(State, sum(DeathsDirect), EventType, Source)`,
			"EventType,Source,ARKANSAS,ARIZONA",
			[]string{"Flash Flood|Broadcast Media|0|3", "Flash Flood|Newspaper|0|1", "Flash Flood|Trained Spotter|0|2", "Heat|Newspaper|3|0",
				"Heavy Rain|Emergency Manager|1|0", "Lightning|Newspaper|0|1", "Strong Wind|Law Enforcement|1|0", "Thunderstorm Wind|Emergency Manager|1|0"}},
		// count() by default, over every column but the pivot column
		{deaths + ` | project State, EventType | where EventType has "Wind" | evaluate pivot(State)`,
			"EventType,ARKANSAS",
			[]string{"Strong Wind|1", "Thunderstorm Wind|1"}},
		// a declared output schema names the value columns
		{deaths + ` | project State, EventType | where EventType has "Wind" | evaluate pivot(State): (EventType:string, ALABAMA:long, ARKANSAS:long)`,
			"EventType,ALABAMA,ARKANSAS",
			[]string{"Strong Wind|0|1", "Thunderstorm Wind|0|1"}},
	}
	for _, tc := range cases {
		r := query(t, e, tc.src)
		if got := colNames(r); got != tc.cols {
			t.Errorf("%s: columns %s, want %s", tc.src, got, tc.cols)
		}
		got := rowsText(r)
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.src, got, tc.rows)
		}
	}
}
