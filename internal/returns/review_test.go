package returns

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestQueueBeyondTheLastPage: a page number too large for an offset is an empty page, not a database error.
func TestQueueBeyondTheLastPage(t *testing.T) {
	s := newShop(t)
	for _, page := range []string{"2", "999999999999999999", "-5", "x"} {
		if res := s.get("/admin/returns?page=" + page); res.code != http.StatusOK {
			t.Errorf("page %s: %d", page, res.code)
		}
	}
}

// TestListLoadsEachReturnsOwnLines: the queue's lines come in one query and still belong to their returns.
func TestListLoadsEachReturnsOwnLines(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	first := e.request(o, map[int]int{1: 2}, ReasonDefective)
	second := e.request(o, map[int]int{2: 1}, ReasonDamaged)
	list, err := e.svc.ReturnsOf(e.ctx, o.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("returns of the order: %v %v", list, err)
	}
	want := map[int64]string{first.ID: "1×2", second.ID: "2×1"}
	for _, r := range list {
		var got []string
		for _, l := range r.Lines {
			got = append(got, strconv.Itoa(l.OrderLineNo)+"×"+strconv.Itoa(l.Quantity))
		}
		if strings.Join(got, ",") != want[r.ID] {
			t.Errorf("%s lines %v, want %s", r.Number, got, want[r.ID])
		}
	}
	if none, err := e.svc.List(e.ctx, Filter{Query: "no such return"}, 10, 0); err != nil || len(none) != 0 {
		t.Errorf("empty page: %v %v", none, err)
	}
}

// TestOpsReadTheTrailInWords: statuses in refusals, refused refunds and refunded amounts are shown as words and
// formatted money, never as stored codes or message IDs (do fails on any message ID left on a page).
func TestOpsReadTheTrailInWords(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	r := s.inspected(o, map[int]int{1: 1}, ReasonDefective)
	base := "/admin/returns/" + strconv.FormatInt(r.ID, 10)
	if res := s.post(base+"/receive", nil); res.code != http.StatusConflict || !strings.Contains(html.UnescapeString(res.body), `from "Inspected" to "Received"`) {
		t.Errorf("a refused transition: %d, want the statuses in words", res.code)
	}
	b, err := s.svc.Preview(s.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := url.Values{"total": {b.Total.String()}, "currency": {b.Currency}}

	s.orders.captured[o.ID] = d("1") // ops refunded by hand meanwhile
	if res := s.post(base+"/refund", total); res.code != http.StatusConflict {
		t.Fatalf("too large: %d", res.code)
	}
	detail := s.get(base)
	if !strings.Contains(detail.body, "Refund refused") || !strings.Contains(detail.body, "more than what is left of the payment") {
		t.Errorf("the refused refund is not explained in words")
	}

	s.orders.captured[o.ID] = o.DueNow.Number
	if res := s.post(base+"/refund", total); res.code != http.StatusSeeOther {
		t.Fatalf("refund: %d %s", res.code, res.body)
	}
	detail = s.get(base)
	if !strings.Contains(detail.body, "€"+b.Total.StringFixed(2)) || strings.Contains(detail.body, b.Total.StringFixed(2)+" EUR") {
		t.Errorf("the refunded amount in the trail is not formatted for the reader")
	}
}

// TestTextAreaDescribedByItsHint: a text area without an error points at its hint, and carries no stray attribute.
func TestTextAreaDescribedByItsHint(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	page := s.get(formPath(o, keyOf(o)))
	if !strings.Contains(page.body, `<textarea id="f-comment" name="comment" rows="4" maxlength="2000" aria-describedby="h-f-comment">`) {
		t.Errorf("the comment field: %s", regexpTextarea.FindString(page.body))
	}
}

var regexpTextarea = regexp.MustCompile(`<textarea[^>]*>`)
