// Package suggest finds the name a mistyped one was meant to be, for the "did you mean"
// hints of the framework (tag keys, params) and of the openrpc command (methods, params).
package suggest

import "strings"

// Nearest returns the candidate that name is most likely a misspelling of: one equal to it
// but for case, or within a small edit distance (none for names under 3 characters, 1 up to
// 5, 2 from 6 on); "" when there is none, and for names over 256 bytes. Ties go to the
// first candidate. It serves the
// "did you mean" hints of names, so it runs at registration and on error paths only.
// Callers look for an exact match first. The candidates are candidate(0) to candidate(n-1).
func Nearest(name string, n int, candidate func(int) string) string {
	if len(name) > maxName {
		return ""
	}
	lower := strings.ToLower(name)
	best, bestDist := "", 3
	for i := range n {
		c := candidate(i)
		if len(c) > maxName {
			continue
		}
		lc := strings.ToLower(c)
		if diff := len(lc) - len(lower); diff > 2 || diff < -2 { // more edits than any typo
			continue
		}
		d := editDistance(lower, lc)
		if d > 0 && d > typoBudget(len(c)) {
			continue
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// maxName is the longest name looked at as a typo: the edit distance takes the product of
// the two lengths, and a request or a document can hold names of megabytes.
const maxName = 256

// typoBudget is how many edits a name of n bytes may be off by and still count as a typo.
func typoBudget(n int) int {
	switch {
	case n < 3:
		return 0
	case n < 6:
		return 1
	}
	return 2
}

// editDistance is the optimal string alignment distance between a and b, by bytes:
// insertions, deletions, substitutions and transpositions of adjacent bytes (minLenght is
// one edit from minLength). It is meant for short names.
func editDistance(a, b string) int {
	// Three rows of the dynamic programming table: i-2, i-1 and i.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
