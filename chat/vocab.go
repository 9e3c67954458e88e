package chat

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
//
// With every set (a user's dataset), names and the values of low-
// cardinality columns are read from every table; otherwise (the sample,
// whose tables the lexicon knows) from the tables the subjects use, so
// that the sample's many empty tables are never loaded for it.
func LoadVocabulary(ctx context.Context, eng *exec.Engine, every bool) (*translate.Vocabulary, error) {
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
	// Names of things, from the columns that hold them in Defender and
	// Sentinel tables alike.
	grounded := translate.GroundedColumns()
	tableNames := s.TableNames()
	if !every {
		tableNames = nil
		for t := range grounded {
			tableNames = append(tableNames, t)
		}
		for _, t := range []string{"DeviceInfo", "DeviceProcessEvents", "DeviceNetworkEvents", "DeviceLogonEvents", "AlertEvidence", "IdentityInfo", "IdentityQueryEvents", "AADSignInEventsBeta"} {
			if !slices.Contains(tableNames, t) {
				tableNames = append(tableNames, t)
			}
		}
		slices.Sort(tableNames)
	}
	unionAny := func(cols ...string) string {
		var parts []string
		for _, name := range tableNames {
			if _, ok := s.Table(name); !ok {
				continue
			}
			t, _ := s.Table(name)
			for _, col := range cols {
				if c, ok := t.Column(col); ok && c.Type == kql.TString {
					parts = append(parts, fmt.Sprintf("(%s | where isnotempty(%s) | distinct V = %s)", quoteName(name), quoteName(col), quoteName(col)))
				}
			}
		}
		if len(parts) == 0 {
			return ""
		}
		return fmt.Sprintf("union %s | distinct V | take %d", strings.Join(parts, ", "), maxVocab)
	}
	v := &translate.Vocabulary{}
	for _, q := range []struct {
		src string
		dst *[]string
	}{
		{unionAny("DeviceName", "Computer", "HostName"), &v.Devices},
		{unionAny("AccountName", "TargetUserName", "SubjectUserName", "Account", "UserName"), &v.Accounts},
		{unionAny("AccountUpn", "UserPrincipalName"), &v.UPNs},
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
		if q.dst == &v.Accounts {
			// DOMAIN\\name: the name alone is how a hunter says it.
			for _, a := range v.Accounts {
				if _, name, ok := strings.Cut(a, `\`); ok && name != "" && !slices.Contains(v.Accounts, name) {
					v.Accounts = append(v.Accounts, name)
				}
			}
		}
		slices.Sort(*q.dst) // distinct has no order; the vocabulary does
	}
	// The categorical columns' values, where there are few of them: in
	// the grounded columns of the subjects, and in every string column of
	// every table (read from its first rows, so that a large table costs
	// little).
	v.Values = map[string]map[string][]string{}
	for _, table := range tableNames {
		t, ok := s.Table(table)
		if !ok {
			continue
		}
		all := append(slices.Clone(t.Columns), t.SentinelColumns...)
		empty := map[string]bool{}
		if every {
			// Which columns the rows fill: one cheap pass over the first rows.
			aggs := make([]string, len(all))
			for i, c := range all {
				test := "isnotnull"
				if c.Type == kql.TString {
					test = "isnotempty"
				}
				aggs[i] = fmt.Sprintf("%s = countif(%s(%s))", quoteName(fmt.Sprintf("c%d", i)), test, quoteName(c.Name))
			}
			res, err := eng.Query(ctx, fmt.Sprintf("%s | take %d | summarize %s", quoteName(table), sampleRows, strings.Join(aggs, ", ")))
			if err != nil || len(res.Rows) != 1 {
				continue
			}
			n := 0
			for i, c := range all {
				if k, ok := res.Rows[0][i].(int64); ok && k == 0 {
					empty[c.Name] = true
				} else {
					n++
				}
			}
			if n == 0 {
				continue // a table without rows says nothing
			}
			if v.Empty == nil {
				v.Empty = map[string][]string{}
			}
			for _, c := range all {
				if empty[c.Name] {
					v.Empty[table] = append(v.Empty[table], c.Name)
				}
			}
		}
		var cols []string
		for _, c := range all {
			if c.Type == kql.TString && !strings.HasPrefix(c.Name, "_") && !empty[c.Name] && (every || slices.Contains(grounded[table], c.Name)) {
				cols = append(cols, c.Name)
			}
		}
		if len(cols) == 0 {
			continue
		}
		for _, c := range cols {
			// DuckDB's distinct is fast; make_set over thousands of rows
			// is not (see issue 15), so one small query per column.
			res, err := eng.Query(ctx, fmt.Sprintf("%s | take %d | where isnotempty(%s) | summarize by %s | take %d", quoteName(table), sampleRows, quoteName(c), quoteName(c), maxValues+1))
			if err != nil {
				// A table the dataset cannot read (its schema lists a
				// column its files lack): no values from it.
				break
			}
			if len(res.Rows) == 0 || len(res.Rows) > maxValues {
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
			v.Values[table][c] = vals
		}
	}
	return v, nil
}

// sampleRows is how many rows of each table are read for its values.
const sampleRows = 5000

// quoteName quotes a table or column name for KQL.
func quoteName(n string) string {
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(n) + "']"
}

// LoadVocabularyCached is LoadVocabulary kept in dir under key (the
// identity of the dataset: its files' names, sizes and times), so that a
// second run over the same data reads nothing. A damaged or missing cache
// is rebuilt; a cache that cannot be written is not an error.
func LoadVocabularyCached(ctx context.Context, eng *exec.Engine, every bool, dir, key string) (*translate.Vocabulary, error) {
	if dir == "" || key == "" {
		return LoadVocabulary(ctx, eng, every)
	}
	sum := sha256.Sum256([]byte(vocabVersion + "\x00" + key))
	path := filepath.Join(dir, "vocab-"+hex.EncodeToString(sum[:12])+".json")
	if data, err := os.ReadFile(path); err == nil {
		var v translate.Vocabulary
		if json.Unmarshal(data, &v) == nil {
			return &v, nil
		}
	}
	v, err := LoadVocabulary(ctx, eng, every)
	if err != nil {
		return nil, err
	}
	if data, err := json.Marshal(v); err == nil && os.MkdirAll(dir, 0o700) == nil && writeAtomic(path, data) == nil {
		pruneVocabCache(dir, keepVocabs)
	}
	return v, nil
}

// keepVocabs is how many dataset vocabularies the cache keeps (the most
// recently written); older ones are removed.
const keepVocabs = 8

// pruneVocabCache removes all but the keep newest vocabularies in dir.
func pruneVocabCache(dir string, keep int) {
	files, err := filepath.Glob(filepath.Join(dir, "vocab-*.json"))
	if err != nil || len(files) <= keep {
		return
	}
	type aged struct {
		path string
		mod  int64
	}
	var all []aged
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			all = append(all, aged{f, st.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(all, func(a, b aged) int { return cmp.Compare(b.mod, a.mod) })
	for _, a := range all[min(keep, len(all)):] {
		os.Remove(a.path)
	}
}

// vocabVersion changes when what LoadVocabulary reads changes, so that old
// caches are not used.
const vocabVersion = "5"

// maxValues is the most distinct values a column may have for its values
// to be matched against prompts.
const maxValues = 50
