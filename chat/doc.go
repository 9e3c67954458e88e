// Package chat is a hunting conversation: turns of plain English or KQL,
// the context a follow-up refers to (the previous plan, query, result and
// the incident or alert in focus), the dataset's vocabulary the
// translator grounds names in, and the read-eval-print loop behind
// `kqlhunt chat` (interactive, or replaying a script of prompts).
//
// A turn that reads as KQL runs as typed; anything else goes through a
// translate.Backend, and whatever the backend returns is parsed and
// checked before it runs. A clarifying question is a turn too: the next
// line answers it.
//
// Conversations are saved by a Store (one JSON file each, written
// atomically, the last 10 kept), prompts by a History, ratings by
// AppendFeedback; Options and PickOption number a clarifying question's
// choices, NeedsMore tells an unfinished query, ResolveFocus names the
// device or user in focus.
//
// It imports kql, translate and exec. It must not import render or the
// CLI: how a result is printed is the caller's (Options.Show).
package chat
