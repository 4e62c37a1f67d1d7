package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDocsUI_CompositeArrayItems renders and tries a method whose array params have items
// that are one of several alternatives (oneOf of a string and an integer, of $refs, in the
// items of items, with null; anyOf; overlapping alternatives). The explanation shows each
// item's alternatives; Try it checks each item against the alternative chosen for it, or,
// typed as JSON, against all of them (one must match; overlapping alternatives of a oneOf
// are not refused), naming the item and why each alternative fails; a valid call is sent.
func TestDocsUI_CompositeArrayItems(t *testing.T) {
	doc, err := os.ReadFile("testdata/composite-items-openrpc.json")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	page, sent := docPage(t, doc, "")
	openDocPage(t, b, page)
	b.do(t, "unfold every alternative", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#main details').forEach(d => d.open = true)`))

	const m = `article.method[data-method="tags_set"]`
	// param finds the explanation of a param by name.
	param := func(name string) string {
		return `[...document.querySelectorAll('` + m + ` .method-docs > .fields > .field')].find(f => f.querySelector('.field-name').textContent === '` + name + `')`
	}
	for _, tt := range []struct {
		what, expr, want string
	}{
		{"tags' type", param("tags") + `.querySelector('.type').textContent`, "array of (Tag name | Tag id)"},
		{"tags' alternatives", param("tags") + `.querySelector('.alts-title').textContent + ' ' + [...` + param("tags") + `.querySelectorAll('.alt')].map(a => a.querySelector('.alt-label').textContent + ': ' + [...a.querySelectorAll('.chip')].map(c => c.textContent).join(' ')).join('; ')`,
			"Each item is exactly one of these: Tag name: pattern ^[a-z]+$; Tag id: ≥ 1"},
		{"owners' type", param("owners") + `.querySelector('.type').textContent`, "array of (User | Team)"},
		{"owners' alternatives link their components", `[...` + param("owners") + `.querySelectorAll('.alt-label a')].map(a => a.getAttribute('href')).join(',')`, "#schema-User,#schema-Team"},
		{"grid's type", param("grid") + `.querySelector('.type').textContent`, "array of array of (Count | Ratio)"},
		{"grid's alternatives", param("grid") + `.querySelector('.alts-title').textContent + ' ' + [...` + param("grid") + `.querySelectorAll('.alt-label')].map(e => e.textContent).join(', ')`, "Each item is exactly one of these: Count, Ratio"},
		{"notes' type", param("notes") + `.querySelector('.type').textContent`, "array of (Note | null)"},
		{"labels' alternatives", param("labels") + `.querySelector('.alts-title').textContent + ' ' + [...` + param("labels") + `.querySelectorAll('.alt-label')].map(e => e.textContent).join(', ')`, "Each value is exactly one of these: Text, Flag"},
		{"filters' alternatives", param("filters") + `.querySelector('.alts-title').textContent + ' ' + [...` + param("filters") + `.querySelectorAll('.alt-label')].map(e => e.textContent).join(', ')`, "Each item is one or more of these: Short, Upper"},
	} {
		if got := eval[string](t, b, `(() => { try { return String(`+tt.expr+`); } catch (e) { return 'error: ' + e.message; } })()`); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.what, got, tt.want)
		}
	}

	// field is the form field at a path; addTo its button that adds an item; choose picks
	// an alternative (by its index) for the value at a path.
	field := func(path string) string { return m + ` .form-field[data-field="` + path + `"]` }
	addTo := func(path string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(field(path) + ` > .field-body > .control > .array-control > .array-actions > .add-item`))
	}
	include := func(path string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(field(path) + ` > .field-line .toggle input`))
	}
	choose := func(path string, i int) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(s => { s.value = '` + strconv.Itoa(i) + `'; s.dispatchEvent(new Event('change')); })(document.querySelector('` + m + ` select.alt-select[data-path="` + path + `"]'))`)
	}
	input := func(path string) chromedp.CSS {
		return chromedp.CSS(m + ` [data-path="` + path + `"]:not(.alt-select)`)
	}
	// present fails the test at once unless an input has each path, rather than letting
	// the next step wait for it until the test times out.
	present := func(paths ...string) {
		t.Helper()
		for _, p := range paths {
			if eval[int](t, b, `document.querySelectorAll('`+string(input(p))+`').length`) == 0 {
				t.Fatalf("no input has data-path %s; the form's inputs have %q", p, eval[[]string](t, b, `[...document.querySelectorAll('`+m+` .try-fields [data-path]')].map(e => e.dataset.path)`))
			}
		}
	}
	send := chromedp.Click(chromedp.CSS(m + ` button.send`))
	errorAt := func(path string) string {
		return eval[string](t, b, `(document.querySelector('`+field(path)+` > .field-error:not([hidden])') || {}).textContent || ''`)
	}
	// summary waits for the form's errors, failing the test at once if the params were
	// sent instead, and returns them one a line.
	summary := func() string {
		t.Helper()
		for range 400 {
			select {
			case p := <-sent:
				t.Fatalf("params that break the items' alternatives were sent: %s", p)
			default:
			}
			if eval[bool](t, b, `!!document.querySelector('`+m+` .form-errors:not([hidden])')`) {
				return eval[string](t, b, `[...document.querySelectorAll('`+m+` .form-errors li')].map(e => e.textContent).join('\n')`)
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.failureScreenshot(t)
		t.Fatalf("the form shows no errors and sent nothing")
		return ""
	}
	// Three tags through the form, each its own alternative; the third breaks the one
	// chosen for it, and its error says so (not that it matches none).
	b.do(t, "open the form and add three tags",
		chromedp.Click(chromedp.CSS(m+` .try-toggle`)),
		addTo("/tags"), addTo("/tags"), addTo("/tags"))
	present("/tags/0", "/tags/1", "/tags/2")
	b.do(t, "fill the tags and send",
		chromedp.SendKeys(input("/tags/0"), "old"),
		choose("/tags/1", 1),
		chromedp.SendKeys(input("/tags/1"), "7"),
		chromedp.SendKeys(input("/tags/2"), "Blue"),
		send)
	if got := summary(); got != "tags/2: must match ^[a-z]+$" {
		t.Errorf("the errors read %q, want the third tag's pattern", got)
	}
	if got := errorAt("/tags/2"); got != "must match ^[a-z]+$" {
		t.Errorf("the third tag's error reads %q", got)
	}

	// Removing the first tag moves the others up: the error follows the bad tag to /tags/1,
	// which is still checked against the alternative chosen for it.
	b.do(t, "remove the first tag and send",
		chromedp.Click(chromedp.CSS(field("/tags/0")+` + .remove-item`)),
		send)
	if got := summary(); got != "tags/1: must match ^[a-z]+$" {
		t.Errorf("after removing the first tag the errors read %q, want the bad tag's, now second", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` select.alt-select[data-path="/tags/0"]').selectedOptions[0].textContent`); got != "Tag id" {
		t.Errorf("the first tag's alternative is %q after the removal, want Tag id", got)
	}

	// A oneOf whose alternatives overlap: 3 is Any number, as chosen, and Whole too. It is
	// sent (documents write such oneOfs; the server judges), as the final params show.
	b.do(t, "fix the tag; a weight that is both alternatives",
		chromedp.SetValue(input("/tags/1"), "blue"),
		include("/weights"), addTo("/weights"))
	present("/weights/0")
	b.do(t, "choose any number for the weight and type a whole one",
		choose("/weights/0", 1),
		chromedp.SendKeys(input("/weights/0"), "3"))

	// Items of items, $refs, nullable items: each through its own alternative.
	b.do(t, "add a grid row with two cells, an owner and two notes",
		include("/grid"), addTo("/grid"), addTo("/grid/0"), addTo("/grid/0"),
		include("/owners"), addTo("/owners"),
		include("/notes"), addTo("/notes"), addTo("/notes"),
		include("/labels"), chromedp.Click(chromedp.CSS(field("/labels")+` .add-entry`)),
		chromedp.SendKeys(chromedp.CSS(field("/labels")+` .map-key`), "x"),
		choose("/labels/x", 1))
	present("/grid/0/0", "/grid/0/1", "/owners/0/login", "/notes/1/text", "/labels/x")
	b.do(t, "a ratio in the grid row, a team owner, notes with a blank",
		chromedp.SendKeys(input("/grid/0/0"), "2"),
		choose("/grid/0/1", 1),
		chromedp.SendKeys(input("/grid/0/1"), "2"),
		choose("/owners/0", 1),
		chromedp.SendKeys(input("/owners/0/team"), "core"),
		chromedp.Click(input("/labels/x")),
		chromedp.Click(chromedp.CSS(field("/notes/0")+` > .field-line .toggle input`)),
		send)
	if got := summary(); got != "grid/0/1: must not be integer\nnotes/1/text: must be at least 1 characters (has 0)" {
		t.Errorf("the errors read %q, want the ratio that is whole and the empty note", got)
	}
	b.do(t, "fix the ratio and the note, and send",
		chromedp.SetValue(input("/grid/0/1"), "0.5"),
		chromedp.SendKeys(input("/notes/1/text"), "hi"),
		send)
	want := `{"tags":[7,"blue"],"owners":[{"team":"core"}],"grid":[[2,0.5]],"notes":[null,{"text":"hi"}],"labels":{"x":true},"weights":[3]}`
	if got := receive(t, b, sent, "tags_set"); !jsonEqual(t, got, want) {
		t.Errorf("sent params %s, want %s", got, want)
	}

	// Typed as JSON, no alternative is chosen: each item must match an alternative, and the
	// error says which item and why each alternative fails; an item matching two
	// alternatives of a oneOf (weights/1) is sent.
	b.do(t, "include the filters", include("/filters"))
	for _, f := range []struct{ path, value string }{
		{"/tags", `["red", 7, "Blue", 0]`},
		{"/weights", `[2.5, 3]`},
		{"/filters", `["AB", "abcd", "ABCDE"]`},
		{"/grid", `[[1, 0.5], [true]]`},
		{"/owners", `[{"login": "ann"}, {"team": "core", "login": "ann"}]`},
		{"/notes", `[null, {"text": ""}]`},
	} {
		b.do(t, "type "+f.path+" as JSON",
			chromedp.Click(chromedp.CSS(field(f.path)+` > .field-line .json-toggle`)),
			chromedp.SetValue(chromedp.CSS(field(f.path)+` textarea`), f.value))
	}
	b.do(t, "send the JSON", send)
	wantErrs := []string{
		"tags/2: matches none of the 2 alternatives: Tag name: must match ^[a-z]+$; Tag id: must be an integer",
		"tags/3: matches none of the 2 alternatives: Tag name: must be a string; Tag id: must be ≥ 1",
		"owners/1: matches none of the 2 alternatives: User: team is not an allowed property; Team: login is not an allowed property",
		"grid/1/0: matches none of the 2 alternatives: Count: must be an integer; Ratio: must be a number",
		"notes/1/text: must be at least 1 characters (has 0)",
		"filters/1: matches none of the 2 alternatives: Short: must be at most 3 characters (has 4); Upper: must match ^[A-Z]+$",
	}
	if got := summary(); got != strings.Join(wantErrs, "\n") {
		t.Errorf("the errors read\n%s\nwant\n%s", got, strings.Join(wantErrs, "\n"))
	}
	b.do(t, "fix the JSON and send",
		chromedp.SetValue(chromedp.CSS(field("/tags")+` textarea`), `["red", 7]`),
		chromedp.SetValue(chromedp.CSS(field("/filters")+` textarea`), `["AB", "ABCDE"]`),
		chromedp.SetValue(chromedp.CSS(field("/grid")+` textarea`), `[[1, 0.5], []]`),
		chromedp.SetValue(chromedp.CSS(field("/owners")+` textarea`), `[{"login": "ann"}, {"team": "core"}]`),
		chromedp.SetValue(chromedp.CSS(field("/notes")+` textarea`), `[null, {"text": "x"}]`),
		send)
	want = `{"tags":["red",7],"owners":[{"login":"ann"},{"team":"core"}],"grid":[[1,0.5],[]],"notes":[null,{"text":"x"}],"filters":["AB","ABCDE"],"labels":{"x":true},"weights":[2.5,3]}`
	if got := receive(t, b, sent, "tags_set"); !jsonEqual(t, got, want) {
		t.Errorf("sent params %s, want %s", got, want)
	}

	checkNoStrayText(t, b, []string{"undefined", "NaN", "[object Object]"})
	b.checkNoProblems(t)
}
