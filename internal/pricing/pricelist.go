package pricing

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
)

// ErrListExists is returned when the market or currency already has its price list.
var ErrListExists = httpx.Fail(httpx.ErrConflict, "pricing.ListExists", nil)

// PriceList is a set of shelf prices by SKU for one market, or for every market of one currency. A market's
// list wins over its currency's list for the SKUs it has; SKUs in neither are converted.
type PriceList struct {
	ID   int64
	Name string
	// Exactly one of MarketCode and Currency is set.
	MarketCode string
	Currency   string
	CreatedAt  time.Time
	// Items is the number of SKUs in the list.
	Items int
}

// PriceListItem is one SKU's shelf price in a list: gross in tax-inclusive markets, net in the others.
type PriceListItem struct {
	SKU       string
	Price     decimal.Decimal
	UpdatedAt time.Time
	UpdatedBy string
}

// NewPriceList is the input of CreatePriceList: a name and exactly one of MarketCode and Currency.
type NewPriceList struct {
	Name       string
	MarketCode string
	Currency   string
}

// maxSKU is the longest SKU a list accepts (the catalog's limit is the same).
const maxSKU = 100

// PriceLists returns every price list, market lists first.
func (s *Service) PriceLists(ctx context.Context) ([]PriceList, error) {
	return s.store().priceLists(ctx)
}

// PriceList returns one list. Errors: ErrNotFound.
func (s *Service) PriceList(ctx context.Context, id int64) (PriceList, error) {
	return s.store().priceList(ctx, id)
}

// ListCurrency is the currency of a list's prices: its own, or its market's.
func (s *Service) ListCurrency(l PriceList) (string, error) {
	if l.Currency != "" {
		return l.Currency, nil
	}
	m, err := s.Market(l.MarketCode)
	if err != nil {
		return "", err
	}
	return m.Currency, nil
}

// CreatePriceList creates a list for a market or a currency. Errors: field errors (ErrInvalid) for a missing or
// overlong name, an unknown market or currency, both or neither scope; ErrListExists (ErrConflict) when the
// scope already has a list.
func (s *Service) CreatePriceList(ctx context.Context, in NewPriceList) (PriceList, error) {
	in.Name = strings.TrimSpace(in.Name)
	var fe httpx.FieldErrors
	if in.Name == "" || len(in.Name) > 200 {
		fe.Add("name", "pricing.ListNameInvalid", nil)
	}
	switch {
	case (in.MarketCode == "") == (in.Currency == ""):
		fe.Add("scope", "pricing.ListScopeInvalid", nil)
	case in.MarketCode != "":
		if _, err := s.Market(in.MarketCode); err != nil {
			fe.Add("scope", "pricing.ListScopeInvalid", nil)
		}
	case !money.IsCurrency(in.Currency):
		fe.Add("scope", "pricing.ListScopeInvalid", nil)
	}
	if err := fe.Err(); err != nil {
		return PriceList{}, err
	}
	id, err := s.store().insertList(ctx, in.Name, in.MarketCode, in.Currency)
	if err != nil {
		return PriceList{}, err
	}
	return s.store().priceList(ctx, id)
}

// PriceListItems returns up to limit items of a list whose SKU starts with skuPrefix ("" for all), by SKU.
func (s *Service) PriceListItems(ctx context.Context, listID int64, skuPrefix string, limit int) ([]PriceListItem, error) {
	return s.store().listItems(ctx, listID, strings.TrimSpace(skuPrefix), limit)
}

// SetPriceListItem sets a SKU's price in a list (adds or replaces it), then reloads. Errors: ErrNotFound for an
// unknown list; field errors (ErrInvalid) for an empty or overlong SKU, a price that is not positive or has
// more decimals than the list's currency.
func (s *Service) SetPriceListItem(ctx context.Context, listID int64, sku string, price decimal.Decimal) error {
	l, err := s.PriceList(ctx, listID)
	if err != nil {
		return err
	}
	cur, err := s.ListCurrency(l)
	if err != nil {
		return err
	}
	sku = strings.TrimSpace(sku)
	var fe httpx.FieldErrors
	if sku == "" || len(sku) > maxSKU {
		fe.Add("sku", "pricing.SKUInvalid", map[string]any{"Max": maxSKU})
	}
	places := minorUnits(cur)
	switch {
	case !price.IsPositive():
		fe.Add("price", "pricing.PriceNotPositive", nil)
	case !price.Equal(price.Round(places)):
		fe.Add("price", "pricing.PriceTooPrecise", map[string]any{"Currency": cur, "Places": places})
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.store().upsertItem(ctx, listID, sku, price.Round(places), actor.Label(ctx)); err != nil {
		return err
	}
	return s.Reload(ctx)
}

// DeletePriceListItem removes a SKU from a list, then reloads; the SKU is then priced by the next list or by
// conversion. Errors: ErrNotFound when the list does not have the SKU.
func (s *Service) DeletePriceListItem(ctx context.Context, listID int64, sku string) error {
	if err := s.store().deleteItem(ctx, listID, strings.TrimSpace(sku)); err != nil {
		return err
	}
	return s.Reload(ctx)
}
