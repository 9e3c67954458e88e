package kql

import (
	"reflect"
	"testing"
)

func TestComments(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"T | take 1", nil},
		{"// hunt\nT // all rows\n| take 1 //x", []string{"// hunt", "// all rows", "//x"}},
		// Slashes inside strings and typed literals are not comments.
		{`T | where Url == "http://a" or P == @'c://' or B == h"//x"`, nil},
		{"print ```a // b``` // c", []string{"// c"}},
		{"T\r\n// w\r\n| take 1", []string{"// w\r"}},
		{"T | where x == 1 ///", []string{"///"}},
	}
	for _, tt := range tests {
		var got []string
		for _, sp := range Comments(tt.src) {
			got = append(got, tt.src[sp.Start:sp.End])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Comments(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
