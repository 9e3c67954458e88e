package kql

import "fmt"

// unsupportedFuncs are Kusto functions that kqlhunt knows but cannot run,
// with the reason. Check refuses them and the engine refuses them with the
// same message (UnsupportedFunction), instead of one passing what the
// other calls unknown.
var unsupportedFuncs = func() map[string]string {
	m := map[string]string{
		"geo_info_from_ip_address": "it needs a GeoIP database, which kqlhunt does not ship",
		"bin_auto":                 "it needs the query_bin_auto_size option, which kqlhunt does not have; use bin()",
		"row_window_session":       "session windows are not implemented",
		"parse_user_agent":         "it needs a user-agent database, which kqlhunt does not ship",
		"parse_xml":                "XML parsing is not implemented",
		"parse_version":            "version parsing is not implemented",
		"regex_quote":              "it is not implemented; escape the characters by hand",
		"toascii":                  "it is not implemented",
		"to_utf8":                  "it is not implemented",
		"punycode_from_string":     "punycode is not implemented",
		"punycode_to_string":       "punycode is not implemented",
		"buildschema":              "it is not implemented",
		"datetime_list_timezones":  "time zones are not implemented",
		"ipv4_range_to_cidr_list":  "it is not implemented",
		"welch_test":               "it is not implemented",
		"beta_cdf":                 "it is not implemented",
	}
	group := func(why string, names ...string) {
		for _, n := range names {
			m[n] = why
		}
	}
	group("it reads cluster metadata that a local dataset does not have",
		"current_cluster_endpoint", "current_database", "current_principal", "current_principal_details",
		"current_principal_is_member_of", "cursor_after", "cursor_before_or_at", "cursor_current",
		"estimate_data_size", "extent_id", "extent_tags")
	group("Kusto's hash values cannot be reproduced (use a string or dcount instead)",
		"hash", "hash_combine", "hash_many", "hash_xxhash64")
	group("HyperLogLog sketches are not implemented; use dcount()", "hll", "hll_if", "hll_merge", "dcount_hll")
	group("t-digest sketches are not implemented; use percentile()",
		"tdigest", "tdigest_merge", "percentile_tdigest", "percentile_array_tdigest", "percentrank_tdigest", "rank_tdigest")
	group("geospatial functions are not implemented",
		"geo_distance_2points", "geo_geohash_to_central_point", "geo_point_in_circle", "geo_point_in_polygon",
		"geo_point_to_geohash", "geo_point_to_h3cell", "geo_point_to_s2cell")
	group("IPv6 functions are not implemented", "ipv6_compare", "ipv6_is_in_any_range", "ipv6_is_in_range", "ipv6_is_match")
	group("unit conversions are not implemented",
		"convert_angle", "convert_energy", "convert_force", "convert_length", "convert_mass", "convert_speed",
		"convert_temperature", "convert_volume")
	group("it is not implemented",
		"series_fft", "series_fit_2lines", "series_fit_2lines_dynamic", "series_fit_poly", "series_periods_detect",
		"series_periods_validate", "series_seasonal")
	group("zlib compression is not implemented", "zlib_compress_to_base64_string", "zlib_decompress_from_base64_string")
	group("it is not implemented", "base64_decode_toguid", "base64_encode_fromarray", "base64_encode_fromguid")
	return m
}()

// WindowInScanMessage is the error for a window function such as prev()
// inside a scan step, which Kusto refuses (r1-window-series-scan-0017,
// r3-window-series-scan-0012): a step reads the previous state as
// step.Column instead.
func WindowInScanMessage(name string) string {
	return name + "() cannot be used inside scan: read the previous state as step.Column"
}

// RepeatDynamicMessage is the error for repeat() of a dynamic value.
const RepeatDynamicMessage = "repeat() takes a scalar value (bool, number, string, datetime or timespan), not a dynamic one"

// UnsupportedFunction returns the error for a call of a function that
// kqlhunt does not support, or nil.
func UnsupportedFunction(call *CallExpr) *Error {
	if call == nil || call.Func == nil {
		return nil
	}
	why, ok := unsupportedFuncs[call.Func.Name]
	if !ok {
		return nil
	}
	return &Error{Span: call.Func.Sp, Msg: fmt.Sprintf("function %q is not supported: %s", call.Func.Name, why)}
}
