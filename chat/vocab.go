package chat

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/translate"
)

// maxVocab bounds each list of names read from the dataset.
const maxVocab = 5000

// LoadVocabulary reads the device, account and file names of the engine's
// dataset, for the translator to ground a prompt's names in. Tables the
// dataset lacks are skipped.
func LoadVocabulary(ctx context.Context, eng *exec.Engine) (*translate.Vocabulary, error) {
	s := eng.Schema()
	has := func(table string, cols ...string) bool {
		t, ok := s.Table(table)
		if !ok {
			return false
		}
		for _, c := range cols {
			if _, ok := t.Column(c); !ok {
				return false
			}
		}
		return true
	}
	union := func(col string, tables ...string) string {
		var ts []string
		for _, t := range tables {
			if has(t, col) {
				ts = append(ts, t)
			}
		}
		if len(ts) == 0 {
			return ""
		}
		return fmt.Sprintf("union %s | where isnotempty(%s) | distinct %s | take %d", strings.Join(ts, ", "), col, col, maxVocab)
	}
	v := &translate.Vocabulary{}
	for _, q := range []struct {
		src string
		dst *[]string
	}{
		{union("DeviceName", "DeviceInfo", "DeviceProcessEvents", "DeviceNetworkEvents", "DeviceLogonEvents", "AlertEvidence"), &v.Devices},
		{union("AccountName", "IdentityInfo", "DeviceLogonEvents", "DeviceProcessEvents", "AlertEvidence", "IdentityQueryEvents"), &v.Accounts},
		{union("AccountUpn", "IdentityInfo", "AADSignInEventsBeta", "AlertEvidence"), &v.UPNs},
		{union("FileName", "DeviceProcessEvents", "DeviceFileEvents"), &v.Files},
	} {
		if q.src == "" {
			continue
		}
		res, err := eng.Query(ctx, q.src)
		if err != nil {
			return nil, fmt.Errorf("reading the dataset's names: %w", err)
		}
		for _, row := range res.Rows {
			if s, ok := row[0].(string); ok && s != "" {
				*q.dst = append(*q.dst, s)
			}
		}
	}
	// The categorical columns' values, where there are few of them.
	v.Values = map[string]map[string][]string{}
	grounded := translate.GroundedColumns()
	tables := make([]string, 0, len(grounded))
	for t := range grounded {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, table := range tables {
		t, ok := s.Table(table)
		if !ok {
			continue
		}
		for _, col := range grounded[table] {
			if c, ok := t.Column(col); !ok || c.Type != kql.TString {
				continue
			}
			res, err := eng.Query(ctx, fmt.Sprintf("%s | where isnotempty(%s) | summarize by %s | take %d", table, col, col, maxValues+1))
			if err != nil {
				return nil, fmt.Errorf("reading the dataset's values: %w", err)
			}
			if len(res.Rows) > maxValues {
				continue
			}
			vals := make([]string, 0, len(res.Rows))
			for _, row := range res.Rows {
				if s, ok := row[0].(string); ok {
					vals = append(vals, s)
				}
			}
			slices.Sort(vals)
			if v.Values[table] == nil {
				v.Values[table] = map[string][]string{}
			}
			v.Values[table][col] = vals
		}
	}
	return v, nil
}

// maxValues is the most distinct values a column may have for its values
// to be matched against prompts.
const maxValues = 50
