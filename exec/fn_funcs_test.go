package exec

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// valueCase is a one-value query and the value Kusto documents for it,
// written as JSON (numbers compare as float64, objects regardless of key
// order; a real column's NaN is the string "NaN").
type valueCase struct {
	name, kql, want string
}

// runValueCases runs each query and compares its first column of its
// first row with the expected JSON.
func runValueCases(t *testing.T, cases []valueCase) {
	t.Helper()
	e := openLocked(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := query(t, e, tc.kql)
			if len(r.Rows) == 0 {
				t.Fatalf("%s: no rows", tc.kql)
			}
			got := jsonOf(t, r.Rows[0][0])
			var want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatalf("bad expectation %s: %v", tc.want, err)
			}
			if !sameJSON(got, want) {
				t.Errorf("%s\n got  %s\n want %s", tc.kql, mustJSON(got), tc.want)
			}
		})
	}
}

func jsonOf(t *testing.T, v any) any {
	t.Helper()
	switch x := v.(type) {
	case Dynamic:
		var out any
		d := json.NewDecoder(bytes.NewReader(x))
		if err := d.Decode(&out); err != nil {
			t.Fatalf("bad JSON %s: %v", x, err)
		}
		return out
	case int64:
		return float64(x)
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
		return x
	}
	return v
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSON compares decoded JSON, numbers to 1e-9 relative.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestParseFunctions(t *testing.T) {
	runValueCases(t, []valueCase{
		// the documentation's example
		{"cmdline-doc", `print parse_command_line("echo \"hello world!\"", "windows")`, `["echo","hello world!"]`},
		// CommandLineToArgvW: 2n+1 backslashes before a quote are n and a literal quote
		{"cmdline-odd-backslashes", `print parse_command_line(@"x a\\\""b c d", "windows")`, `["x","a\\\"b","c","d"]`},
		// 2n backslashes before a quote are n, and the quote opens a quoted part
		{"cmdline-even-backslashes", `print parse_command_line(@"x a\\\\""b c"" d e", "windows")`, `["x","a\\\\b c","d","e"]`},
		// backslashes not before a quote stay as they are
		{"cmdline-plain-backslashes", `print parse_command_line(@"cmd.exe /c ""a\b"" c\\d\", "windows")`, `["cmd.exe","/c","a\\b","c\\\\d\\"]`},
		// the program name ends at its closing quote and takes no escapes
		{"cmdline-quoted-program", `print parse_command_line(@"""C:\Program Files\a.exe""x  -y", "windows")`, `["C:\\Program Files\\a.exe","x","-y"]`},
		// "" inside quotes is a literal quote and closes the quoted part
		{"cmdline-double-quote-in-quotes", `print parse_command_line(@"p ""q """" r""", "windows")`, `["p","q \"","r"]`},
		// an empty quoted argument is an argument
		{"cmdline-empty-argument", `print parse_command_line(@"a """" b", "windows")`, `["a","","b"]`},
		// a quoted part inside an argument, and a quote left open to the end
		{"cmdline-quoted-part", `print parse_command_line(@"x ""a b""c ""d e", "windows")`, `["x","a bc","d e"]`},
		// leading white space: an empty program name
		{"cmdline-leading-space", `print parse_command_line("  a\tb", "windows")`, `["","a","b"]`},
		{"path-drive", `print parse_path(@"C:\temp\file.txt")`, `{"Scheme":"","RootPath":"C:\\","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"path-relative", `print parse_path(@"temp\file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"path-scheme-stream", `print parse_path("file://C:/temp/file.txt:some.exe")`, `{"Scheme":"file","RootPath":"C:/","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`},
		{"path-unc", `print parse_path(@"\\shared\users\temp\file.txt.gz")`, `{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`},
		{"path-unix", `print parse_path("/usr/lib/temp/file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"csv-quotes", `print parse_csv('aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1\nline2"')`, `["aa","b,b,b","cc","Escaping quotes: \"Title\"","line1\nline2"]`},
		{"csv-first-record", `print parse_csv('record1,a,b,c\nrecord2,x,y,z')`, `["record1","a","b","c"]`},
		{"base64-toarray", `print base64_decode_toarray("S3VzdG8=")`, `[75,117,115,116,111]`},
		{"has-any-index-first", `print has_any_index("this is an example", dynamic(['this', 'example']))`, `0`},
		{"has-any-index-last", `print has_any_index("this is an example", dynamic(['not', 'example']))`, `1`},
		{"has-any-index-none", `print has_any_index("this is an example", dynamic(['not', 'found']))`, `-1`},
		{"has-any-index-numbers", `print has_any_index("Example number 2", range(1, 3, 1))`, `1`},
		{"has-any-index-empty", `print has_any_index("this is an example", dynamic([]))`, `-1`},
	})
}

func TestSeriesFunctions(t *testing.T) {
	const y = `dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])`
	const x = `dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29])`
	runValueCases(t, []valueCase{
		// the series_stats_dynamic documentation example
		{"stats-dynamic", `print series_stats_dynamic(` + x + `)`, `{"min":2.0,"min_idx":8,"max":87.0,"max_idx":3,"avg":32.8,"stdev":28.503633853548269,"variance":812.45714285714291,"sum":492.0,"len":15}`},
		// series_stats: the documented columns, one per statistic
		{"stats-avg", `print x=` + x + ` | project series_stats(x) | project series_stats_x_avg`, `32.8`},
		{"stats-min-idx", `print x=` + x + ` | extend (mn, mnidx) = series_stats(x) | project mnidx`, `8`},
		// conformance r2-window-series-scan-0015: one name takes the first statistic
		{"stats-one-name", `print s=dynamic([10, 0, 0, 0, 50]) | extend st = series_stats(s) | project st`, `0.0`},
		// a null makes the statistics null unless ignore_nonfinite is set
		{"stats-null", `print s=dynamic([1, null, 3]) | project series_stats_dynamic(s).avg`, `null`},
		{"stats-ignore-nonfinite", `print s=dynamic([1, null, 3]) | project series_stats_dynamic(s, true).avg`, `2.0`},
		// the series_fit_line documentation example (rounded there to 3 digits)
		{"fit-line-rsquare", `print y=` + y + ` | extend (RSquare, Slope, Variance, RVariance, Interception, LineFit) = series_fit_line(y) | project round(RSquare, 3)`, `0.983`},
		{"fit-line-slope", `print y=` + y + ` | extend (RSquare, Slope) = series_fit_line(y) | project round(Slope, 3)`, `2.731`},
		{"fit-line-dynamic", `print f = series_fit_line_dynamic(` + y + `) | project round(todouble(f.variance), 3), round(todouble(f.rvariance), 3), round(todouble(f.interception), 3)`, `98.629`},
		{"fit-line-linefit", `print f = series_fit_line_dynamic(` + y + `) | project round(todouble(f.line_fit[0]), 3)`, `1.064`},
		// conformance r2-window-series-scan-0016
		{"fit-line-rsquare-2", `print s=dynamic([1.0, 2.0, 4.0, 8.0]) | extend fit = series_fit_line(s) | project fit`, `0.92`},
		{"pearson", `print series_pearson_correlation(dynamic([1,2,3]), dynamic([2,4,7]))`, `0.9933992677987828`},
		// series_iir with a=[1,-1] is a running sum (conformance r2-window-series-scan-0039)
		{"iir-cumsum", `print series_iir(dynamic([10, 30, 0]), dynamic([1]), dynamic([1,-1]))`, `[10.0, 40.0, 40.0]`},
		// series_fir [1,-1] without normalization is a difference (conformance r3-window-series-scan-0020)
		{"fir-diff", `print series_fir(dynamic([5, 15, 10, 20]), dynamic([1,-1]), false, false)`, `[5, 10, -5, 10]`},
		// a moving average: the filter is normalized by default
		{"fir-moving-average", `print series_fir(dynamic([3, 6, 9]), dynamic([1,1,1]))`, `[1, 3, 6]`},
		{"add-scalar", `print series_add(dynamic([1, 2, 3]), 10)`, `[11, 12, 13]`},
		// arrays of different lengths: missing elements give null
		{"subtract-lengths", `print series_subtract(dynamic([5, 5, 5]), dynamic([1, 2]))`, `[4, 3, null]`},
		{"greater", `print series_greater(dynamic([1, 20, 3]), 2)`, `[false, true, true]`},
	})
}

func TestArrayFunctions(t *testing.T) {
	const arr = `dynamic(["this", "is", "an", "example", "an", "example"])`
	runValueCases(t, []valueCase{
		// the array_index_of documentation examples
		{"index-of", `print array_index_of(` + arr + `, "an")`, `2`},
		{"index-of-range", `print array_index_of(` + arr + `, "example", 1, 3)`, `3`},
		{"index-of-short-range", `print array_index_of(` + arr + `, "example", 1, 2)`, `-1`},
		{"index-of-occurrence", `print array_index_of(` + arr + `, "an", 1, -1, 2)`, `4`},
		{"index-of-no-occurrence", `print array_index_of(` + arr + `, "an", 1, -1, 3)`, `-1`},
		{"index-of-negative-start", `print array_index_of(` + arr + `, "an", -3)`, `4`},
		// numbers find numbers (conformance probe-0006)
		{"index-of-number", `print array_index_of(dynamic([5, 15]), 15.0)`, `1`},
		// the indexof documentation examples: the match must start in the range
		{"indexof-range", `print indexof("abcdefg", "cde", 1, 2)`, `2`},
		{"indexof-after", `print indexof("abcdefg", "cde", 3, 4)`, `-1`},
		{"indexof-negative-start", `print indexof("abcdefg", "cde", -5)`, `2`},
		{"indexof-occurrence", `print indexof("abcdefgabcdefg", "cde", 1, 10, 2)`, `9`},
		{"indexof-no-occurrence", `print indexof("abcdefgabcdefg", "cde", 1, -1, 3)`, `-1`},
		{"indexof-regex-occurrence", `print indexof_regex("abcabcdefg", @"a.c", 0, 9, 2)`, `3`},
		{"indexof-regex-no-overlap", `print indexof_regex("ababaa", @"a.a", 0, -1, 2)`, `-1`},
		{"indexof-regex-negative-start", `print indexof_regex("abcabc", @"a|ab", -1)`, `null`},
		{"split-one", `print array_split(dynamic([1,2,3,4,5]), 2)`, `[[1,2],[3,4,5]]`},
		{"split-several", `print array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))`, `[[1],[2,3],[4,5]]`},
		{"rotate-left", `print array_rotate_left(dynamic([10,20,30]), 1)`, `[20,30,10]`},
		{"rotate-right", `print array_rotate_right(dynamic([1,2,3,4,5]), 2)`, `[4,5,1,2,3]`},
		{"shift-right", `print array_shift_right(dynamic([10,20,30]), 1)`, `[null,10,20]`},
		{"shift-left-fill", `print array_shift_left(dynamic([1,2,3,4,5]), 2, -1)`, `[3,4,5,-1,-1]`},
		{"iff", `print array_iff(dynamic([true,false,true]), dynamic([1,2,3]), dynamic([0,0,0]))`, `[1,0,3]`},
		{"iff-scalar", `print array_iff(dynamic([true,false]), dynamic([1,2]), -1)`, `[1,-1]`},
		// the treepath documentation examples
		{"treepath", `print treepath(parse_json('{"a":"b", "c":123}'))`, `["['a']","['c']"]`},
		{"treepath-array", `print treepath(parse_json('{"prop1":[1,2,3,4], "prop2":"value2"}'))`, `["['prop1']","['prop1'][0]","['prop2']"]`},
		{"treepath-array-bag", `print treepath(parse_json('{"listProperty":[100,200,300,"abcde",{"x":"y"}]}'))`, `["['listProperty']","['listProperty'][0]","['listProperty'][0]['x']"]`},
		{"jaccard", `print jaccard_index(dynamic([1,2,3,4]), dynamic([3,4,5,6]))`, `0.3333333333333333`},
		{"sort-several", `print array_sort_asc(dynamic([1,3,4,5,2]), dynamic(["a","b","c","d","e"]))[1]`, `["a","e","b","c","d"]`},
		{"sort-several-desc", `print array_sort_desc(dynamic([1,3,4,5,2]), dynamic(["a","b","c","d","e"]))[1]`, `["d","c","b","e","a"]`},
		// JSONPath keys (the bag_has_key, bag_remove_keys, bag_set_key documentation examples)
		{"bag-has-key-path", `print bag_has_key(dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}), '$.key2.prop1')`, `true`},
		{"bag-remove-keys-path", `print bag_remove_keys(dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}), dynamic(['$.key2.prop1', 'key3']))`, `{"key1": 123, "key2": {"prop2": "xyz"}}`},
		{"bag-set-key-path", `print bag_set_key(dynamic({'key1': 123}), '$.key2.prop1', 'abc')`, `{"key1": 123, "key2": {"prop1": "abc"}}`},
		{"replace-strings-order", `print replace_strings("This is an example", dynamic(['is', 'This']), dynamic(['was', 'This']))`, `"Thwas was an example"`},
	})
}

func TestScalarFunctions2(t *testing.T) {
	runValueCases(t, []valueCase{
		{"shift-left", `print binary_shift_left(1, 20)`, `1048576`},
		{"shift-right", `print binary_shift_right(-8, 1)`, `-4`},
		{"and", `print binary_and(6, 3)`, `2`},
		{"or", `print binary_or(6, 3)`, `7`},
		{"xor", `print binary_xor(6, 3)`, `5`},
		{"not", `print binary_not(5)`, `-6`},
		{"count-ones", `print bitset_count_ones(255)`, `8`},
		{"codepoints", `print unicode_codepoints_from_string("aé")`, `[97, 233]`},
		{"codepoints-to-string", `print unicode_codepoints_to_string(dynamic([75, 117, 115, 116, 111]))`, `"Kusto"`},
		{"make-string", `print make_string(base64_decode_toarray("S3VzdG8="))`, `"Kusto"`},
		// the format_bytes documentation examples
		{"bytes", `print format_bytes(564)`, `"564 Bytes"`},
		{"bytes-precision", `print format_bytes(10332, 1)`, `"10.1 KB"`},
		{"bytes-auto", `print format_bytes(20010332)`, `"19 MB"`},
		{"bytes-auto-precision", `print format_bytes(20010332, 2)`, `"19.08 MB"`},
		{"bytes-unit", `print format_bytes(20010332, 0, "KB")`, `"19541 KB"`},
		// the parse_ipv6 and parse_ipv6_mask documentation examples
		{"ipv6", `print parse_ipv6("fe80::85d:e82c:9446:7994")`, `"fe80:0000:0000:0000:085d:e82c:9446:7994"`},
		{"ipv6-from-ipv4", `print parse_ipv6("127.0.0.1")`, `"0000:0000:0000:0000:0000:ffff:7f00:0001"`},
		{"ipv6-prefix", `print parse_ipv6_mask("fe80::85d:e82c:9446:7994/120", 124)`, `"fe80:0000:0000:0000:085d:e82c:9446:7900"`},
		{"ipv6-ipv4-prefix", `print parse_ipv6_mask("192.168.255.255/24", 124)`, `"0000:0000:0000:0000:0000:ffff:c0a8:ff00"`},
		{"ipv6-ipv4-mask", `print parse_ipv6_mask("192.168.255.255", 120)`, `"0000:0000:0000:0000:0000:ffff:c0a8:ff00"`},
		{"ipv6-embedded-ipv4", `print parse_ipv6_mask("::192.168.255.255/24", 128)`, `"0000:0000:0000:0000:0000:0000:c0a8:ff00"`},
		{"ipv6-invalid", `print parse_ipv6("1::2::3")`, `""`},
		// the format_ipv4_mask documentation example: the smaller prefix wins
		{"ipv4-mask-prefix", `print format_ipv4_mask("192.168.1.1/24", 32)`, `"192.168.1.0/24"`},
		{"ipv4-mask-negative", `print format_ipv4_mask("192.168.1.1/24", -1)`, `""`},
		{"ipv4-negative", `print format_ipv4("192.168.1.1/24", -1)`, `""`},
		// conformance r2-type-casts-coercion-0011, -0008, -0014
		{"min-of-nan", `print min_of(real(nan), 1.0)`, `"NaN"`},
		{"max-of-nan", `print max_of(real(nan), 1.0)`, `"NaN"`},
		{"tolong-hex-wraps", `print tolong("0xFFFFFFFFFFFFFFFF")`, `-1`},
		{"tobool-hex", `print tobool(dynamic("0x10"))`, `true`},
		// Copenhagen is UTC+2 in summer
		{"local-to-utc", `print tostring(datetime_local_to_utc(datetime(2020-07-01 12:00), "Europe/Copenhagen"))`, `"2020-07-01T10:00:00.0000000Z"`},
		{"utc-to-local", `print tostring(datetime_utc_to_local(datetime(2020-01-01 12:00), "America/New_York"))`, `"2020-01-01T07:00:00.0000000Z"`},
	})
}

func TestWeightedPercentiles(t *testing.T) {
	// the percentilesw documentation example: 8 requests at 10 ms, 6 at
	// 20, 3 at 30, 1 at 40
	const tbl = `datatable(ReqCount:long, LatencyBucket:long)[8, 10, 6, 20, 3, 30, 1, 40]`
	runValueCases(t, []valueCase{
		{"percentilew", tbl + ` | summarize percentilew(LatencyBucket, ReqCount, 50)`, `20`},
		{"percentilesw-75", tbl + ` | summarize percentilesw(LatencyBucket, ReqCount, 50, 75, 99.9) | project percentile_LatencyBucket_75`, `20`},
		{"percentilesw-99-9", tbl + ` | summarize percentilesw(LatencyBucket, ReqCount, 50, 75, 99.9) | project percentile_LatencyBucket_99_9`, `40`},
		{"percentilesw-array", tbl + ` | summarize percentilesw_array(LatencyBucket, ReqCount, dynamic([50, 75, 99.9]))`, `[20, 20, 40]`},
		// NaN wins min, max and arg_min (conformance r3-aggregation-0023, -0001)
		{"min-nan", `datatable(v:real)[3.3, real(nan)] | summarize min(v)`, `"NaN"`},
		{"max-nan", `datatable(v:real)[3.3, real(nan)] | summarize max(v)`, `"NaN"`},
		{"arg-min-nan", `datatable(v:real, w:real)[real(nan), 10.0, 2.0, 20.0] | summarize arg_min(v, w) | project w`, `10.0`},
		{"arg-min-null-loses", `datatable(v:real, w:long)[real(null), 1, 5.0, 2] | summarize arg_min(v, w) | project w`, `2`},
		// prev's default may be any expression that reads no column
		{"prev-default-expression", `range x from 1 to 2 step 1 | serialize | extend p = prev(x, 1, 40 + 2) | project p`, `42`},
		{"argmax-alias", `datatable(a:long, b:string)[1, "x", 3, "y", 2, "z"] | summarize (m, v) = argmax(a, b) | project v`, `"y"`},
	})
}

func TestDecomposeFunctions(t *testing.T) {
	runValueCases(t, []valueCase{
		// Tukey's test: with the quartiles 2 and 4 (IQR 2) of [1,2,3,4,100],
		// a point scores its distance beyond the nearer quartile in IQRs
		{"outliers-tukey", `print series_outliers(dynamic([1, 2, 3, 4, 100]), "tukey")`, `[-0.5, 0, 0, 0, 48]`},
		{"anomalies-tukey", `print y = dynamic([1, 2, 3, 4, 100]) | extend (flag, score, baseline) = series_decompose_anomalies(y, 1.5, 0, "none", 0, "tukey") | project flag`, `[0, 0, 0, 0, 1]`},
		{"anomalies-threshold", `print y = dynamic([1, 2, 3, 4, 100]) | extend (flag) = series_decompose_anomalies(y, 50.0, 0, "none", 0, "tukey") | project flag`, `[0, 0, 0, 0, 0]`},
		// the seasonal part is the median of the points of the same phase
		{"decompose-seasonal", `print y = dynamic([1, 5, 1, 5, 1, 9]) | extend (baseline, seasonal, trend, residual) = series_decompose(y, 2, "none") | project seasonal`, `[1, 5, 1, 5, 1, 5]`},
		{"decompose-residual", `print y = dynamic([1, 5, 1, 5, 1, 9]) | extend (baseline, seasonal, trend, residual) = series_decompose(y, 2, "none") | project residual`, `[0, 0, 0, 0, 0, 4]`},
		// avg trend: the mean of the series less its seasonal part
		{"decompose-avg-trend", `print y = dynamic([2, 4, 6]) | extend (baseline, seasonal, trend) = series_decompose(y, 0, "avg") | project trend`, `[4, 4, 4]`},
		// a forecast continues the line learnt before the test points
		{"forecast-linefit", `print series_decompose_forecast(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 0, 0]), 2, 0)`, `[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]`},
	})
}

// TestSeveralResultsNames checks the columns of a function with several
// results: automatic names FUNC_ARG_SUFFIX; in project, names for the
// first results and automatic names for the rest; in extend, only the
// named ones [D:series-fit-2lines-function, D:series-stats-function].
func TestSeveralResultsNames(t *testing.T) {
	e := openLocked(t)
	cases := []struct{ kql, want string }{
		{`print x=dynamic([1,2,3]) | project series_stats(x)`, "series_stats_x_min series_stats_x_min_idx series_stats_x_max series_stats_x_max_idx series_stats_x_avg series_stats_x_stdev series_stats_x_variance"},
		{`print x=dynamic([1,2,3]) | project (a, b) = series_stats(x)`, "a b series_stats_x_max series_stats_x_max_idx series_stats_x_avg series_stats_x_stdev series_stats_x_variance"},
		{`print x=dynamic([1,2,3]) | extend (a, b) = series_stats(x)`, "x a b"},
		{`print y=dynamic([1,2,3]) | extend series_decompose_anomalies(y)`, "y series_decompose_anomalies_y_ad_flag series_decompose_anomalies_y_ad_score series_decompose_anomalies_y_baseline"},
		// the array_sort_asc documentation example
		{`let array1 = dynamic([1,3,4,5,2]); let array2 = dynamic(["a","b","c","d","e"]); print array_sort_asc(array1, array2)`, "array1_sorted array2_sorted"},
	}
	for _, tc := range cases {
		r := query(t, e, tc.kql)
		var names []string
		for _, c := range r.Columns {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("%s\n got  %s\n want %s", tc.kql, got, tc.want)
		}
	}
}

func TestRegexFunctions(t *testing.T) {
	runValueCases(t, []valueCase{
		// .NET pattern spellings: \uXXXX and (?<name>...)
		{"regex-unicode-escape", `print "abé" matches regex @"\u00e9$"`, `true`},
		{"regex-named-group", `print extract(@"(?<word>[a-z]+)-", 1, "abc-def")`, `"abc"`},
		{"regex-escaped-backslash-u", `print "x\\u0041" matches regex @"\\u0041"`, `true`},
		// the deprecated replace(regex, rewrite, text) takes a rewrite with \1
		{"replace-deprecated", `print replace(@'([a-z]+)\.([a-z]+)', @'\2-\1', 'abc.def')`, `"def-abc"`},
	})
}
