package returns

import (
	"errors"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
)

// message translates a user error for the page, formatting its amounts, dates and return statuses for the
// locale; ok is false for any other error.
func message(loc *intl.Locale, err error) (string, bool) {
	var ue *httpx.UserError
	if !errors.As(err, &ue) {
		return "", false
	}
	return userMessage(loc, ue), true
}

func userMessage(loc *intl.Locale, ue *httpx.UserError) string {
	data := make(map[string]any, len(ue.Data))
	for k, v := range ue.Data {
		switch x := v.(type) {
		case money.Amount:
			data[k] = loc.Money(x)
		case time.Time:
			data[k] = loc.Date(x)
		case Status:
			data[k] = loc.T("returns.Status." + string(x))
		default:
			data[k] = v
		}
	}
	return loc.Message(ue.MessageID, data)
}

// fieldMessages translates field errors: the message of one field, and all of them for the summary.
type fieldMessages struct {
	loc  *intl.Locale
	errs httpx.FieldErrors
}

func (f fieldMessages) of(field string) string {
	if e := f.errs.For(field); e != nil {
		return userMessage(f.loc, e)
	}
	return ""
}

func (f fieldMessages) all() []string {
	var out []string
	for _, e := range f.errs {
		if m := userMessage(f.loc, e); !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func statusKind(s Status) string {
	switch s {
	case StatusRefunded, StatusApproved, StatusReceived, StatusInspected:
		return "ok"
	case StatusRequested:
		return "warn"
	case StatusRejected:
		return "bad"
	}
	return ""
}

// breakdownView shows a refund: to ops every component (they confirm what is sent), to the shopper the parts
// that are not zero.
func breakdownView(loc *intl.Locale, b Breakdown, title string, ops bool) ui.BreakdownProps {
	p := ui.BreakdownProps{Title: title}
	amt := func(d decimal.Decimal) string { return loc.Money(b.Amount(d)) }
	row := func(label string, d decimal.Decimal, note string) {
		if ops || !d.IsZero() {
			p.Rows = append(p.Rows, ui.BreakdownRow{Label: label, Amount: amt(d), Note: note})
		}
	}
	goodsNote := ""
	if b.TaxIncluded.IsPositive() {
		goodsNote = loc.T("returns.OfWhichTax", "Amount", amt(b.TaxIncluded))
	}
	p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.N("returns.Goods", units(b)), Amount: amt(b.Goods), Note: goodsNote})
	taxLabel := loc.T("returns.Tax")
	if b.TaxIncluded.IsPositive() {
		taxLabel = loc.T("returns.TaxAdjustment")
	}
	row(taxLabel, b.Tax, "")
	row(loc.T("returns.Duty"), b.Duty, "")
	shipNote := ""
	if b.ShippingRefunded {
		shipNote = loc.T("returns.ShippingRefundedNote")
	}
	row(loc.T("returns.Shipping"), b.Shipping, shipNote)
	if ops || b.RestockingFee.IsPositive() {
		note := ""
		if b.FeeRate.IsPositive() {
			note = loc.T("returns.FeeNote", "Rate", loc.Percent(b.FeeRate))
		}
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("returns.RestockingFee"), Amount: amt(b.RestockingFee.Neg()), Note: note})
	}
	p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("returns.RefundTotal"), Amount: amt(b.Total), Strong: true})
	if ops {
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("returns.Currency"), Amount: b.Currency})
	}
	if b.DAP() {
		p.Notices = append(p.Notices, loc.T("returns.DAPNotice"))
	}
	return p
}

func units(b Breakdown) int {
	n := 0
	for _, l := range b.Lines {
		n += l.Units
	}
	return n
}
