package chat

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxHistory is how many prompts the history file keeps.
const maxHistory = 1000

// History is the prompts of past conversations, newest last, kept in a
// file that is rewritten atomically (a temporary file renamed into place),
// so a crash never leaves it half written.
type History struct {
	Path    string
	Entries []string
	// added are the prompts added since the last load or save: Save puts
	// them after what another chat may have saved meanwhile.
	added []string
}

// DefaultHistoryPath is kqlhunt/chat_history in the user's state
// directory ($XDG_STATE_HOME, else the cache directory).
func DefaultHistoryPath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		var err error
		if dir, err = os.UserCacheDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "kqlhunt", "chat_history"), nil
}

// LoadHistory reads the history at path; a missing file is an empty
// history.
func LoadHistory(path string) (*History, error) {
	h := &History{Path: path}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			h.Entries = append(h.Entries, line)
		}
	}
	return h, sc.Err()
}

// Add appends a prompt (one line; line breaks become spaces), skipping a
// repeat of the last one.
func (h *History) Add(prompt string) {
	prompt = strings.Join(strings.Fields(prompt), " ")
	if prompt == "" || (len(h.Entries) > 0 && h.Entries[len(h.Entries)-1] == prompt) {
		return
	}
	h.Entries = append(h.Entries, prompt)
	if len(h.Entries) > maxHistory {
		h.Entries = h.Entries[len(h.Entries)-maxHistory:]
	}
	h.added = append(h.added, prompt)
}

// Save writes the history atomically, creating its directory (0700: the
// prompts may name hosts and people).
// Two chats at once lose nothing: under a lock, Save reads the file again
// and appends the prompts this chat added since.
func (h *History) Save() error {
	dir := filepath.Dir(h.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// The directory is the lock: no lock file is left behind.
	unlock, err := lockFile(dir)
	if err != nil {
		return err
	}
	defer unlock()
	if cur, err := LoadHistory(h.Path); err == nil {
		entries := cur.Entries
		for _, p := range h.added {
			if len(entries) == 0 || entries[len(entries)-1] != p {
				entries = append(entries, p)
			}
		}
		if len(entries) > maxHistory {
			entries = entries[len(entries)-maxHistory:]
		}
		h.Entries = entries
	}
	h.added = nil
	tmp, err := os.CreateTemp(dir, ".chat_history-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	w := bufio.NewWriter(tmp)
	for _, e := range h.Entries {
		w.WriteString(e)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), h.Path)
}
