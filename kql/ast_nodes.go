// Span methods and interface markers for every node type in ast.go; keep in step with it.

package kql

// Span returns the node's source span; the zero Span for a nil node.
func (n *Query) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Comment) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *LetStmt) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ExprStmt) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *DeclareStmt) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SetStmt) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Ident) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Wildcard) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Star) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Literal) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *BinaryExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *UnaryExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *InExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *BetweenExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *CallExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *NamedArg) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *MemberExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *IndexExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ParenExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *TypeExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *FuncExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Body) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *Param) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ColumnDecl) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *PipeExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *OpParam) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ColumnExpr) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SortKey) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *WhereOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ProjectOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ProjectAwayOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ProjectKeepOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ProjectRenameOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ProjectReorderOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ExtendOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SummarizeOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SortOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *TopOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *TakeOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *CountOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *DistinctOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *JoinOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *LookupOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *UnionOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *MvExpandCol) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *MvExpandOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *MvApplyOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ParsePart) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ParseOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ParseKVOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *MakeSeriesAgg) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *MakeSeriesOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *EvaluateOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *RenderOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *AsOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SerializeOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *InvokeOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SampleOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SampleDistinctOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *TopNestedLevel) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *TopNestedOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *TopHittersOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *GetSchemaOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *SearchOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *FindOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *FacetOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ForkOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *PartitionOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ScanStep) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ScanOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *GenericOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *DatatableOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *ExternalDataOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *PrintOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

// Span returns the node's source span; the zero Span for a nil node.
func (n *RangeOp) Span() Span {
	if n == nil {
		return Span{}
	}
	return n.Sp
}

func (*BetweenExpr) exprNode()    {}
func (*BinaryExpr) exprNode()     {}
func (*CallExpr) exprNode()       {}
func (*DatatableOp) exprNode()    {}
func (*EvaluateOp) exprNode()     {}
func (*ExternalDataOp) exprNode() {}
func (*FindOp) exprNode()         {}
func (*FuncExpr) exprNode()       {}
func (*Ident) exprNode()          {}
func (*InExpr) exprNode()         {}
func (*IndexExpr) exprNode()      {}
func (*Literal) exprNode()        {}
func (*MemberExpr) exprNode()     {}
func (*NamedArg) exprNode()       {}
func (*ParenExpr) exprNode()      {}
func (*PipeExpr) exprNode()       {}
func (*PrintOp) exprNode()        {}
func (*RangeOp) exprNode()        {}
func (*SearchOp) exprNode()       {}
func (*Star) exprNode()           {}
func (*TypeExpr) exprNode()       {}
func (*UnaryExpr) exprNode()      {}
func (*UnionOp) exprNode()        {}
func (*Wildcard) exprNode()       {}

func (*AsOp) opNode()             {}
func (*CountOp) opNode()          {}
func (*DatatableOp) opNode()      {}
func (*DistinctOp) opNode()       {}
func (*EvaluateOp) opNode()       {}
func (*ExtendOp) opNode()         {}
func (*ExternalDataOp) opNode()   {}
func (*FacetOp) opNode()          {}
func (*FindOp) opNode()           {}
func (*ForkOp) opNode()           {}
func (*GenericOp) opNode()        {}
func (*GetSchemaOp) opNode()      {}
func (*InvokeOp) opNode()         {}
func (*JoinOp) opNode()           {}
func (*LookupOp) opNode()         {}
func (*MakeSeriesOp) opNode()     {}
func (*MvApplyOp) opNode()        {}
func (*MvExpandOp) opNode()       {}
func (*ParseKVOp) opNode()        {}
func (*ParseOp) opNode()          {}
func (*PartitionOp) opNode()      {}
func (*PrintOp) opNode()          {}
func (*ProjectAwayOp) opNode()    {}
func (*ProjectKeepOp) opNode()    {}
func (*ProjectOp) opNode()        {}
func (*ProjectRenameOp) opNode()  {}
func (*ProjectReorderOp) opNode() {}
func (*RangeOp) opNode()          {}
func (*RenderOp) opNode()         {}
func (*SampleDistinctOp) opNode() {}
func (*SampleOp) opNode()         {}
func (*ScanOp) opNode()           {}
func (*SearchOp) opNode()         {}
func (*SerializeOp) opNode()      {}
func (*SortOp) opNode()           {}
func (*SummarizeOp) opNode()      {}
func (*TakeOp) opNode()           {}
func (*TopHittersOp) opNode()     {}
func (*TopNestedOp) opNode()      {}
func (*TopOp) opNode()            {}
func (*UnionOp) opNode()          {}
func (*WhereOp) opNode()          {}

func (*DeclareStmt) stmtNode() {}
func (*ExprStmt) stmtNode()    {}
func (*LetStmt) stmtNode()     {}
func (*SetStmt) stmtNode()     {}
