package kql

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// builtin describes one built-in function of KQL: its arity, how its result
// type follows from its arguments and, for aggregates, how summarize names
// an unnamed result.
type builtin struct {
	Name     string
	Min, Max int  // arity; Max < 0 means any number of arguments
	Agg      bool // an aggregation function (summarize, make-series, ...)
	Window   bool // needs a serialized row set (row_number, prev, ...)
	result   func(args []Type) Type
	// Aggregates: the prefix of the automatic column name (sum → "sum_X").
	prefix string
	naming aggNaming
}

// aggNaming says how summarize names an unnamed aggregate.
type aggNaming int

const (
	nameFromArg     aggNaming = iota // prefix_X where X is the argument column ("count_", "sum_" when none)
	nameCountif                      // countif_X only for a bare column argument, else countif_
	nameKeep                         // the argument's own name (take_any)
	nameArgMax                       // arg_max/arg_min: expands to several columns
	namePercentile                   // percentile_X_P for each P
	namePercentileW                  // the same for the weighted family (weights are argument 2)
)

// Result returns the function's result type for the given argument types
// (TUnknown where an argument's type is unknown).
func (b *builtin) Result(args []Type) Type {
	if b.result == nil {
		return TUnknown
	}
	return b.result(args)
}

// arityText describes the accepted number of arguments for messages.
func arityText(min, max int) string {
	switch {
	case max == min:
		return plural(min, "argument")
	case max < 0:
		return "at least " + plural(min, "argument")
	default:
		return strconv.Itoa(min) + " to " + plural(max, "argument")
	}
}

// FunctionInfo describes one function of the catalogue.
type FunctionInfo struct {
	Name     string
	Min, Max int // arity; Max < 0: no upper bound
	Agg      bool
	Window   bool
}

// Functions lists the catalogue of built-in functions, sorted by name.
func Functions() []FunctionInfo {
	names := builtinNames()
	sort.Strings(names)
	out := make([]FunctionInfo, 0, len(names))
	for _, n := range names {
		b, _ := lookupBuiltin(n)
		out = append(out, FunctionInfo{Name: b.Name, Min: b.Min, Max: b.Max, Agg: b.Agg, Window: b.Window})
	}
	return out
}

// UnsupportedFunctions lists the functions kqlhunt refuses on purpose
// (see UnsupportedFunction).
func UnsupportedFunctions() []string {
	var out []string
	for n := range unsupportedFuncs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ArityMessage is the message for a call of function name with got
// arguments where it takes min to max (max < 0: no upper bound); check
// and query both report it.
func ArityMessage(name string, min, max, got int) string {
	if max == 0 && min == 0 {
		return fmt.Sprintf("function %q takes no arguments, got %d", name, got)
	}
	return fmt.Sprintf("function %q expects %s, got %d", name, arityText(min, max), got)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// lookupBuiltin finds a built-in function by name (KQL function names are
// case sensitive).
func lookupBuiltin(name string) (*builtin, bool) {
	b, ok := builtins[name]
	return b, ok
}

// builtinNames lists the catalog's names, for did-you-mean.
func builtinNames() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	return names
}

// The catalog, one function a line: name, minimum and maximum arity (-1:
// any), and the result rule:
//
//	s l i r m b d t g y   string long int real decimal bool datetime timespan guid dynamic
//	u                     unknown (depends on data)
//	aN                    the type of argument N (0-based)
//	num                   numeric promotion over all arguments (int < long < decimal < real)
//	sum                   the type sum() gives: int → long, otherwise the argument's
//	iff                   the common type of arguments 1 and 2
//	case                  the common type of the value arguments of case()
//	common                the common type of all arguments (coalesce, max_of)
//	avg                   real, or timespan/datetime for those arguments
//
// Aggregates carry a fifth field: the automatic-name prefix, optionally with
// a naming rule after a colon (countif:countif, take_any:keep,
// arg_max:argmax, percentile:pct, percentile:pctw).
const scalarCatalog = `
abs 1 1 a0
acos 1 1 r
ago 1 1 d
array_concat 1 64 y
array_iff 3 3 y
array_iif 3 3 y
array_index_of 2 5 l
array_length 1 1 l
array_reverse 1 1 y
array_rotate_left 2 2 y
array_rotate_right 2 2 y
array_shift_left 2 3 y
array_shift_right 2 3 y
array_slice 3 3 y
array_sort_asc 1 64 y
array_sort_desc 1 64 y
array_split 2 2 y
array_sum 1 1 r
asin 1 1 r
assert 2 2 b
atan 1 1 r
atan2 2 2 r
bag_has_key 2 2 b
bag_keys 1 1 y
bag_merge 1 64 y
bag_pack 0 128 y
bag_pack_columns 1 128 y
bag_remove_keys 2 2 y
bag_set_key 3 3 y
base64_decode_toarray 1 1 y
base64_decode_toguid 1 1 g
base64_decode_tostring 1 1 s
base64_decodestring 1 1 s
base64_encode_fromarray 1 1 s
base64_encode_fromguid 1 1 s
base64_encode_tostring 1 1 s
base64_encodestring 1 1 s
beta_cdf 3 3 r
bin 2 2 a0
bin_at 3 3 a0
bin_auto 1 1 a0
binary_and 2 2 l
binary_not 1 1 l
binary_or 2 2 l
binary_shift_left 2 2 l
binary_shift_right 2 2 l
binary_xor 2 2 l
bitset_count_ones 1 1 l
bool 1 1 b
boolean 1 1 b
case 3 -1 case
ceiling 1 1 r
coalesce 1 64 common
column_ifexists 2 2 a1
convert_angle 3 3 r
convert_energy 3 3 r
convert_force 3 3 r
convert_length 3 3 r
convert_mass 3 3 r
convert_speed 3 3 r
convert_temperature 3 3 r
convert_volume 3 3 r
cos 1 1 r
cot 1 1 r
countof 2 3 l
current_cluster_endpoint 0 0 s
current_database 0 0 s
current_principal 0 0 s
current_principal_details 0 0 y
current_principal_is_member_of 1 -1 b
cursor_after 1 1 b
cursor_before_or_at 1 1 b
cursor_current 0 0 s
datetime 1 1 d
datetime_add 3 3 d
datetime_diff 3 3 l
datetime_list_timezones 0 0 y
datetime_local_to_utc 2 2 d
datetime_part 2 2 i
datetime_utc_to_local 2 2 d
datepart 2 2 i
dayofmonth 1 1 i
dayofweek 1 1 t
dayofyear 1 1 i
dcount_hll 1 1 l
degrees 1 1 r
double 1 1 r
dynamic 1 1 y
dynamic_to_json 1 1 s
endofday 1 2 d
endofmonth 1 2 d
endofweek 1 2 d
endofyear 1 2 d
estimate_data_size 1 -1 l
exp 1 1 r
exp10 1 1 r
exp2 1 1 r
extent_id 0 0 g
extent_tags 0 0 y
extract 3 4 extract
extract_all 2 3 y
extract_json 2 3 extract
extractall 2 3 y
extractjson 2 3 extract
floor 2 2 a0
format_bytes 1 3 s
format_datetime 2 2 s
format_ipv4 1 2 s
format_ipv4_mask 1 2 s
format_timespan 2 2 s
gamma 1 1 r
geo_distance_2points 4 4 r
geo_geohash_to_central_point 1 1 y
geo_info_from_ip_address 1 1 y
geo_point_in_circle 5 5 b
geo_point_in_polygon 3 3 b
geo_point_to_geohash 2 3 s
geo_point_to_h3cell 2 3 s
geo_point_to_s2cell 2 3 s
getmonth 1 1 i
gettype 1 1 s
getyear 1 1 i
guid 1 1 g
has_any_index 2 2 l
has_any_ipv4 2 64 b
has_any_ipv4_prefix 2 64 b
has_ipv4 2 2 b
has_ipv4_prefix 2 2 b
hash 1 2 l
hash_combine 2 -1 l
hash_many 1 -1 l
hash_md5 1 1 s
hash_sha1 1 1 s
hash_sha256 1 1 s
hash_xxhash64 1 2 l
hourofday 1 1 i
iff 3 3 iff
iif 3 3 iff
indexof 2 5 l
indexof_regex 2 5 l
ingestion_time 0 0 d
int 1 1 i
ipv4_compare 2 3 i
ipv4_is_in_any_range 2 64 b
ipv4_is_in_range 2 2 b
ipv4_is_match 2 3 b
ipv4_is_private 1 1 b
ipv4_netmask_suffix 1 1 i
ipv4_range_to_cidr_list 2 2 y
ipv6_compare 2 3 i
ipv6_is_in_any_range 2 -1 b
ipv6_is_in_range 2 2 b
ipv6_is_match 2 3 b
isascii 1 1 b
isempty 1 1 b
isfinite 1 1 b
isinf 1 1 b
isnan 1 1 b
isnotempty 1 1 b
isnotnull 1 1 b
isnull 1 1 b
isutf8 1 1 b
jaccard_index 2 2 r
log 1 1 r
log10 1 1 r
log2 1 1 r
loggamma 1 1 r
long 1 1 l
make_datetime 1 7 d
make_string 1 64 s
make_timespan 1 5 t
max_of 1 64 common
min_of 1 64 common
monthofyear 1 1 i
new_guid 0 0 g
not 1 1 b
notempty 1 1 b
notnull 1 1 b
now 0 1 d
pack 0 128 y
pack_all 0 1 y
pack_array 0 -1 y
pack_dictionary 0 128 y
parse_command_line 2 2 y
parse_csv 1 1 y
parse_ipv4 1 1 l
parse_ipv4_mask 2 2 l
parse_ipv6 1 1 s
parse_ipv6_mask 2 2 s
parse_json 1 1 y
parse_path 1 1 y
parse_url 1 1 y
parse_urlquery 1 1 y
parse_user_agent 2 2 y
parse_version 1 1 s
parse_xml 1 1 y
parsejson 1 1 y
percentile_array_tdigest 2 -1 y
percentile_tdigest 2 3 u
percentrank_tdigest 2 2 r
pi 0 0 r
pow 2 2 r
punycode_from_string 1 1 s
punycode_to_string 1 1 s
radians 1 1 r
rand 0 1 r
range 2 3 y
rank_tdigest 2 2 l
real 1 1 r
regex_quote 1 1 s
repeat 2 2 y
replace 3 3 s
replace_regex 3 3 s
replace_string 3 3 s
replace_strings 3 3 s
reverse 1 1 s
round 1 2 a0
series_abs 1 1 y
series_add 2 2 y
series_acos 1 1 y
series_asin 1 1 y
series_atan 1 1 y
series_ceiling 1 1 y
series_cos 1 1 y
series_floor 1 1 y
series_sin 1 1 y
series_tan 1 1 y
series_decompose 1 5 y
series_decompose_anomalies 1 7 y
series_decompose_forecast 2 5 y
series_divide 2 2 y
series_dot_product 2 2 r
series_equals 2 2 y
series_exp 1 1 y
series_fft 1 2 y
series_fill_backward 1 2 y
series_fill_const 2 3 y
series_fill_forward 1 2 y
series_fill_linear 1 4 y
series_fir 2 4 y
series_fit_2lines 1 1 r
series_fit_2lines_dynamic 1 1 y
series_fit_line 1 1 r
series_fit_line_dynamic 1 1 y
series_fit_poly 1 4 y
series_greater 2 2 y
series_greater_equals 2 2 y
series_iir 3 3 y
series_less 2 2 y
series_less_equals 2 2 y
series_log 1 1 y
series_magnitude 1 1 r
series_multiply 2 2 y
series_not_equals 2 2 y
series_outliers 1 5 y
series_pearson_correlation 2 2 r
series_periods_detect 4 4 y
series_periods_validate 2 -1 y
series_seasonal 1 2 y
series_sign 1 1 y
series_stats 1 2 r
series_stats_dynamic 1 2 y
series_subtract 2 2 y
series_sum 1 1 r
set_difference 2 64 y
set_has_element 2 2 b
set_intersect 2 64 y
set_union 2 64 y
sign 1 1 r
sin 1 1 r
split 2 3 y
sqrt 1 1 r
startofday 1 2 d
startofmonth 1 2 d
startofweek 1 2 d
startofyear 1 2 d
strcat 1 64 s
strcat_array 2 2 s
strcat_delim 3 64 s
strcmp 2 2 i
string 1 1 s
string_size 1 1 l
strlen 1 1 l
strrep 2 3 s
substring 2 3 s
tan 1 1 r
time 1 1 t
timespan 1 1 t
to_utf8 1 1 y
toascii 1 1 s
tobool 1 1 b
toboolean 1 1 b
todatetime 1 1 d
todecimal 1 1 m
todouble 1 1 r
todynamic 1 1 y
toguid 1 1 g
tohex 1 2 s
toint 1 1 i
tolong 1 1 l
tolower 1 1 s
toobject 1 1 y
toreal 1 1 r
toscalar 1 1 u
tostring 1 1 s
totime 1 1 t
totimespan 1 1 t
toupper 1 1 s
translate 3 3 s
treepath 1 1 y
trim 2 2 s
trim_end 2 2 s
trim_start 2 2 s
unicode_codepoints_from_string 1 1 y
unicode_codepoints_to_string 1 64 s
unixtime_microseconds_todatetime 1 1 d
unixtime_milliseconds_todatetime 1 1 d
unixtime_nanoseconds_todatetime 1 1 d
unixtime_seconds_todatetime 1 1 d
url_decode 1 1 s
url_encode 1 1 s
url_encode_component 1 1 s
week_of_year 1 1 i
weekofyear 1 1 i
welch_test 6 7 y
zip 2 16 y
zlib_compress_to_base64_string 1 1 s
zlib_decompress_from_base64_string 1 1 s
`

// windowCatalog: functions over a serialized row set.
const windowCatalog = `
next 1 3 a0
prev 1 3 a0
row_cumsum 1 2 sum
row_number 0 2 l
row_rank_dense 1 2 l
row_rank_min 1 2 l
row_window_session 4 5 d
`

const aggCatalog = `
any 1 -1 a0 any
anyif 2 2 a0 anyif
arg_max 1 -1 a0 arg_max:argmax
arg_min 1 -1 a0 arg_min:argmax
argmax 1 -1 a0 argmax:argmax
argmin 1 -1 a0 argmin:argmax
avg 1 1 avg avg
avgif 2 2 avg avgif
binary_all_and 1 1 l binary_all_and
binary_all_or 1 1 l binary_all_or
binary_all_xor 1 1 l binary_all_xor
buildschema 1 1 y schema
count 0 1 l count
count_distinct 1 1 l count_distinct
count_distinctif 2 2 l count_distinctif
countif 1 1 l countif:countif
dcount 1 2 l dcount
dcountif 2 3 l dcountif
hll 1 2 y hll
hll_if 2 3 y hll_if
hll_merge 1 -1 y hll_merge
make_bag 1 2 y bag
make_bag_if 2 3 y bag
make_list 1 2 y list
make_list_if 2 3 y list
makelist_if 2 3 y list
make_list_with_nulls 1 2 y list
make_set 1 2 y set
make_set_if 2 3 y set
makelist 1 2 y list
makeset 1 2 y set
max 1 1 a0 max
maxif 2 2 a0 maxif
min 1 1 a0 min
minif 2 2 a0 minif
percentile 2 2 a0 percentile:pct
percentiles 2 -1 a0 percentile:pct
percentiles_array 2 64 y percentiles
percentilew 3 3 a0 percentile:pctw
percentilesw 3 -1 a0 percentile:pctw
percentilesw_array 3 64 y percentiles
stdev 1 1 r stdev
stdevif 2 2 r stdevif
stdevp 1 1 r stdevp
sum 1 1 sum sum
sumif 2 2 sum sumif
take_any 1 -1 a0 take_any:keep
take_anyif 2 2 a0 take_anyif:keep
tdigest 1 2 y tdigest
tdigest_merge 1 -1 y tdigest_merge
variance 1 1 r variance
varianceif 2 2 r varianceif
variancep 1 1 r variancep
`

var builtins = buildCatalog()

func buildCatalog() map[string]*builtin {
	m := make(map[string]*builtin, 400)
	add := func(text string, agg, window bool) {
		for _, line := range strings.Split(text, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			minA, err1 := strconv.Atoi(f[1])
			maxA, err2 := strconv.Atoi(f[2])
			if err1 != nil || err2 != nil || len(f) < 4 {
				panic("kql: bad builtin catalog line: " + line)
			}
			b := &builtin{Name: f[0], Min: minA, Max: maxA, Agg: agg, Window: window, result: resultRule(f[3])}
			if agg {
				prefix, rule, _ := strings.Cut(f[4], ":")
				b.prefix = prefix
				switch rule {
				case "":
					b.naming = nameFromArg
				case "countif":
					b.naming = nameCountif
				case "keep":
					b.naming = nameKeep
				case "argmax":
					b.naming = nameArgMax
				case "pct":
					b.naming = namePercentile
				case "pctw":
					b.naming = namePercentileW
				default:
					panic("kql: bad naming rule: " + line)
				}
			}
			m[b.Name] = b
		}
	}
	add(scalarCatalog, false, false)
	add(windowCatalog, false, true)
	add(aggCatalog, true, false)
	return m
}

func resultRule(code string) func([]Type) Type {
	fixed := map[string]Type{
		"s": TString, "l": TLong, "i": TInt, "r": TReal, "m": TDecimal, "b": TBool,
		"d": TDatetime, "t": TTimespan, "g": TGuid, "y": TDynamic,
	}
	if t, ok := fixed[code]; ok {
		return func([]Type) Type { return t }
	}
	switch code {
	case "u":
		return nil
	case "num":
		return func(a []Type) Type { return promoteNumeric(a...) }
	case "common":
		return func(a []Type) Type { return commonType(a...) }
	case "sum":
		return func(a []Type) Type {
			if len(a) == 0 {
				return TUnknown
			}
			if a[0] == TInt || a[0] == TBool {
				return TLong
			}
			return a[0]
		}
	case "avg":
		return func(a []Type) Type {
			if len(a) > 0 && (a[0] == TTimespan || a[0] == TDatetime) {
				return a[0]
			}
			return TReal
		}
	case "iff":
		return func(a []Type) Type {
			if len(a) < 3 {
				return TUnknown
			}
			return commonNonDynamic(a[1], a[2])
		}
	case "case":
		return func(a []Type) Type {
			var vals []Type
			for i := 1; i < len(a); i += 2 {
				vals = append(vals, a[i])
			}
			if len(a)%2 == 1 {
				vals = append(vals, a[len(a)-1])
			}
			return commonNonDynamic(vals...)
		}
	case "extract":
		// The typeof(T) argument, when given, is handled by the checker;
		// otherwise the result is a string.
		return func([]Type) Type { return TString }
	}
	if strings.HasPrefix(code, "a") {
		n, err := strconv.Atoi(code[1:])
		if err == nil {
			return func(a []Type) Type {
				if n < len(a) {
					return a[n]
				}
				return TUnknown
			}
		}
	}
	panic("kql: bad result rule " + code)
}

// numericRank orders the numeric types for promotion.
func numericRank(t Type) int {
	switch t {
	case TBool:
		return 0
	case TInt:
		return 1
	case TLong:
		return 2
	case TDecimal:
		return 3
	case TReal:
		return 4
	}
	return -1
}

func isNumeric(t Type) bool { return numericRank(t) > 0 }

// promoteNumeric is the result type of arithmetic over numbers: int with
// long gives long, anything with real gives real [D:numerical-operators].
func promoteNumeric(ts ...Type) Type {
	best := TUnknown
	for _, t := range ts {
		if !isNumeric(t) {
			return TUnknown
		}
		if best == TUnknown || numericRank(t) > numericRank(best) {
			best = t
		}
	}
	return best
}

// commonType is the type of a value that may come from any of ts (iff,
// case, coalesce): their shared type, the numeric promotion of numbers, or
// unknown when they disagree or any is unknown.
// commonNonDynamic is the result type of iff and case: the common type of
// the non-dynamic values, dynamic only when all are (Kusto.Language's
// ReturnTypeKind.CommonNonDynamic: a dynamic branch converts to the type
// of the others, as parse_url(u).Host beside a string does).
func commonNonDynamic(ts ...Type) Type {
	var rest []Type
	for _, t := range ts {
		if t != TDynamic {
			rest = append(rest, t)
		}
	}
	if len(rest) == 0 {
		return commonType(ts...)
	}
	return commonType(rest...)
}

func commonType(ts ...Type) Type {
	if len(ts) == 0 {
		return TUnknown
	}
	t0 := ts[0]
	same := true
	for _, t := range ts[1:] {
		if t != t0 {
			same = false
		}
	}
	if same {
		return t0
	}
	if p := promoteNumeric(ts...); p != TUnknown {
		return p
	}
	return TUnknown
}
