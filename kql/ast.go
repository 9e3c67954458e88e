package kql

// This file defines the public, typed syntax tree. The parser's private
// grammar lowers into these nodes; every later pass (printer, checker,
// compiler, translator) works on them only.
//
// Conventions:
//   - Every node records its source span (byte offsets into the query text,
//     End exclusive). Span() is safe on a nil node.
//   - Scalar and tabular expressions share the Expr interface: whether
//     `T` names a table, a let-bound scalar or a column is decided by Check,
//     not by the parser. A pipeline is a *PipeExpr.
//   - Operators that can start a pipeline on their own (print, range,
//     datatable, union, find, search, evaluate, externaldata) implement both
//     Expr and Operator.
//   - Operator options written as `name=value` (kind=, hint.*=, withsource=,
//     isfuzzy=, with_itemindex=, bagexpansion=, ...) are kept in order in
//     Params, so the printer can reproduce them and passes can query them
//     with Param.

// Span is a half-open byte range [Start, End) in the query text.
type Span struct {
	Start, End int
}

// Node is any node of the tree.
type Node interface {
	Span() Span
}

// Expr is a scalar or tabular expression.
type Expr interface {
	Node
	exprNode()
}

// Operator is a tabular operator: one stage of a pipeline.
type Operator interface {
	Node
	opNode()
}

// Statement is a top-level statement of a query text.
type Statement interface {
	Node
	stmtNode()
}

// Query is a whole query text: statements separated by semicolons. The
// tabular expression statements produce results; let, declare and set
// statements bind names for the ones that follow.
type Query struct {
	Sp    Span
	Stmts []Statement

	// Comments are the query's `//` comments in source order. They are
	// not part of any statement; Format prints each near the statement or
	// pipeline operator it was written beside.
	Comments []*Comment
}

// Comment is one `// ...` comment; Text includes the slashes, not the line
// end. Trailing is layout, like Sp: the comment follows code on its line.
type Comment struct {
	Sp       Span
	Text     string
	Trailing bool
}

// ---------------------------------------------------------------- statements

// LetStmt is `let Name = Value`. Value is a scalar or tabular expression, or
// a *FuncExpr for a user-defined function or view.
type LetStmt struct {
	Sp    Span
	Name  *Ident
	Value Expr
}

// ExprStmt is a query expression statement: usually a tabular pipeline.
type ExprStmt struct {
	Sp Span
	X  Expr
}

// DeclareStmt is `declare query_parameters(name:type [= default], ...)`.
type DeclareStmt struct {
	Sp     Span
	Params []*Param
}

// SetStmt is `set name [= value]` (a request property). Value may be nil.
type SetStmt struct {
	Sp    Span
	Name  *Ident // dotted names are kept whole, e.g. "query_now"
	Value Expr
}

// ---------------------------------------------------------------- expressions

// Ident is a name used as a reference: a column, table, let-bound name or
// function parameter. Bracketed names (['a b'], ["x"]) and $left/$right
// also lower to Ident; Name holds the unquoted text.
type Ident struct {
	Sp   Span
	Name string
}

// Wildcard is a name pattern with `*` (project-away Foo*, union View*).
type Wildcard struct {
	Sp      Span
	Pattern string
}

// Star is a lone `*` argument: count(*), arg_max(x, *), distinct *.
type Star struct {
	Sp Span
}

// LitKind says which KQL type a literal has.
type LitKind int

// Literal kinds.
const (
	LitString LitKind = iota
	LitBool
	LitInt // int(…) literal; plain integer literals are LitLong
	LitLong
	LitReal
	LitDecimal
	LitDatetime
	LitTimespan
	LitGuid
	LitDynamic
)

// Literal is a constant. Exactly one value field is meaningful, by Kind;
// Null marks a typed null such as long(null), datetime(null), dynamic(null).
type Literal struct {
	Sp   Span
	Kind LitKind
	Null bool

	Str   string  // LitString (decoded value), LitGuid (lower-case), LitDecimal (digits as written), LitDynamic (canonical JSON)
	Int   int64   // LitInt, LitLong
	Real  float64 // LitReal (also NaN and ±Inf)
	Bool  bool    // LitBool
	Ticks int64   // LitDatetime: 100 ns ticks since 1970-01-01 UTC; LitTimespan: 100 ns ticks

	// Obfuscated marks h"..." strings: same value, hidden in logs.
	Obfuscated bool
}

// BinaryExpr is `X Op Y` for arithmetic, comparison, logical and the
// two-operand string operators. Op is the operator as written in canonical
// form: "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "=~",
// "!~", "and", "or", "contains", "!contains", "contains_cs",
// "!contains_cs", "has", "!has", "has_cs", "!has_cs", "hasprefix",
// "!hasprefix", "hasprefix_cs", "!hasprefix_cs", "hassuffix", "!hassuffix",
// "hassuffix_cs", "!hassuffix_cs", "startswith", "!startswith",
// "startswith_cs", "!startswith_cs", "endswith", "!endswith",
// "endswith_cs", "!endswith_cs", "like", "notlike", "like_cs", "!like_cs",
// "matches regex", and ":" (search's Col:"value", which means has).
type BinaryExpr struct {
	Sp Span
	Op string
	X  Expr
	Y  Expr
}

// UnaryExpr is a prefix `-X`, `+X`.
type UnaryExpr struct {
	Sp Span
	Op string
	X  Expr
}

// InExpr is `X in (List)` and its variants. Op is one of "in", "!in",
// "in~", "!in~", "has_any", "has_all". List holds the elements as
// written; a single element may be a tabular expression or a dynamic array.
type InExpr struct {
	Sp   Span
	Op   string
	X    Expr
	List []Expr
}

// BetweenExpr is `X between (Lo .. Hi)`, or `!between` when Not.
type BetweenExpr struct {
	Sp  Span
	Not bool
	X   Expr
	Lo  Expr
	Hi  Expr
}

// CallExpr is a function call: a built-in, a user-defined function, or a
// tabular function such as materialize(T), toscalar(T), view-like lets.
type CallExpr struct {
	Sp   Span
	Func *Ident
	Args []Expr
}

// NamedArg is `Name = Value` inside an argument list, as in
// bag_unpack(d, columnsConflict='keep_source') or a function call with
// named parameters.
type NamedArg struct {
	Sp    Span
	Name  *Ident
	Value Expr
}

// MemberExpr is `X.Name` (dynamic property access, $left.Col, T.Col).
type MemberExpr struct {
	Sp   Span
	X    Expr
	Name *Ident
}

// IndexExpr is `X[Index]` (dynamic property or array element).
type IndexExpr struct {
	Sp    Span
	X     Expr
	Index Expr
}

// ParenExpr is a parenthesized expression, kept so the printer and the
// checker can tell `(T | where x)` subqueries apart.
type ParenExpr struct {
	Sp Span
	X  Expr
}

// TypeExpr is `typeof(T)` or a bare scalar type where the grammar wants
// one. Type is the canonical type name (see CanonicalType).
type TypeExpr struct {
	Sp   Span
	Type string
}

// FuncExpr is a function literal `(params) { body }` bound by let, or a
// `view () { body }` when View is set.
type FuncExpr struct {
	Sp     Span
	View   bool
	Params []*Param
	Body   *Body
}

// Body is the inside of `{ ... }`: statements (lets) followed by the
// result expression.
type Body struct {
	Sp    Span
	Stmts []Statement // lets and the final ExprStmt
}

// Param is a function or query parameter. Exactly one of Type, Columns
// and AnyColumns describes the parameter type: a scalar type name, a tabular
// schema `(a:string, b:long)`, or a tabular schema with `*` (any columns).
type Param struct {
	Sp         Span
	Name       *Ident
	Type       string        // canonical scalar type; "" for tabular parameters
	Columns    []*ColumnDecl // tabular parameter columns
	Tabular    bool          // set for tabular parameters, even `T:(*)`
	AnyColumns bool          // the tabular schema includes `*`
	Default    Expr          // nil if none
}

// ColumnDecl is `Name:type` in datatable, externaldata, parse-kv, etc.
type ColumnDecl struct {
	Sp   Span
	Name *Ident
	Type string // canonical type name
}

// PipeExpr is a pipeline `Source | Op | Op ...`. Source is nil for the
// sub-pipelines that start from an implicit input (mv-apply's `on (...)`,
// facet's `with (...)`, partition's `( ... )`, fork branches).
type PipeExpr struct {
	Sp     Span
	Source Expr
	Ops    []Operator
}

// ---------------------------------------------------------------- shared parts of operators

// OpParam is an operator option `Name=Value` (kind=inner,
// hint.strategy=shuffle, withsource=T, with_itemindex=i, ...). Value is an
// *Ident for bare words, otherwise a literal or expression.
type OpParam struct {
	Sp    Span
	Name  string
	Value Expr
}

// ColumnExpr is an optionally named expression in project, extend,
// summarize, print, etc.: `Expr`, `Name = Expr` or `(A, B) = Expr`.
type ColumnExpr struct {
	Sp    Span
	Names []*Ident // empty when unnamed; several for a tuple assignment
	X     Expr
}

// SortKey is one key of sort/order by, top, top-nested, project-reorder.
// Order is "asc", "desc" or "" when omitted; Nulls is "first", "last" or "".
type SortKey struct {
	Sp    Span
	X     Expr
	Order string
	Nulls string
}

// ---------------------------------------------------------------- tabular operators

// WhereOp is `where Pred` (also `filter`).
type WhereOp struct {
	Sp   Span
	Pred Expr
}

// ProjectOp is `project cols`.
type ProjectOp struct {
	Sp   Span
	Cols []*ColumnExpr
}

// ProjectAwayOp is `project-away names` (Ident or Wildcard).
type ProjectAwayOp struct {
	Sp   Span
	Cols []Expr
}

// ProjectKeepOp is `project-keep names` (Ident or Wildcard).
type ProjectKeepOp struct {
	Sp   Span
	Cols []Expr
}

// ProjectRenameOp is `project-rename New = Old, ...`; each ColumnExpr has
// one name (the new one) and X is the *Ident of the old column.
type ProjectRenameOp struct {
	Sp   Span
	Cols []*ColumnExpr
}

// ProjectReorderOp is `project-reorder names [asc|desc|granny-asc|granny-desc]`.
type ProjectReorderOp struct {
	Sp   Span
	Cols []*SortKey // X is an Ident or Wildcard
}

// ExtendOp is `extend cols`.
type ExtendOp struct {
	Sp   Span
	Cols []*ColumnExpr
}

// SummarizeOp is `summarize [params] Aggs [by By]`.
type SummarizeOp struct {
	Sp     Span
	Params []*OpParam
	Aggs   []*ColumnExpr
	By     []*ColumnExpr
}

// SortOp is `sort by keys` (also `order by`).
type SortOp struct {
	Sp     Span
	Params []*OpParam
	Keys   []*SortKey
}

// TopOp is `top N by key`.
type TopOp struct {
	Sp   Span
	N    Expr
	Keys []*SortKey
}

// TakeOp is `take N` (also `limit N`).
type TakeOp struct {
	Sp Span
	N  Expr
}

// CountOp is `count` (optionally `count as Name`).
type CountOp struct {
	Sp Span
	As *Ident // nil when not renamed
}

// DistinctOp is `distinct cols` or `distinct *`. A column written
// `Name = Expr` is kept as a *NamedArg.
type DistinctOp struct {
	Sp     Span
	Params []*OpParam
	Cols   []Expr
}

// JoinOp is `join [params] (Right) on conditions`. Each On entry is an
// *Ident (same-named key), or a BinaryExpr `$left.A == $right.B`; several
// entries are ANDed. An entry may also be an "and" BinaryExpr of such
// comparisons, as written (`on $left.A == $right.B and $left.C == $right.D`).
// Right is usually a *ParenExpr around a pipeline, or a bare table name.
type JoinOp struct {
	Sp     Span
	Params []*OpParam
	Right  Expr
	On     []Expr
}

// LookupOp is `lookup [kind=...] (Right) on conditions`.
type LookupOp struct {
	Sp     Span
	Params []*OpParam
	Right  Expr
	On     []Expr
}

// UnionOp is `union [params] tables`. As a pipeline source it has no
// implicit input.
type UnionOp struct {
	Sp     Span
	Params []*OpParam
	Tables []Expr // Ident, Wildcard, ParenExpr subquery, CallExpr, ...
}

// MvExpandCol is one column of mv-expand / mv-apply: `[Name =] X [to typeof(T)]`.
type MvExpandCol struct {
	Sp     Span
	Name   *Ident // nil when not renamed
	X      Expr
	ToType string // canonical type; "" when absent
}

// MvExpandOp is `mv-expand [params] cols [limit N]`.
type MvExpandOp struct {
	Sp     Span
	Params []*OpParam // bagexpansion=, with_itemindex=, kind=
	Cols   []*MvExpandCol
	Limit  Expr // nil when absent
}

// MvApplyOp is `mv-apply [params] cols [limit N] on (Sub)`. Sub is a
// PipeExpr with a nil Source (the expanded rows).
type MvApplyOp struct {
	Sp     Span
	Params []*OpParam
	Cols   []*MvExpandCol
	Limit  Expr
	Sub    Expr
}

// ParsePart is one element of a parse pattern: a `*`, a string constant, or
// a column `Name[:type]`.
type ParsePart struct {
	Sp     Span
	Star   bool
	Lit    *Literal    // string constant (regex text for kind=regex)
	Column *ColumnDecl // Type "" when untyped (string)
}

// ParseOp is `parse [kind=...] [flags=...] X with pattern` and
// `parse-where` when Where is set.
type ParseOp struct {
	Sp      Span
	Where   bool
	Params  []*OpParam
	X       Expr
	Pattern []*ParsePart
}

// ParseKVOp is `parse-kv X as (cols) with (params)`.
type ParseKVOp struct {
	Sp   Span
	X    Expr
	Cols []*ColumnDecl
	With []*OpParam
}

// MakeSeriesAgg is one aggregation of make-series with its default.
type MakeSeriesAgg struct {
	Sp      Span
	Col     *ColumnExpr
	Default Expr // nil when absent
}

// MakeSeriesOp is `make-series [params] aggs on Axis [from A] [to B] step S
// [by keys]` (or the older `in range(A, B, S)` form, lowered to From/To/Step).
type MakeSeriesOp struct {
	Sp     Span
	Params []*OpParam
	Aggs   []*MakeSeriesAgg
	On     Expr
	From   Expr
	To     Expr
	Step   Expr
	By     []*ColumnExpr
}

// EvaluateOp is `evaluate [params] plugin(args)`. As a source it has no
// implicit input.
type EvaluateOp struct {
	Sp     Span
	Params []*OpParam
	Plugin *CallExpr

	// Output is the declared output schema `: (col:type, ...)` written
	// after the plugin call (bag_unpack); OutputAny marks a `*` in it.
	Output    []*ColumnDecl
	OutputAny bool
}

// RenderOp is `render chart [with (props)]`.
type RenderOp struct {
	Sp    Span
	Chart string
	With  []*OpParam
}

// AsOp is `as [hint.materialized=true] Name`.
type AsOp struct {
	Sp     Span
	Params []*OpParam
	Name   *Ident
}

// SerializeOp is `serialize [cols]`.
type SerializeOp struct {
	Sp   Span
	Cols []*ColumnExpr
}

// InvokeOp is `invoke func(args)`.
type InvokeOp struct {
	Sp   Span
	Call *CallExpr
}

// SampleOp is `sample N`.
type SampleOp struct {
	Sp Span
	N  Expr
}

// SampleDistinctOp is `sample-distinct N of Col`.
type SampleDistinctOp struct {
	Sp Span
	N  Expr
	Of Expr
}

// TopNestedLevel is one `top-nested [N] of Col [with others = V] by Agg [asc|desc]`.
type TopNestedLevel struct {
	Sp     Span
	N      Expr // nil when omitted (all values)
	Of     *ColumnExpr
	Others Expr // nil when `with others` is absent
	By     *ColumnExpr
	Order  string
}

// TopNestedOp is `top-nested` with one level per clause.
type TopNestedOp struct {
	Sp     Span
	Levels []*TopNestedLevel
}

// TopHittersOp is `top-hitters N of Col [by Expr]`.
type TopHittersOp struct {
	Sp Span
	N  Expr
	Of Expr
	By Expr
}

// GetSchemaOp is `getschema`.
type GetSchemaOp struct {
	Sp Span
}

// SearchOp is `search [params] [in (tables)] Pred`. As a source it has no
// implicit input.
type SearchOp struct {
	Sp     Span
	Params []*OpParam
	Tables []Expr
	Pred   Expr
}

// FindOp is `find [params] [in (tables)] where Pred [project cols | project-smart]`.
type FindOp struct {
	Sp           Span
	Params       []*OpParam
	Tables       []Expr
	Pred         Expr
	Project      []*ColumnExpr
	ProjectSmart bool
}

// FacetOp is `facet by cols [with (Sub) | with (params)]`.
type FacetOp struct {
	Sp   Span
	Cols []Expr
	With Expr // sub-pipeline with nil Source, or nil
}

// ForkOp is `fork (Sub) (Sub) ...`; each branch may be named `name=(Sub)`.
type ForkOp struct {
	Sp       Span
	Branches []*ColumnExpr
}

// PartitionOp is `partition [params] by Col (Sub)` or `partition by Col { Sub }`.
type PartitionOp struct {
	Sp     Span
	Params []*OpParam
	By     Expr
	Sub    Expr
}

// ScanStep is one `step Name [optional]: Pred [=> assignments];` of scan.
type ScanStep struct {
	Sp       Span
	Name     *Ident
	Optional bool
	Pred     Expr
	Assign   []*ColumnExpr
}

// ScanOp is `scan [with_match_id=Id] [declare (cols)] with (steps)`.
type ScanOp struct {
	Sp      Span
	Params  []*OpParam
	OrderBy []*SortKey // `order by` inside scan, if any
	By      []Expr     // `partition by`
	Declare []*Param
	Steps   []*ScanStep
}

// GenericOp holds an operator the tree has no dedicated node for yet
// (make-graph, graph-match, ...). Text is its source text, so the printer
// reproduces it verbatim; Check and the compiler reject it by Name.
type GenericOp struct {
	Sp   Span
	Name string
	Text string
}

// DatatableOp is `datatable(cols) [values]`; Values are row-major.
type DatatableOp struct {
	Sp     Span
	Params []*OpParam
	Cols   []*ColumnDecl
	Values []Expr
}

// ExternalDataOp is `externaldata(cols) [urls] [with (params)]`.
type ExternalDataOp struct {
	Sp   Span
	Cols []*ColumnDecl
	URLs []Expr
	With []*OpParam
}

// PrintOp is `print cols`.
type PrintOp struct {
	Sp   Span
	Cols []*ColumnExpr
}

// RangeOp is `range Name from From to To step Step`.
type RangeOp struct {
	Sp   Span
	Name *Ident
	From Expr
	To   Expr
	Step Expr
}
