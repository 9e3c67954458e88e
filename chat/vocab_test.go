package chat

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The vocabulary is cached under the dataset's identity: the second load
// reads no table (it works on a closed engine), the file is private, and a
// damaged cache is rebuilt.
func TestVocabularyCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	eng := openSample(t)
	v1, err := LoadVocabularyCached(ctx, eng, false, dir, "sample-key")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(v1.Devices, "fs01.corp.contoso.com") {
		t.Fatalf("the sample's device fs01 is not in the vocabulary: %v", v1.Devices[:min(5, len(v1.Devices))])
	}
	files, _ := filepath.Glob(filepath.Join(dir, "vocab-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode: %v %v", st, err)
	}
	closed := openSample(t)
	closed.Close()
	v2, err := LoadVocabularyCached(ctx, closed, false, dir, "sample-key")
	if err != nil {
		t.Fatalf("a cached vocabulary needs no engine: %v", err)
	}
	if !slices.Equal(v1.Devices, v2.Devices) || len(v1.Values) != len(v2.Values) {
		t.Errorf("the cached vocabulary differs")
	}
	// Another key (the data changed) is read anew.
	if _, err := LoadVocabularyCached(ctx, closed, false, dir, "other-key"); err == nil {
		t.Errorf("a new key was served from the cache")
	}
	// A damaged file is rebuilt.
	if err := os.WriteFile(files[0], []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	v3, err := LoadVocabularyCached(ctx, eng, false, dir, "sample-key")
	if err != nil || !slices.Equal(v1.Devices, v3.Devices) {
		t.Fatalf("damaged cache: %v", err)
	}
}

// The cache keeps the newest vocabularies only.
func TestVocabularyCachePruned(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 12; i++ {
		f := filepath.Join(dir, fmt.Sprintf("vocab-old%02d.json", i))
		if err := os.WriteFile(f, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Duration(12-i) * time.Hour)
		os.Chtimes(f, old, old)
	}
	if _, err := LoadVocabularyCached(context.Background(), openSample(t), false, dir, "k"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "vocab-*.json"))
	if len(files) != keepVocabs {
		t.Fatalf("%d vocabularies kept, want %d", len(files), keepVocabs)
	}
	if _, err := os.Stat(filepath.Join(dir, "vocab-old00.json")); err == nil {
		t.Errorf("the oldest vocabulary was kept")
	}
}
