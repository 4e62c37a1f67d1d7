package callargs

import (
	"errors"
	"strings"

	"github.com/openrpc-go/openrpc/internal/suggest"
)

// Split splits a line into words as a POSIX shell does, without expansions: blanks
// separate words; 'single quotes' keep everything; "double quotes" keep everything but
// \" \\ \$ and \`; a backslash outside quotes keeps the next character.
func Split(line string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\\':
			in = true
			if i+1 < len(line) {
				i++
				cur.WriteByte(line[i])
			}
		case c == '\'':
			in = true
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("a ' is not closed")
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			in = true
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, errors.New(`a " is not closed`)
			}
		default:
			in = true
			cur.WriteByte(c)
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// Nearest returns the candidate that name is most likely a misspelling of: one equal to it
// but for case, or within a small edit distance (none for names under 3 characters, 1 up
// to 5, 2 from 6 on); "" when there is none. Ties go to the first candidate.
func Nearest(name string, candidates []string) string {
	return suggest.Nearest(name, len(candidates), func(i int) string { return candidates[i] })
}
