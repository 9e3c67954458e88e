package kql

import "fmt"

// unsupportedFuncs are Kusto functions that kqlhunt knows but cannot run,
// with the reason. Check refuses them and the engine refuses them with the
// same message (UnsupportedFunction), instead of one passing what the
// other calls unknown.
var unsupportedFuncs = map[string]string{
	"geo_info_from_ip_address": "it needs a GeoIP database, which kqlhunt does not ship",
}

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
