package exec

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// DuckDB spills to a temporary directory, ./.tmp of the working directory
// by default, which stays readable after the lockdown. Every engine gets a
// private one instead: created 0700 by os.MkdirTemp under the system's
// temporary directory, named kqlhunt-tmp-PID-RANDOM (nothing a query can
// name: KQL has no function that reads files, and a dataset's views are
// refused when they read anything outside the dataset), removed by Close.
// The directories of processes that died without Close (killed) are
// removed by the next engine that opens.

const tempPrefix = "kqlhunt-tmp-"

// newTempDir makes an engine's private temporary directory.
func newTempDir() (string, error) {
	cleanStaleOnce.Do(func() { cleanStaleTempDirs(os.TempDir()) })
	return os.MkdirTemp("", tempPrefix+strconv.Itoa(os.Getpid())+"-")
}

var cleanStaleOnce sync.Once

// cleanStaleTempDirs removes the temporary directories of dead kqlhunt
// processes under base: only directories named as newTempDir names them,
// owned by this user, whose PID no longer runs.
func cleanStaleTempDirs(base string) {
	ents, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, tempPrefix) {
			continue
		}
		pidText, _, ok := strings.Cut(name[len(tempPrefix):], "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		p := filepath.Join(base, name)
		fi, err := os.Lstat(p)
		if err != nil || !fi.IsDir() || !ownedByMe(fi) {
			continue
		}
		_ = os.RemoveAll(p)
	}
}
