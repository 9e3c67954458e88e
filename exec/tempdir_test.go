package exec

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPrivateTempDir: DuckDB spills to a 0700 directory of its own, not
// ./.tmp, and Close removes it; directories of dead processes are removed
// by the next start, those of live ones and other names are kept.
func TestPrivateTempDir(t *testing.T) {
	e, err := Open(context.Background(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := e.TempDir()
	var got string
	if err := e.DB().QueryRow("SELECT current_setting('temp_directory')").Scan(&got); err != nil || got != dir {
		t.Fatalf("temp_directory %q (%v), want %q", got, err, dir)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 || !strings.HasPrefix(filepath.Base(dir), tempPrefix+strconv.Itoa(os.Getpid())+"-") {
		t.Fatalf("temp dir %s: %v %v", dir, fi, err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", dir, err)
	}

	base := t.TempDir()
	dead := filepath.Join(base, tempPrefix+"999999999-abc") // no such PID
	live := filepath.Join(base, tempPrefix+strconv.Itoa(os.Getppid())+"-abc")
	other := filepath.Join(base, "kqlhunt-sample-123")
	for _, d := range []string{dead, live, other} {
		if err := os.MkdirAll(filepath.Join(d, "spill"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cleanStaleTempDirs(base)
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the directory of a dead process was kept: %v", err)
	}
	for _, d := range []string{live, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
}
