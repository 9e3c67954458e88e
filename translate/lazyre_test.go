package translate

import (
	"regexp"
	"testing"
)

// TestPatternsCompile compiles every package-level pattern: lazyRE
// compiles on first use, so a bad one would otherwise surface only when a
// prompt reaches it.
func TestPatternsCompile(t *testing.T) {
	all := []*lazyRE{reAgo, reAgoShort, reAlertID, reAnaphor, reBefore, reBetween, reCamel, reClass, reComparison, reCount, reCtxAfter, reCtxCmdline, reCtxContains, reCtxFolder, reCtxParent, reCtxPrefix, reCtxProcess, reCtxRecipient, reCtxSender, reCtxSubject, reCtxTitle, reDigits, reDigits1, reDim, reDomain, reEmail, reErrorCode, reEvidence, reFence, reFileName, reFollow, reGroupBy, reHashNum, reHostHint, reIPv4, reInMonth, reIncident, reInvolved, reItsAlerts, reLeadDim, reLetters, reLimitN, reMD5, reMore, reNameLike, reNeg, reNewNoun, reNewest, reOnDay, reOrdinal, rePort, reQuoted, reRare, reReset, reRowNum, reSHA1, reSHA256, reSeverityA, reSeverityB, reSeverityC, reSince, reSortBy, reSortBy2, reStatus, reStatusNew, reTechnique, reThat, reThisUnit, reTimeline, reToday, reTop, reTopBare, reTopDim, reTopDim2, reTrend, reURL, reUserHint, reUserWord, reWhich, reWord, reCountry}
	all = append(all, conceptRE...)
	all = append(all, subjectRE...)
	for _, l := range all {
		if _, err := regexp.Compile(l.src); err != nil {
			t.Errorf("pattern %q: %v", l.src, err)
		}
	}
	if len(all) < 80 {
		t.Errorf("only %d patterns; the list above lost some", len(all))
	}
}
