package chat

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/translate"
)

// KeepConversations is how many saved conversations a Store keeps.
const KeepConversations = 10

// Conversation is a saved conversation: its turns and the focus it had.
type Conversation struct {
	ID      string            `json:"id"`
	Started time.Time         `json:"started"`
	Updated time.Time         `json:"updated"`
	Focus   *translate.Entity `json:"focus,omitempty"`
	Turns   []SavedTurn       `json:"turns"`
}

// SavedTurn is what a conversation keeps of a turn: enough to list it and
// to rebuild the context (the last query is run again on resume).
type SavedTurn struct {
	Time          time.Time         `json:"time"`
	Prompt        string            `json:"prompt"`
	KQL           string            `json:"kql,omitempty"`
	Rows          int               `json:"rows"`
	Summary       string            `json:"summary,omitempty"`
	Clarification string            `json:"clarification,omitempty"`
	Refusal       string            `json:"refusal,omitempty"`
	Error         string            `json:"error,omitempty"`
	Focus         *translate.Entity `json:"focus,omitempty"`
}

// NewConversation starts an unsaved conversation.
func NewConversation(now time.Time) *Conversation {
	var b [4]byte
	rand.Read(b[:])
	return &Conversation{
		ID:      now.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:]),
		Started: now.UTC(),
		Updated: now.UTC(),
	}
}

// Title is the first prompt of the conversation.
func (c *Conversation) Title() string {
	for _, t := range c.Turns {
		if t.Prompt != "" {
			return t.Prompt
		}
	}
	return "(empty)"
}

// LastQuery is the KQL of the last turn that ran without an error, or "".
func (c *Conversation) LastQuery() string {
	for i := len(c.Turns) - 1; i >= 0; i-- {
		if t := c.Turns[i]; t.KQL != "" && t.Error == "" {
			return t.KQL
		}
	}
	return ""
}

// Store keeps conversations as one JSON file each in Dir (mode 0600,
// directory 0700). Every save writes a temporary file, syncs it and
// renames it into place, so a file is always a complete conversation:
// a kill during a save leaves the previous version, and two chats (each
// writing its own conversation) never lose each other's turns.
type Store struct {
	Dir string
	// Keep is how many conversations are kept (KeepConversations when 0).
	Keep int
}

// StateDir is kqlhunt's folder in the user's state directory
// ($XDG_STATE_HOME, else the cache directory).
func StateDir() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		var err error
		if dir, err = os.UserCacheDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "kqlhunt"), nil
}

// DefaultStore is the store in kqlhunt/conversations of the state
// directory.
func DefaultStore() (*Store, error) {
	dir, err := StateDir()
	if err != nil {
		return nil, err
	}
	return &Store{Dir: filepath.Join(dir, "conversations")}, nil
}

func (st *Store) keep() int {
	if st.Keep > 0 {
		return st.Keep
	}
	return KeepConversations
}

func (st *Store) path(id string) string { return filepath.Join(st.Dir, id+".json") }

// validID guards file names: an ID is made by NewConversation.
func validID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return !strings.HasPrefix(id, ".")
}

// Save writes c atomically and then drops the oldest conversations beyond
// Keep.
func (st *Store) Save(c *Conversation) error {
	if !validID(c.ID) {
		return fmt.Errorf("invalid conversation id %q", c.ID)
	}
	data, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(st.Dir, 0o700); err != nil {
		return err
	}
	if err := writeAtomic(st.path(c.ID), append(data, '\n')); err != nil {
		return err
	}
	return st.prune()
}

// writeAtomic writes data to path through a synced temporary file renamed
// into place, then syncs the directory so the rename itself is durable.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
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
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// List returns the saved conversations, the most recently updated first.
// A file that is not a conversation is skipped and reported in the error
// list (the others are still returned).
func (st *Store) List() ([]*Conversation, error) {
	entries, err := os.ReadDir(st.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var (
		list []*Conversation
		errs []error
	)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		c, err := readConversation(filepath.Join(st.Dir, name))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed by another chat meanwhile
				continue
			}
			errs = append(errs, err)
			continue
		}
		list = append(list, c)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Updated.Equal(list[j].Updated) {
			return list[i].Updated.After(list[j].Updated)
		}
		return list[i].ID > list[j].ID
	})
	return list, errors.Join(errs...)
}

func readConversation(path string) (*Conversation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Conversation
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: not a saved conversation: %w", path, err)
	}
	if c.ID+".json" != filepath.Base(path) {
		return nil, fmt.Errorf("%s: not a saved conversation: id %q", path, c.ID)
	}
	return &c, nil
}

// Get returns the Nth conversation of List (1 is the most recent).
func (st *Store) Get(n int) (*Conversation, error) {
	list, _ := st.List()
	if len(list) == 0 {
		return nil, errors.New("no saved conversations")
	}
	if n < 1 || n > len(list) {
		return nil, fmt.Errorf("no conversation %d: there are %d (see /history)", n, len(list))
	}
	return list[n-1], nil
}

// Delete removes the conversation with id.
func (st *Store) Delete(id string) error {
	if !validID(id) {
		return fmt.Errorf("invalid conversation id %q", id)
	}
	err := os.Remove(st.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Clear removes every saved conversation.
func (st *Store) Clear() error {
	list, _ := st.List()
	var errs []error
	for _, c := range list {
		errs = append(errs, st.Delete(c.ID))
	}
	return errors.Join(errs...)
}

// prune drops the conversations beyond Keep, and temporary files of saves
// that were killed (older than a minute: a save in progress is younger).
func (st *Store) prune() error {
	entries, err := os.ReadDir(st.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Minute {
				os.Remove(filepath.Join(st.Dir, e.Name()))
			}
		}
	}
	list, _ := st.List()
	for _, c := range list[min(len(list), st.keep()):] {
		st.Delete(c.ID)
	}
	return nil
}

// Feedback is one rating of an answer.
type Feedback struct {
	Time    time.Time `json:"time"`
	Prompt  string    `json:"prompt"`
	KQL     string    `json:"kql"`
	Rating  string    `json:"rating"` // "good" or "bad"
	Comment string    `json:"comment,omitempty"`
}

// AppendFeedback adds f as one JSON line to the file at path (created
// 0600). The line is one write to a file opened for appending, so lines of
// two chats never interleave, and it is synced before returning.
func AppendFeedback(path string, f Feedback) error {
	line, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := file.Write(append(line, '\n')); err != nil {
		file.Close()
		return err
	}
	if err := file.Sync(); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
