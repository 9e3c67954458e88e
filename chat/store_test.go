package chat

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/translate"
)

func TestStore(t *testing.T) {
	st := &Store{Dir: filepath.Join(t.TempDir(), "state", "kqlhunt", "conversations")}
	if list, err := st.List(); err != nil || len(list) != 0 {
		t.Fatalf("an empty store: %v, %v", list, err)
	}
	base := time.Date(2025, 6, 7, 18, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 12 {
		c := NewConversation(base.Add(time.Duration(i) * time.Minute))
		c.Updated = base.Add(time.Duration(i) * time.Minute)
		c.Focus = &translate.Entity{Kind: "incident", ID: "1041"}
		c.Turns = []SavedTurn{{Prompt: fmt.Sprintf("prompt %d", i), KQL: "SecurityIncident | count", Rows: 1}}
		if err := st.Save(c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	list, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != KeepConversations {
		t.Fatalf("%d conversations kept, want %d", len(list), KeepConversations)
	}
	if list[0].ID != ids[11] || list[9].ID != ids[2] || list[0].Title() != "prompt 11" {
		t.Errorf("not the newest first: %s ... %s", list[0].ID, list[9].ID)
	}
	if list[0].Focus == nil || list[0].Focus.ID != "1041" || list[0].LastQuery() != "SecurityIncident | count" {
		t.Errorf("focus or query lost: %+v", list[0])
	}
	fi, err := os.Stat(filepath.Join(st.Dir, ids[11]+".json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v, %v", fi, err)
	}
	di, err := os.Stat(st.Dir)
	if err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("directory mode: %v, %v", di, err)
	}

	c, err := st.Get(2)
	if err != nil || c.ID != ids[10] {
		t.Fatalf("Get(2) = %v, %v", c, err)
	}
	if _, err := st.Get(11); err == nil || !strings.Contains(err.Error(), "there are 10") {
		t.Errorf("Get(11): %v", err)
	}
	if _, err := st.Get(0); err == nil {
		t.Error("Get(0) did not fail")
	}
	if err := st.Delete(c.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete("../../etc/passwd"); err == nil {
		t.Error("Delete of a path did not fail")
	}
	// A file that is not a conversation is reported, the others listed.
	os.WriteFile(filepath.Join(st.Dir, "junk.json"), []byte("{"), 0o600)
	list, err = st.List()
	if len(list) != 9 || err == nil || !strings.Contains(err.Error(), "junk.json") {
		t.Errorf("after a delete and a junk file: %d, %v", len(list), err)
	}
	if err := st.Clear(); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.List(); len(list) != 0 {
		t.Errorf("%d left after Clear", len(list))
	}
}

func TestFeedback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kqlhunt", "feedback.jsonl")
	for i, r := range []string{"good", "bad"} {
		if err := AppendFeedback(path, Feedback{Time: time.Unix(int64(i), 0).UTC(), Prompt: "open incidents", KQL: "SecurityIncident", Rating: r, Comment: "c\n" + r}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), b)
	}
	var f Feedback
	if err := json.Unmarshal([]byte(lines[1]), &f); err != nil || f.Rating != "bad" || f.Comment != "c\nbad" || f.KQL != "SecurityIncident" {
		t.Errorf("line 2 = %+v, %v", f, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
}

// TestStoreWriter is not a test: it is the process the kill tests start.
// It appends turns to one conversation (continuing the saved one), saving
// after each, and prints "saved N" once a save of N turns has returned;
// it appends as many feedback lines when KQLHUNT_FEEDBACK is set.
func TestStoreWriter(t *testing.T) {
	dir := os.Getenv("KQLHUNT_STORE_DIR")
	if dir == "" {
		t.Skip("started by TestStoreKill and TestStoreTwoWriters")
	}
	id, limit := os.Getenv("KQLHUNT_STORE_ID"), 0
	limit, _ = strconv.Atoi(os.Getenv("KQLHUNT_STORE_N"))
	st := &Store{Dir: dir}
	c := &Conversation{ID: id, Started: time.Now().UTC()}
	if b, err := os.ReadFile(st.path(id)); err == nil {
		if err := json.Unmarshal(b, c); err != nil {
			fmt.Println("corrupt:", err)
			os.Exit(3)
		}
	}
	// A long turn, so that a save takes a while and a kill lands in it.
	summary := strings.Repeat("IncidentNumber 1041, ", 2000)
	for n := len(c.Turns) + 1; limit == 0 || len(c.Turns) < limit; n++ {
		c.Turns = append(c.Turns, SavedTurn{Prompt: fmt.Sprintf("turn %d", n), KQL: "SecurityIncident | count", Summary: summary})
		c.Updated = time.Now().UTC()
		if err := st.Save(c); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		if fb := os.Getenv("KQLHUNT_FEEDBACK"); fb != "" {
			if err := AppendFeedback(fb, Feedback{Prompt: fmt.Sprintf("%s %d", id, n), Rating: "good"}); err != nil {
				fmt.Println("error:", err)
				os.Exit(2)
			}
		}
		fmt.Printf("saved %d\n", len(c.Turns))
	}
	os.Exit(0)
}

func writer(t *testing.T, dir, id string, n int, feedback string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreWriter$")
	cmd.Env = append(os.Environ(), "KQLHUNT_STORE_DIR="+dir, "KQLHUNT_STORE_ID="+id, "KQLHUNT_STORE_N="+strconv.Itoa(n), "KQLHUNT_FEEDBACK="+feedback)
	return cmd
}

// A conversation survives 50 kills (SIGKILL) in the middle of saving it:
// after each, its file is a whole conversation with at least every turn
// whose save had returned, and the next writer goes on from there.
func TestStoreKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes")
	}
	dir := t.TempDir()
	const id = "20250607T180000.000Z-kill"
	st := &Store{Dir: dir}
	acked := 0
	for round := range 50 {
		cmd := writer(t, dir, id, 0, "")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		var mu sync.Mutex
		last := acked
		readDone := make(chan struct{})
		go func() {
			defer close(readDone)
			for sc.Scan() {
				if n, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
					v, _ := strconv.Atoi(n)
					mu.Lock()
					last = v
					mu.Unlock()
				} else {
					t.Errorf("round %d: writer says %q", round, sc.Text())
				}
			}
		}()
		// Kill it at a random moment once it has saved at least once.
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			l := last
			mu.Unlock()
			if l > acked || time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(20000)) * time.Microsecond)
		cmd.Process.Kill()
		<-readDone
		cmd.Wait()
		mu.Lock()
		acked = last
		mu.Unlock()

		list, err := st.List()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(list) != 1 {
			t.Fatalf("round %d: %d conversations, want 1", round, len(list))
		}
		c := list[0]
		if len(c.Turns) < acked {
			t.Fatalf("round %d: %d turns, but a save of %d had returned", round, len(c.Turns), acked)
		}
		for i, turn := range c.Turns {
			if turn.Prompt != fmt.Sprintf("turn %d", i+1) {
				t.Fatalf("round %d: turn %d is %q", round, i+1, turn.Prompt)
			}
		}
		acked = len(c.Turns)
	}
	if acked < 50 {
		t.Errorf("only %d turns after 50 rounds", acked)
	}
}

// Two chats saving at once (each its own conversation, both appending
// feedback) lose nothing.
func TestStoreTwoWriters(t *testing.T) {
	dir := t.TempDir()
	fb := filepath.Join(dir, "feedback.jsonl")
	const n = 60
	a := writer(t, dir, "20250607T180000.000Z-a", n, fb)
	b := writer(t, dir, "20250607T180000.000Z-b", n, fb)
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if err := a.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := b.Wait(); err != nil {
		t.Fatal(err)
	}
	list, err := (&Store{Dir: dir}).List()
	if err != nil || len(list) != 2 {
		t.Fatalf("%d conversations, %v", len(list), err)
	}
	for _, c := range list {
		if len(c.Turns) != n {
			t.Errorf("%s: %d turns, want %d", c.ID, len(c.Turns), n)
		}
	}
	data, err := os.ReadFile(fb)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var f Feedback
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("feedback line %q: %v", line, err)
		}
		seen[f.Prompt] = true
	}
	if len(seen) != 2*n {
		t.Errorf("%d distinct feedback lines, want %d", len(seen), 2*n)
	}
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		if strings.HasPrefix(f.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", f.Name())
		}
	}
}
