package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// atomicFile writes to a temporary file next to its destination and
// renames it into place on Commit, so a reader never sees half a file and
// a failed command leaves the old file as it was.
type atomicFile struct {
	*os.File
	path string
	done bool
}

// newAtomicFile starts writing path. An existing file keeps its
// permissions; a new one gets perm.
func newAtomicFile(path string, perm fs.FileMode) (*atomicFile, error) {
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, &fs.PathError{Op: "write", Path: path, Err: errors.New("is a directory")}
		}
		perm = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &atomicFile{File: f, path: path}, nil
}

// Commit flushes the file to disk and moves it into place.
func (a *atomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	tmp := a.Name()
	err := a.Sync()
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Abort discards what was written; the destination is left untouched.
func (a *atomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
}

// writeFileAtomic writes data to path through an atomicFile.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := newAtomicFile(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}
