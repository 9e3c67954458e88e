// Package remote runs KQL on remote Kusto engines over their documented
// REST protocols, with net/http only:
//
//   - ADX: Azure Data Explorer, POST {cluster}/v2/rest/query, answered with
//     v2 frames (DataSetHeader, DataTable or TableHeader/TableFragment/
//     TableCompletion, DataSetCompletion);
//   - LogAnalytics: a Log Analytics / Sentinel workspace, POST
//     {endpoint}/v1/workspaces/{id}/query, answered with {"tables": [...]};
//   - Defender: Defender XDR advanced hunting, POST
//     {endpoint}/api/advancedhunting/run (or Microsoft Graph's
//     /v1.0/security/runHuntingQuery), answered with {"Schema", "Results"}.
//
// Every engine returns the same typed result as the embedded engine
// (exec.Result), so rendering, summaries and tests treat them alike.
//
// Safety: queries are read-only (a management command, whose first token
// starts with a dot, is refused before anything is sent); the context
// cancels a request; throttling (429, Retry-After) and transient 5xx
// answers are retried with a bounded back-off; a response cut off in the
// middle, a partial result and the service's own errors are errors that
// carry the service's code and message; redirects are never followed (a
// bearer token must not travel to another host); and access tokens and
// client secrets never appear in an error's text.
package remote
