//go:build !unix

package chat

// lockFile is a no-op where there is no flock: the history is still
// written atomically, but two chats saving at the same instant may each
// miss the other's latest prompt.
func lockFile(string) (func(), error) { return func() {}, nil }
