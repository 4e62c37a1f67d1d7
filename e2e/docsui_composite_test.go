package e2e

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// compositeDoc is a document whose schemas use the composite forms of JSON Schema that
// large third-party documents use (issue 17): allOf inside allOf with a oneOf of two
// objects, a oneOf of strings with different patterns and an enum, nullable values whose
// null branch has a title, tuple items, allOf with a $ref, recursive components, method
// links and components.links, examples by position, and long method names that differ
// only at their end.
const compositeDoc = "testdata/composite-openrpc.json"

// propertyNames lists every name under a "properties" keyword anywhere in the document.
func propertyNames(t *testing.T, doc []byte) []string {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for name := range props {
					seen[name] = true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(root)
	var out []string
	for name := range seen {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// TestDocsUI_CompositeSchemas renders the composite document: every property it names is
// shown as a field, visible once the alternatives are unfolded; composite schemas are
// explained (alternatives with their labels and patterns, merged allOf with links to the
// parts, the nullable result's fields, tuple positions, links); and Try it builds the
// params of a oneOf alternative, checks them against that alternative, and sends them.
func TestDocsUI_CompositeSchemas(t *testing.T) {
	doc, err := os.ReadFile(compositeDoc)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	page, sent := docPage(t, doc, "")
	b.viewport(t, 1400, 900, false)
	openDocPage(t, b, page)

	b.do(t, "unfold every alternative", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#main details').forEach(d => d.open = true)`))
	shown := eval[[]string](t, b, `[...document.querySelectorAll('#main .field-name')].filter(e => e.checkVisibility()).map(e => e.textContent)`)
	for _, name := range propertyNames(t, doc) {
		if !slices.Contains(shown, name) {
			t.Errorf("property %s is not shown as a visible field", name)
		}
	}

	const submit = `article.method[data-method="ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFee"]`
	for _, tt := range []struct {
		what, expr, want string
	}{
		// The transaction param: allOf of a sender and an object with its own allOf and a
		// oneOf of two fee models, shown as fields and labelled alternatives.
		{"the transaction param's fields", `[...document.querySelectorAll('` + submit + ` .method-docs > .fields > .field:first-child > .fields > .field > .field-head .field-name')].map(e => e.textContent).join(',')`, "from,nonce,to,value,memo"},
		{"the fee models", `[...document.querySelectorAll('` + submit + ` .method-docs .alt-label')].map(e => e.textContent).join(',')`, "Legacy fee,Dynamic fee"},
		{"the transaction param's type", `document.querySelector('` + submit + ` .method-docs .field-head .type').textContent`, "Legacy fee | Dynamic fee"},
		// A oneOf of strings: three labelled alternatives, each with its pattern or values.
		{"BlockTag's type", `document.querySelector('#schema-BlockTag .badges .type').textContent`, "Block number | Block hash | Named block"},
		{"BlockTag's alternatives", `[...document.querySelectorAll('#schema-BlockTag .alt')].map(a => a.querySelector('.alt-label').textContent + ': ' + [...a.querySelectorAll('.chip')].map(c => c.textContent).join(' ')).join('; ')`,
			`Block number: pattern ^0x([1-9a-f][0-9a-f]*|0)$; Block hash: pattern ^0x[0-9a-f]{64}$; Named block: one of "earliest", "finalized", "safe", "latest", "pending"`},
		// Alternatives without titles are told apart by their fields, or counted.
		{"untitled objects", `document.querySelector('article.method[data-method="ledger_receipt_get"] .method-docs .field:nth-child(2) .type').textContent`, "object {emitter} | object {topic, position}"},
		{"untitled strings", `document.querySelector('article.method[data-method="ledger_receipt_get"] .method-docs .field:nth-child(3) .type').textContent`, "string (any of 2)"},
		// Nullable results, the null branch titled: the object's fields are shown.
		{"the nullable result's type", `document.querySelector('article.method[data-method="ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFeeAndWait"] .method-docs > .fields:nth-of-type(2) .type').textContent`, "object | null"},
		{"the nullable result's fields", `[...document.querySelectorAll('article.method[data-method="ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFeeAndWait"] .method-docs > .fields:nth-of-type(2) .field-name')].map(e => e.textContent).join(',')`, "pending,transactionHash,queuedAt,position"},
		{"a $ref'd nullable result", `document.querySelector('` + submit + ` .method-docs > .fields:nth-of-type(2) .type').textContent`, "Receipt | null"},
		// allOf of a $ref and an object: the merged fields, with a link to the part.
		{"the block result's fields", `document.querySelectorAll('article.method[data-method="ledger_block_getBlockByNumber"] .method-docs > .fields:nth-of-type(2) > .field > .fields > .field').length`, "21"},
		{"the block result's parts", `[...document.querySelectorAll('article.method[data-method="ledger_block_getBlockByNumber"] .extends a')].map(a => a.getAttribute('href')).join(',')`, "#schema-BlockHeader"},
		{"SignedTransaction's parts", `[...document.querySelectorAll('#schema-SignedTransaction .extends a')].map(a => a.getAttribute('href')).join(',')`, "#schema-UnsignedTransaction"},
		{"SignedTransaction's fields", `[...document.querySelectorAll('#schema-SignedTransaction .field-name')].map(e => e.textContent).join(',')`, "from,to,input,chainId,r,s,yParity,kind"},
		{"a const", `[...document.querySelectorAll('#schema-SignedTransaction .chip')].map(e => e.textContent).join(',')`, `one of "0x0", "0x1"`},
		// Tuples by position, not, additional and pattern properties.
		{"Point's positions", `[...document.querySelectorAll('#schema-Point .field')].map(f => f.querySelector('.field-name').textContent + ' ' + f.querySelector('.type').textContent + ' ' + (f.querySelector('.tag') || {}).textContent).join(', ')`, "[0] number required, [1] number required, [2] string optional"},
		{"Point's type", `document.querySelector('#schema-Point .badges .type').textContent`, "[number, number, string]"},
		{"NotZero", `document.querySelector('#schema-NotZero .chip').textContent`, "not 0"},
		{"Labels", `[...document.querySelectorAll('#schema-Labels .chip')].map(e => e.textContent).join(',')`, "keys matching ^x-: integer,other keys: string"},
		// A recursive component links to itself rather than unfolding.
		{"TreeNode's children", `document.querySelector('#schema-TreeNode .field:nth-child(2) .type a').getAttribute('href')`, "#schema-TreeNode"},
		{"TreeNode's parent", `document.querySelector('#schema-TreeNode .field:nth-child(3) .type').textContent`, "TreeNode | null"},
		{"what TreeNode's null parent means", `document.querySelector('#schema-TreeNode .field:nth-child(3) .null-note').textContent`, "null: Root"},
		// Links of methods and of components.
		{"the method's link", `document.querySelector('` + submit + ` .link a').getAttribute('href')`, "#method-ledger_receipt_get"},
		{"the component link", `document.querySelector('#link-ParentBlock .link').textContent.replace(/\s+/g, ' ')`, "parent → calls ledger_block_getBlockByHashThe block before this one.hash ← $result.parentHash"},
		{"the component link's users", `document.querySelector('#link-ParentBlock .used-by a').getAttribute('href')`, "#method-ledger_block_getBlockByNumber"},
		// Examples by position: the list the document gives.
		{"an example by position", `JSON.stringify(JSON.parse(document.querySelector('article.method[data-method="ledger_block_getBlockByNumber"] .example pre').textContent).params)`, `["latest",true]`},
	} {
		if got := eval[string](t, b, `(() => { try { return String(`+tt.expr+`); } catch (e) { return 'error: ' + e.message; } })()`); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.what, got, tt.want)
		}
	}

	checkWholeNames(t, b)

	// Try it through the Dynamic fee alternative: its fields replace the legacy ones, and
	// the form checks the params against it before sending.
	b.do(t, "open the form and choose the dynamic fee",
		chromedp.Click(chromedp.CSS(submit+` .try-toggle`)),
		chromedp.SetValue(chromedp.CSS(submit+` select.alt-select[data-path="/transaction"]`), "1"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+submit+` select.alt-select[data-path="/transaction"]').dispatchEvent(new Event('change'))`))
	if n := eval[int](t, b, `document.querySelectorAll('`+submit+` [data-path="/transaction/gasPrice"]').length`); n != 0 {
		t.Errorf("the legacy fee's gasPrice input is still there after choosing the dynamic fee")
	}
	const from, to = "0x" + "00000000000000000000000000000000000000aa", "0x" + "00000000000000000000000000000000000000bb"
	b.do(t, "fill the dynamic-fee transaction but its tip",
		chromedp.SendKeys(chromedp.CSS(submit+` [data-path="/transaction/from"]`), from),
		chromedp.SendKeys(chromedp.CSS(submit+` [data-path="/transaction/to"]`), to),
		chromedp.SendKeys(chromedp.CSS(submit+` [data-path="/transaction/maxFeePerGas"]`), "0x3b9aca00"),
		chromedp.Click(chromedp.CSS(submit+` button.send`)))
	b.waitFor(t, "the form's errors", `document.querySelector('`+submit+` .form-errors:not([hidden])')`)
	if got := eval[string](t, b, `document.querySelector('`+submit+` .form-field[data-field="/transaction/maxPriorityFeePerGas"] .field-error').textContent`); !strings.Contains(got, "must match") {
		t.Errorf("the empty tip's error reads %q, want a pattern error next to it", got)
	}
	select {
	case p := <-sent:
		t.Fatalf("params that break the chosen alternative were sent: %s", p)
	default:
	}
	b.do(t, "fill the tip, include the block tag as a named block, and send",
		chromedp.SendKeys(chromedp.CSS(submit+` [data-path="/transaction/maxPriorityFeePerGas"]`), "0x1"),
		chromedp.Click(chromedp.CSS(submit+` .try-fields > .form-field[data-field="/blockTag"] > .field-line .toggle input`)),
		chromedp.SetValue(chromedp.CSS(submit+` select.alt-select[data-path="/blockTag"]`), "2"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+submit+` select.alt-select[data-path="/blockTag"]').dispatchEvent(new Event('change'))`),
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = String(['earliest', 'finalized', 'safe', 'latest', 'pending'].indexOf('safe')); s.dispatchEvent(new Event('change')); })(document.querySelector('`+submit+` select[data-path="/blockTag"]:not(.alt-select)'))`),
		chromedp.Click(chromedp.CSS(submit+` button.send`)))
	want := `{"transaction":{"from":"` + from + `","to":"` + to + `","maxFeePerGas":"0x3b9aca00","maxPriorityFeePerGas":"0x1"},"blockTag":"safe"}`
	if got := receive(t, b, sent, "ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFee"); !jsonEqual(t, got, want) {
		t.Errorf("sent params %s, want %s", got, want)
	}

	// A nullable field with its null toggle, and the legacy fee once more.
	b.do(t, "switch to the legacy fee, send memo null",
		chromedp.SetValue(chromedp.CSS(submit+` select.alt-select[data-path="/transaction"]`), "0"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+submit+` select.alt-select[data-path="/transaction"]').dispatchEvent(new Event('change'))`),
		chromedp.SendKeys(chromedp.CSS(submit+` [data-path="/transaction/gasPrice"]`), "0x10"),
		chromedp.Click(chromedp.CSS(submit+` .form-field[data-field="/transaction/memo"] > .field-line .toggle input`)),
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('`+submit+` .form-field[data-field="/transaction/memo"] > .field-line .toggle')].find(l => l.textContent.startsWith('null')).querySelector('input').click()`),
		chromedp.Click(chromedp.CSS(submit+` button.send`)))
	want = `{"transaction":{"from":"` + from + `","to":"` + to + `","memo":null,"gasPrice":"0x10"},"blockTag":"safe"}`
	if got := receive(t, b, sent, "ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFee"); !jsonEqual(t, got, want) {
		t.Errorf("sent params %s, want %s", got, want)
	}

	// A tuple by position, inside params by position.
	const walk = `article.method[data-method="ledger_tree_walk"]`
	b.do(t, "fill ledger_tree_walk's root and path",
		chromedp.Click(chromedp.CSS(walk+` .try-toggle`)),
		chromedp.SendKeys(chromedp.CSS(walk+` [data-path="/root/label"]`), "top"),
		chromedp.Click(chromedp.CSS(walk+` .try-fields > .form-field[data-field="/path"] > .field-line .toggle input`)),
		chromedp.SendKeys(chromedp.CSS(walk+` [data-path="/path/0"]`), "1.5"),
		chromedp.SendKeys(chromedp.CSS(walk+` [data-path="/path/1"]`), "-2"),
		chromedp.Click(chromedp.CSS(walk+` button.send`)))
	if got, want := receive(t, b, sent, "ledger_tree_walk"), `[{"label":"top"},[1.5,-2]]`; !jsonEqual(t, got, want) {
		t.Errorf("sent params %s, want %s", got, want)
	}

	// Any composite value can be typed as JSON instead: the editor starts from the form's value.
	b.do(t, "edit ledger_tree_walk's root as JSON",
		chromedp.Click(chromedp.CSS(walk+` .try-fields > .form-field[data-field="/root"] > .field-line .json-toggle`)))
	if got := eval[string](t, b, `JSON.stringify(JSON.parse(document.querySelector('`+walk+` .try-fields > .form-field[data-field="/root"] textarea').value))`); got != `{"label":"top"}` {
		t.Errorf("the JSON editor starts from %s, want the form's value", got)
	}
	b.do(t, "send a root with children as JSON",
		chromedp.SetValue(chromedp.CSS(walk+` .try-fields > .form-field[data-field="/root"] textarea`), `{"label": "x", "children": [{"label": "y"}]}`),
		chromedp.Click(chromedp.CSS(walk+` button.send`)))
	if got, want := receive(t, b, sent, "ledger_tree_walk"), `[{"label":"x","children":[{"label":"y"}]},[1.5,-2]]`; !jsonEqual(t, got, want) {
		t.Errorf("sent params %s, want %s", got, want)
	}

	checkNoStrayText(t, b, []string{"undefined", "NaN", "[object Object]"})
	for _, width := range []int64{1400, 390} {
		b.viewport(t, width, 900, width < 500)
		b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
		b.screenshot(t, "docsui-composite-"+strconv.FormatInt(width, 10), true)
		checkFits(t, b, width)
	}
	b.do(t, "open the contents", chromedp.Click(chromedp.CSS(`.menu-toggle`)))
	b.viewport(t, 390, 900, true)
	checkWholeNames(t, b)
	b.screenshot(t, "docsui-composite-390-menu", false)
	b.checkNoProblems(t)
}

// checkFits fails the test when the page is wider than width, naming the elements that
// stick out. (A phone's layout viewport grows to fit the page, so the window's own width
// does not tell.)
func checkFits(t *testing.T, b *browser, width int64) {
	t.Helper()
	w := strconv.FormatInt(width, 10)
	if wide := eval[[]string](t, b, `document.documentElement.scrollWidth <= `+w+` ? [] : [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > `+w+` + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > `+w+` + 1)).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className + ': ' + e.textContent.slice(0, 60))`); len(wide) > 0 {
		t.Errorf("at %d px the page is wider than the window; these stick out: %q", width, wide)
	}
}

// checkWholeNames fails the test unless the contents show the two long method names that
// differ only at their end whole, neither cut nor hidden.
func checkWholeNames(t *testing.T, b *browser) {
	t.Helper()
	names := eval[[]string](t, b, `[...document.querySelectorAll('#nav .nav-name')].filter(e => e.checkVisibility() && e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= e.closest('nav').getBoundingClientRect().right).map(e => e.textContent)`)
	for _, want := range []string{"ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFee", "ledger_transaction_submitSignedTransactionWithLegacyOrDynamicFeeAndWait"} {
		if !slices.Contains(names, want) {
			t.Errorf("the contents do not show %s whole; they show %q", want, names)
		}
	}
}
