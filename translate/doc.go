// Package translate turns a hunter's plain-English question into a KQL
// syntax tree, and says in English what that query does.
//
// It owns prompt understanding (the subjects a hunter asks about, the
// filters, time expressions, grouping, top-N and trend shapes), entity
// extraction (IP addresses, hashes, UPNs, domains, URLs, file and process
// names, MITRE techniques, incident numbers, quoted text), grounding of
// those entities in the schema and in the values of the active dataset
// (a Vocabulary), follow-up resolution against the previous turn of a
// conversation (Context: the previous plan, its result, the focused
// incident or alert), clarifying questions when a prompt is ambiguous or
// understood too little, and the explanation of a query.
//
// The offline translator (Offline) is deterministic and needs no network.
// A language model is an option behind the Backend interface (HTTPBackend,
// an OpenAI-compatible chat-completions client used only when configured);
// what a model returns is parsed and checked with kql.Parse and kql.Check
// before anyone may run it.
//
// It imports only kql (and the standard library). It must not import exec,
// render, chat or the CLI: it knows nothing of SQL, DuckDB or terminals;
// the caller runs the query and hands the result back through Context.
package translate
