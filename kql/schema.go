package kql

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Type is a KQL scalar type name in canonical form: "bool", "int", "long",
// "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic".
// The empty Type means unknown (not yet inferred, or not inferable).
type Type string

// The scalar types.
const (
	TUnknown  Type = ""
	TBool     Type = "bool"
	TInt      Type = "int"
	TLong     Type = "long"
	TReal     Type = "real"
	TDecimal  Type = "decimal"
	TString   Type = "string"
	TDatetime Type = "datetime"
	TTimespan Type = "timespan"
	TGuid     Type = "guid"
	TDynamic  Type = "dynamic"
)

// typeAliases maps every spelling KQL accepts for a scalar type to its
// canonical name [D:scalar-data-types].
var typeAliases = map[string]Type{
	"bool": TBool, "boolean": TBool,
	"int": TInt, "int32": TInt,
	"long": TLong, "int64": TLong,
	"real": TReal, "double": TReal,
	"decimal":  TDecimal,
	"string":   TString,
	"datetime": TDatetime, "date": TDatetime,
	"timespan": TTimespan, "time": TTimespan,
	"guid": TGuid, "uniqueid": TGuid,
	"dynamic": TDynamic,
}

// CanonicalType returns the canonical name of a KQL type spelling (case
// sensitive, as KQL is), and false when s names no scalar type.
func CanonicalType(s string) (Type, bool) {
	t, ok := typeAliases[s]
	return t, ok
}

// Column is a named, typed column of a tabular result.
type Column struct {
	Name string
	Type Type
}

// Table is a named table and its columns in order.
type Table struct {
	Name        string
	Description string
	Columns     []Column
	// SentinelColumns are the columns the same table carries in Microsoft
	// Sentinel / Log Analytics (TimeGenerated, TenantId, Type, ...) that
	// advanced hunting does not have. Check accepts them.
	SentinelColumns []Column
	// SentinelTypes maps columns whose type in the Sentinel flavour of the
	// table differs from the advanced-hunting type to that type
	// (schema.json's la_type). See SentinelDynamic for how queries see
	// the ones that are dynamic there.
	SentinelTypes map[string]Type
	// Empty is set by a dataset loader for a table it knows has no rows
	// (a schema table the dataset leaves empty). search and find over all
	// tables (or a wildcard) skip it, as a Log Analytics workspace has no
	// table a source never wrote to.
	Empty bool
}

// Column returns the column named name, looking at the advanced-hunting
// columns first and then the Sentinel ones.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	for _, c := range t.SentinelColumns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Schema is a set of tables by name.
type Schema struct {
	Tables map[string]*Table
	// Renamed maps table names that published queries still use to the
	// names that replaced them (DeviceAlertEvents → AlertInfo, ...).
	Renamed map[string][]string
}

// Table returns the table named name.
func (s *Schema) Table(name string) (*Table, bool) {
	if s == nil {
		return nil, false
	}
	t, ok := s.Tables[name]
	return t, ok
}

// TableNames returns the table names in sorted order.
func (s *Schema) TableNames() []string {
	if s == nil {
		return nil
	}
	names := make([]string, 0, len(s.Tables))
	for n := range s.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

//go:embed schema.json
var advancedHuntingJSON []byte

// logAnalyticsJSON holds the Log Analytics (Microsoft Sentinel) tables
// hunters query (SecurityEvent, SigninLogs, AuditLogs, ...), in the format
// of schema.json; its "sources" say where the columns come from (part of
// it is from the NL2KQL project, MIT: see LICENSE-NL2KQL beside it).
//
//go:embed loganalytics.json
var logAnalyticsJSON []byte

// AdvancedHunting returns the schema hunts are written against: the
// Microsoft Defender XDR advanced-hunting tables embedded from the
// project's schema.json (64 tables, with SecurityIncident and
// SecurityAlert) and the Log Analytics tables of Microsoft Sentinel
// (LogAnalyticsTables). Columns the Sentinel table of a Defender table's
// name has beyond the Defender ones (IdentityInfo's AccountUPN, ...) are
// its SentinelColumns. Each call returns a fresh copy the caller may
// change.
func AdvancedHunting() *Schema {
	s, err := ParseSchemaJSON(advancedHuntingJSON)
	if err != nil {
		panic("kql: embedded schema.json: " + err.Error())
	}
	la := logAnalytics()
	for name, t := range la.Tables {
		at, ok := s.Tables[name]
		if !ok {
			s.Tables[name] = t
			continue
		}
		for _, c := range t.Columns {
			if _, ok := at.Column(c.Name); !ok && !strings.HasPrefix(c.Name, "_") {
				at.SentinelColumns = append(at.SentinelColumns, c)
			}
		}
	}
	return s
}

// logAnalytics parses the embedded Log Analytics tables.
func logAnalytics() *Schema {
	s, err := ParseSchemaJSON(logAnalyticsJSON)
	if err != nil {
		panic("kql: embedded loganalytics.json: " + err.Error())
	}
	return s
}

// LogAnalyticsTables returns the names of the Log Analytics (Microsoft
// Sentinel) tables of AdvancedHunting's schema, sorted; IdentityInfo is
// both a Defender and a Sentinel table.
func LogAnalyticsTables() []string {
	return logAnalytics().TableNames()
}

// Columns Sentinel adds to Defender tables when the table's entry in
// schema.json does not list them.
var sentinelDefaults = []Column{
	{"TimeGenerated", TDatetime}, {"TenantId", TString}, {"Type", TString}, {"SourceSystem", TString},
}

// ParseSchemaJSON reads a schema in the format of the project's schema.json.
func ParseSchemaJSON(data []byte) (*Schema, error) {
	var raw struct {
		Tables map[string]struct {
			Description string `json:"description"`
			Columns     []struct {
				Name   string `json:"name"`
				Type   string `json:"type"`
				LAType string `json:"la_type"`
			} `json:"columns"`
			LAOnly []string `json:"la_only_columns"`
		} `json:"tables"`
		Renamed struct {
			Documented map[string]struct {
				Now []string `json:"now"`
			} `json:"documented"`
			Legacy map[string]json.RawMessage `json:"legacy_mdatp"`
		} `json:"renamed_tables"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	s := &Schema{Tables: make(map[string]*Table, len(raw.Tables)), Renamed: map[string][]string{}}
	for name, rt := range raw.Tables {
		t := &Table{Name: name, Description: rt.Description}
		for _, c := range rt.Columns {
			typ, ok := CanonicalType(c.Type)
			if !ok {
				return nil, fmt.Errorf("table %s column %s: unknown type %q", name, c.Name, c.Type)
			}
			t.Columns = append(t.Columns, Column{c.Name, typ})
			if c.LAType != "" {
				la, ok := CanonicalType(c.LAType)
				if !ok {
					return nil, fmt.Errorf("table %s column %s: unknown la_type %q", name, c.Name, c.LAType)
				}
				if la != typ {
					if t.SentinelTypes == nil {
						t.SentinelTypes = map[string]Type{}
					}
					t.SentinelTypes[c.Name] = la
				}
			}
		}
		for _, d := range sentinelDefaults {
			if _, ok := t.Column(d.Name); !ok {
				t.SentinelColumns = append(t.SentinelColumns, d)
			}
		}
		// Columns of the Sentinel table of the same name beyond LAOnly
		// (UEBA IdentityInfo's AccountUPN, ...), as the checker knows them.
		for _, d := range sentinelTableColumns[name] {
			if _, ok := t.Column(d.Name); !ok {
				t.SentinelColumns = append(t.SentinelColumns, d)
			}
		}
		for _, n := range rt.LAOnly {
			if _, ok := t.Column(n); !ok {
				// Sentinel-only columns not otherwise known are strings
				// (MachineGroup, ISP, AzureResourceId, ...).
				t.SentinelColumns = append(t.SentinelColumns, Column{n, TString})
			}
		}
		s.Tables[name] = t
	}
	for old, d := range raw.Renamed.Documented {
		s.Renamed[old] = d.Now
	}
	for old, msg := range raw.Renamed.Legacy {
		if strings.HasPrefix(old, "_") {
			continue
		}
		var now string
		if json.Unmarshal(msg, &now) == nil && now != "" {
			s.Renamed[old] = []string{now}
		}
	}
	return s, nil
}
