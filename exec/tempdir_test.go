//go:build unix

package exec

import (
	"bufio"
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestKilledRunTempDirRemoved: a process killed with SIGKILL while its
// engine is open leaves its temporary directory; the next start removes
// it, so kills do not pile them up. The child is this test binary, run as
// TestTempDirHelper.
func TestKilledRunTempDirRemoved(t *testing.T) {
	base := t.TempDir()
	prev := ""
	for range 3 {
		cmd := osexec.Command(os.Args[0], "-test.run=^TestTempDirHelper$")
		cmd.Env = append(os.Environ(), "KQLHUNT_TEMPDIR_HELPER=1", "TMPDIR="+base)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			t.Fatalf("helper: %v", err)
		}
		dir := strings.TrimSpace(line)
		if filepath.Dir(dir) != base {
			t.Fatalf("helper's temp dir %s is not in %s", dir, base)
		}
		if _, err := os.Stat(prev); prev != "" && !os.IsNotExist(err) {
			t.Errorf("the start after a kill kept the killed run's %s: %v", prev, err)
		}
		prev = dir
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("the killed run's directory is gone already: %v", err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(base, tempPrefix+"*")); len(left) != 1 || left[0] != prev {
		t.Fatalf("after 3 kills: %v, want only the last run's", left)
	}
	cleanStaleTempDirs(base) // what the next start does
	if left, _ := filepath.Glob(filepath.Join(base, tempPrefix+"*")); len(left) != 0 {
		t.Errorf("left after the next start: %v", left)
	}
}

// TestTempDirHelper is the child of TestKilledRunTempDirRemoved: it opens
// an engine, prints its temporary directory and waits to be killed.
func TestTempDirHelper(t *testing.T) {
	if os.Getenv("KQLHUNT_TEMPDIR_HELPER") != "1" {
		t.Skip("run by TestKilledRunTempDirRemoved")
	}
	e, err := Open(context.Background(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(e.TempDir())
	time.Sleep(time.Minute)
}

// TestNoTempDir: without a writable temporary directory the engine still
// opens, with spilling off instead of DuckDB's ./.tmp.
func TestNoTempDir(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	e, err := Open(context.Background(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var got string
	if err := e.DB().QueryRow("SELECT current_setting('temp_directory')").Scan(&got); err != nil || got != "" || e.TempDir() != "" {
		t.Errorf("temp_directory %q (%v), engine's %q; want none", got, err, e.TempDir())
	}
	query(t, e, "print 1")
}

// TestCwdTmpNotReadable: DuckDB's default temporary directory, ./.tmp,
// was readable after the lockdown; with a private one it is not.
func TestCwdTmpNotReadable(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll(filepath.Join(dir, ".tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".tmp", "spill.bin"), []byte("TOPSECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := openLocked(t)
	for _, q := range []string{"SELECT * FROM glob('.tmp/*')", "SELECT * FROM read_text('.tmp/spill.bin')"} {
		rows, err := e.DB().Query(q)
		if err == nil {
			n := 0
			for rows.Next() {
				n++
			}
			err = rows.Err()
			rows.Close()
			if err == nil {
				t.Errorf("%s: %d rows after the lockdown", q, n)
			}
		}
	}
}
