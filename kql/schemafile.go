package kql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// ParseSchemaFile reads a schema file in one of the formats hunters have:
// kqlhunt's own schema.json ({"tables": {name: {"columns": [...]}}}), the
// NL2KQL format ([{"Database", "Tables": [{"Table", "Columns": [{"Name",
// "Type"}]}]}], .NET type names such as System.String), or Kusto's
// `.show database schema as json` ({"Databases": {db: {"Tables": {name:
// {"OrderedColumns": [{"Name", "CslType"}]}}}}}).
// Columns with names reserved for internal columns (InternalName) are
// refused, as they are in a dataset.
func ParseSchemaFile(data []byte) (*Schema, error) {
	s, err := parseSchemaFile(data)
	if err != nil {
		return nil, err
	}
	for _, name := range s.TableNames() {
		t := s.Tables[name]
		for _, c := range append(append([]Column(nil), t.Columns...), t.SentinelColumns...) {
			if InternalName(c.Name) {
				return nil, fmt.Errorf("table %s, column %q: names starting with $ are reserved for kqlhunt's internal columns", t.Name, c.Name)
			}
		}
	}
	return s, nil
}

func parseSchemaFile(data []byte) (*Schema, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fmt.Errorf("the schema file is empty")
	}
	if data[0] == '[' {
		return parseNL2KQLSchema(data)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON schema: %v", err)
	}
	if _, ok := probe["Databases"]; ok {
		return parseKustoSchema(data)
	}
	if _, ok := probe["tables"]; ok {
		return ParseSchemaJSON(data)
	}
	return nil, fmt.Errorf("unknown schema format: want kqlhunt's schema.json (\"tables\"), the NL2KQL format (a list of databases with \"Tables\"), or Kusto's .show database schema as json (\"Databases\")")
}

// dotNetTypes maps the .NET type names of Kusto schemas to KQL types.
var dotNetTypes = map[string]Type{
	"system.string": TString, "system.datetime": TDatetime, "system.int64": TLong,
	"system.int32": TInt, "system.double": TReal, "system.single": TReal, "system.boolean": TBool,
	"system.sbyte": TBool, "system.object": TDynamic, "system.guid": TGuid,
	"system.timespan": TTimespan, "system.data.sqltypes.sqldecimal": TDecimal, "system.decimal": TDecimal,
}

func schemaType(s string) (Type, bool) {
	if t, ok := dotNetTypes[strings.ToLower(s)]; ok {
		return t, true
	}
	return CanonicalType(strings.ToLower(s))
}

func parseNL2KQLSchema(data []byte) (*Schema, error) {
	var raw []struct {
		Tables []struct {
			Table   string
			Columns []struct{ Name, Type string }
		}
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("the NL2KQL schema: %v", err)
	}
	s := &Schema{Tables: map[string]*Table{}, Renamed: map[string][]string{}}
	for _, db := range raw {
		for _, rt := range db.Tables {
			t := &Table{Name: rt.Table}
			for _, c := range rt.Columns {
				typ, ok := schemaType(c.Type)
				if !ok {
					return nil, fmt.Errorf("the NL2KQL schema: table %s column %s: unknown type %q", rt.Table, c.Name, c.Type)
				}
				t.Columns = append(t.Columns, Column{c.Name, typ})
			}
			s.Tables[t.Name] = t
		}
	}
	if len(s.Tables) == 0 {
		return nil, fmt.Errorf("the NL2KQL schema: no tables")
	}
	return s, nil
}

func parseKustoSchema(data []byte) (*Schema, error) {
	var raw struct {
		Databases map[string]struct {
			Tables map[string]struct {
				OrderedColumns []struct{ Name, Type, CslType string }
			}
		}
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("the Kusto schema: %v", err)
	}
	s := &Schema{Tables: map[string]*Table{}, Renamed: map[string][]string{}}
	for _, db := range raw.Databases {
		for name, rt := range db.Tables {
			t := &Table{Name: name}
			for _, c := range rt.OrderedColumns {
				ts := c.CslType
				if ts == "" {
					ts = c.Type
				}
				typ, ok := schemaType(ts)
				if !ok {
					return nil, fmt.Errorf("the Kusto schema: table %s column %s: unknown type %q", name, c.Name, ts)
				}
				t.Columns = append(t.Columns, Column{c.Name, typ})
			}
			s.Tables[name] = t
		}
	}
	if len(s.Tables) == 0 {
		return nil, fmt.Errorf("the Kusto schema: no tables")
	}
	return s, nil
}
