// Package cart keeps shoppers' carts in PostgreSQL: guest carts behind a cookie, signed-in carts per user,
// merged at sign-in. A cart belongs to a market; each line keeps the price and exchange rate it was added at,
// so the shopper sees the same price in the cart, at checkout and on the order. Switching market re-prices the
// cart with a notice.
package cart

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/catalog"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
	"storefront/internal/pricing"
)

// Limits a shopper meets: units per line and lines per cart.
const (
	MaxPerLine = 10
	MaxLines   = 50
	// RepriceAfter is how long a line's exchange rate stays locked in the cart; after it the line is priced again
	// at the day's rate (and the shopper told).
	RepriceAfter = 24 * time.Hour
)

// Ref identifies a cart: a signed-in shopper's, or a guest's by cookie token.
type Ref struct {
	UserID int64
	Token  string
	// Fresh marks a guest token minted for this request: no cart can exist for it yet, so none is looked for.
	Fresh bool
}

// Line is a cart line with the price captured when it was added.
type Line struct {
	VariantID  int64
	Quantity   int
	Price      pricing.Price
	CapturedAt time.Time
}

// Cart is a shopper's cart.
type Cart struct {
	ID        int64
	UserID    int64
	Market    string
	Currency  string
	Lines     []Line
	UpdatedAt time.Time
}

// Catalog is what the cart needs of the catalog.
type Catalog interface {
	Items(ctx context.Context, ids []int64, locale, market string) (map[int64]catalog.Item, error)
}

// Prices is what the cart needs of pricing.
type Prices interface {
	Price(ctx context.Context, m pricing.Market, country string, in pricing.PriceInput, at time.Time) (pricing.Price, error)
	PriceWithRate(m pricing.Market, country string, in pricing.PriceInput, fx pricing.FXQuote, listPrice *decimal.Decimal, at time.Time) (pricing.Price, error)
	// Market returns a market by code (a signed-in shopper's cart may be in another market than the request).
	Market(code string) (pricing.Market, error)
}

// Stock is what the cart needs of inventory: live stock for the cart page, and the stock storefront pages show
// (at most inventory.ShownStockMaxAge old) for checking an add or a quantity change. The cart sells nothing:
// checkout reserves live stock when the order is placed, and the cart page flags lines stock no longer covers.
type Stock interface {
	Available(ctx context.Context, variantIDs []int64) (map[int64]int, error)
	AvailableToShow(ctx context.Context, variantIDs []int64) (map[int64]int, error)
}

// Service is the cart module's API.
type Service struct {
	pool    *pgxpool.Pool
	log     *slog.Logger
	catalog Catalog
	prices  Prices
	stock   Stock
	now     func() time.Time
}

// NewService returns the cart service.
func NewService(pool *pgxpool.Pool, log *slog.Logger, cat Catalog, prices Prices, stock Stock) (*Service, error) {
	if pool == nil || log == nil || cat == nil || prices == nil || stock == nil {
		return nil, errors.New("cart: NewService needs a pool, a logger, the catalog, pricing and stock")
	}
	return &Service{pool: pool, log: log, catalog: cat, prices: prices, stock: stock, now: time.Now}, nil
}

// Shopper is where the cart is being used: the market, the country within it and the language.
type Shopper struct {
	Market  pricing.Market
	Country string
	Locale  string
}

// Errors the shopper sees.
var (
	ErrUnavailable  = httpx.Fail(httpx.ErrConflict, "cart.Unavailable", nil)
	ErrNotInCart    = fmt.Errorf("cart: line %w", httpx.ErrNotFound)
	errTooManyLines = httpx.Fail(httpx.ErrConflict, "cart.TooManyLines", map[string]any{"Max": MaxLines})
)

// Get returns the ref's cart; an empty cart (ID 0) when there is none.
func (s *Service) Get(ctx context.Context, ref Ref) (Cart, error) {
	c, _, err := store{db: s.pool}.find(ctx, ref)
	return c, err
}

// Count returns the number of units in the cart, for the header.
func (s *Service) Count(ctx context.Context, ref Ref) (int, error) {
	if ref.UserID == 0 && ref.Token == "" {
		return 0, nil
	}
	return store{db: s.pool}.count(ctx, ref)
}

// priceLine prices a variant for the shopper now.
func (s *Service) priceLine(ctx context.Context, sh Shopper, it catalog.Item) (pricing.Price, error) {
	return s.prices.Price(ctx, sh.Market, sh.Country, pricing.PriceInput{VariantID: it.ID, SKU: it.SKU, BaseNet: it.BasePrice,
		TaxCategory: pricing.TaxCategory(it.TaxCategory)}, s.now())
}

// Add puts qty units of a variant in the cart (adding to a line already there), priced now. Errors (user
// errors, ErrInvalid or ErrConflict): quantity below 1, over MaxPerLine, more than in stock, a variant not sold in
// the market; ErrNotFound for an unknown variant.
func (s *Service) Add(ctx context.Context, ref Ref, sh Shopper, variantID int64, qty int) error {
	if qty < 1 {
		return httpx.Invalid("qty", "cart.QuantityPositive", nil)
	}
	items, err := s.catalog.Items(ctx, []int64{variantID}, sh.Locale, sh.Market.Code)
	if err != nil {
		return err
	}
	it, ok := items[variantID]
	if !ok {
		return fmt.Errorf("cart: variant %d: %w", variantID, httpx.ErrNotFound)
	}
	if !it.Sellable {
		return ErrUnavailable
	}
	// Everything read from other modules is read before the transaction: a request holding a connection while it
	// waits for another one from the same pool deadlocks the shop once every connection is held that way.
	avail, err := s.stock.AvailableToShow(ctx, []int64{variantID})
	if err != nil {
		return err
	}
	price, err := s.priceLine(ctx, sh, it)
	if err != nil {
		return err
	}
	checkQuantity := func(quantity int) error {
		if quantity > MaxPerLine {
			return httpx.Invalid("qty", "cart.MaxPerLine", map[string]any{"Max": MaxPerLine})
		}
		if quantity > avail[variantID] {
			if avail[variantID] <= 0 {
				return httpx.Fail(httpx.ErrConflict, "cart.OutOfStock", map[string]any{"Title": it.Title})
			}
			return httpx.Fail(httpx.ErrConflict, "cart.OnlyAvailable", map[string]any{"Title": it.Title, "Count": avail[variantID]})
		}
		return nil
	}
	// Checked on its own first, so that no quantity, however large, overflows when added to the line's.
	if err := checkQuantity(qty); err != nil {
		return err
	}
	line := Line{VariantID: variantID, Quantity: qty, Price: price, CapturedAt: s.now()}
	if ref.Fresh {
		// A cart that cannot exist yet: create it with its line in one statement.
		return store{db: s.pool}.createWithLine(ctx, ref, sh.Market.Code, sh.Market.Currency, line)
	}
	var plan *repricing
	for {
		err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
			st := store{db: tx}
			c, found, err := st.find(ctx, ref)
			if err != nil {
				return err
			}
			if !found {
				if c, err = st.create(ctx, ref, sh.Market.Code, sh.Market.Currency); err != nil {
					return err
				}
			}
			if c.Market != sh.Market.Code {
				// The cart was priced in another market: bring it over before adding, with prices worked out
				// outside the transaction.
				if plan == nil {
					return &needsRepricing{lines: c.Lines}
				}
				// Nothing is dropped here, where the shopper could not be told: lines the market does not sell
				// stay (the cart shows them as problems), and the cart page removes what cannot be priced, naming
				// it.
				if _, err := s.applyReprice(ctx, st, &c, sh, plan, false); err != nil {
					return err
				}
			}
			line := line
			existing := false
			for _, l := range c.Lines {
				if l.VariantID == variantID {
					line.Quantity += l.Quantity
					existing = true
				}
			}
			if !existing && len(c.Lines) >= MaxLines {
				return errTooManyLines
			}
			if err := checkQuantity(line.Quantity); err != nil {
				return err
			}
			if err := st.putLine(ctx, c.ID, line); err != nil {
				return err
			}
			if !found {
				return nil // created just now
			}
			return st.touch(ctx, c.ID)
		})
		var needs *needsRepricing
		if !errors.As(err, &needs) || plan != nil {
			return err
		}
		if plan, err = s.planReprice(ctx, needs.lines, sh, false); err != nil {
			return err
		}
	}
}

// needsRepricing stops a cart change that found lines priced for another market: they are priced again outside
// the transaction, then the change is tried again.
type needsRepricing struct {
	lines []Line
	// market is the code of the market to price them for ("" for the shopper's).
	market string
}

func (*needsRepricing) Error() string {
	return "cart: the cart must be priced for the new market first"
}

// SetQuantity changes a line's quantity; 0 removes it. Errors as Add; ErrNotInCart for a variant not in the cart.
func (s *Service) SetQuantity(ctx context.Context, ref Ref, sh Shopper, variantID int64, qty int) error {
	if qty < 0 {
		return httpx.Invalid("qty", "cart.QuantityPositive", nil)
	}
	if qty > MaxPerLine {
		return httpx.Invalid("qty", "cart.MaxPerLine", map[string]any{"Max": MaxPerLine})
	}
	avail, err := s.stock.AvailableToShow(ctx, []int64{variantID})
	if err != nil {
		return err
	}
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		c, found, err := st.find(ctx, ref)
		if err != nil {
			return err
		}
		var line *Line
		for i := range c.Lines {
			if c.Lines[i].VariantID == variantID {
				line = &c.Lines[i]
			}
		}
		if !found || line == nil {
			return ErrNotInCart
		}
		if qty == 0 {
			if err := st.deleteLine(ctx, c.ID, variantID); err != nil {
				return err
			}
			return st.touch(ctx, c.ID)
		}
		if qty > line.Quantity && qty > avail[variantID] {
			return httpx.Fail(httpx.ErrConflict, "cart.QuantityAvailable", map[string]any{"Count": avail[variantID]})
		}
		line.Quantity = qty
		if err := st.putLine(ctx, c.ID, *line); err != nil {
			return err
		}
		return st.touch(ctx, c.ID)
	})
}

// Remove deletes a line. Removing a line that is not there is not an error (a double click).
func (s *Service) Remove(ctx context.Context, ref Ref, variantID int64) error {
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		c, found, err := st.find(ctx, ref)
		if err != nil || !found {
			return err
		}
		if err := st.deleteLine(ctx, c.ID, variantID); err != nil {
			return err
		}
		return st.touch(ctx, c.ID)
	})
}

// repricing is a cart's lines priced again for a market, worked out before the transaction that applies it.
type repricing struct {
	market string
	// prices are the new prices by variant.
	prices map[int64]pricing.Price
	// removed are the lines the market cannot take, by variant: the item's title in the shopper's language, or
	// "" for a variant no longer in the catalog.
	removed map[int64]string
	// seen are the variants the plan looked at; a line added since is not among them.
	seen map[int64]bool
}

// covers reports whether the plan was made for the market and looked at every line.
func (p *repricing) covers(market string, lines []Line) bool {
	if p == nil || p.market != market {
		return false
	}
	for _, l := range lines {
		if !p.seen[l.VariantID] {
			return false
		}
	}
	return true
}

// planReprice prices lines again for the shopper's market at today's rates. Variants no longer in the catalog
// cannot be priced and are listed as removed; so are items the market does not sell when dropUnsold (a cart
// moving to another market), which are otherwise priced and kept (the cart shows them as problems). It reads the
// catalog and pricing, so it runs before the transaction that applies it: a request holding a connection in a
// transaction while another module waits for one from the same pool deadlocks the shop under load.
func (s *Service) planReprice(ctx context.Context, lines []Line, sh Shopper, dropUnsold bool) (*repricing, error) {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.VariantID
	}
	items, err := s.catalog.Items(ctx, ids, sh.Locale, sh.Market.Code)
	if err != nil {
		return nil, err
	}
	plan := &repricing{market: sh.Market.Code, prices: map[int64]pricing.Price{}, removed: map[int64]string{},
		seen: map[int64]bool{}}
	for _, l := range lines {
		plan.seen[l.VariantID] = true
		it, ok := items[l.VariantID]
		switch {
		case !ok:
			plan.removed[l.VariantID] = ""
		case !it.Sellable && dropUnsold:
			plan.removed[l.VariantID] = it.Title
		default:
			if plan.prices[l.VariantID], err = s.priceLine(ctx, sh, it); err != nil {
				return nil, err
			}
		}
	}
	return plan, nil
}

// applyReprice writes a repricing into c inside the caller's transaction and moves the cart to the shopper's
// market. With drop, the lines the plan removes are deleted and their titles returned ("" for a variant no
// longer in the catalog); otherwise they stay as they are, as do lines added since the plan was made, for the
// cart page to deal with (it re-prices lines in another currency, and tells the shopper what it removes).
func (s *Service) applyReprice(ctx context.Context, st store, c *Cart, sh Shopper, plan *repricing, drop bool) ([]string, error) {
	var kept []Line
	var removed []string
	for _, l := range c.Lines {
		if title, ok := plan.removed[l.VariantID]; ok && drop {
			if err := st.deleteLine(ctx, c.ID, l.VariantID); err != nil {
				return nil, err
			}
			removed = append(removed, title)
			continue
		}
		if price, ok := plan.prices[l.VariantID]; ok {
			l.Price, l.CapturedAt = price, s.now()
			if err := st.putLine(ctx, c.ID, l); err != nil {
				return nil, err
			}
		}
		kept = append(kept, l)
	}
	c.Lines = kept
	c.Market, c.Currency = sh.Market.Code, sh.Market.Currency
	return removed, st.setMarket(ctx, c.ID, c.Market, c.Currency)
}

// fits reports whether a line's price can be shown in the market as it is: in its currency, and (unless it
// came from a price list) with a locked rate into that currency.
func (l Line) fits(m pricing.Market) bool {
	if l.Price.Shown.Currency != m.Currency {
		return false
	}
	return l.Price.FromPriceList || l.Price.FX.Quote == m.Currency
}

// repriceReason tells why the cart must be priced again before it is shown to the shopper, as the notice's
// message ID: another market, lines priced in another currency (a cart is in one currency; a line that is not
// cannot be shown, so it is priced again rather than failing the page), or rates locked longer than
// RepriceAfter. "" when the lines can be shown with their locked rates.
func (s *Service) repriceReason(c Cart, sh Shopper) string {
	if c.Market != sh.Market.Code || c.Currency != sh.Market.Currency {
		return "cart.RepricedMarket"
	}
	reason := ""
	for _, l := range c.Lines {
		if !l.fits(sh.Market) {
			return "cart.RepricedMarket"
		}
		if s.now().Sub(l.CapturedAt) > RepriceAfter {
			reason = "cart.RepricedRate"
		}
	}
	return reason
}

// ViewLine is a cart line as the shopper sees it now.
type ViewLine struct {
	Line
	Item      catalog.Item
	Available int
	// Problem is a message ID when the line cannot be bought as it is (no longer sold here, out of stock, more
	// than in stock); "" when it can.
	Problem string
	Total   money.Amount
}

// Notice is something the shopper is told about their cart: a message ID and its template data (the page adds
// the country as "Country").
type Notice struct {
	ID   string
	Data map[string]any
}

// View is the cart as shown: priced lines, problems, notices and totals.
type View struct {
	Cart
	Lines    []ViewLine
	Shopper  Shopper
	Notices  []Notice
	Subtotal money.Amount
	Units    int
	// CanCheckout is true when the cart is not empty and every line can be bought.
	CanCheckout bool
}

// View prices the cart for the shopper. Lines keep their locked exchange rate; a cart from another market,
// lines in another currency than the market's, or lines locked longer than RepriceAfter are priced again and the
// shopper is told, by name, of every item removed on the way (not sold in the new market, or no longer sold at
// all). Writes only when something had to be re-priced; other modules are only called outside the transaction.
func (s *Service) View(ctx context.Context, ref Ref, sh Shopper) (View, error) {
	v := View{Shopper: sh, Subtotal: money.Amount{Number: decimal.Zero, Currency: sh.Market.Currency}}
	c, found, err := store{db: s.pool}.find(ctx, ref)
	if err != nil || !found {
		return v, err
	}
	if reason := s.repriceReason(c, sh); reason != "" && len(c.Lines) > 0 {
		// Items a market does not sell leave the cart when it moves there; in its own market they stay, shown as
		// problems, until the shopper removes them.
		plan, err := s.planReprice(ctx, c.Lines, sh, c.Market != sh.Market.Code)
		if err != nil {
			return v, err
		}
		var removed []string
		err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
			st := store{db: tx}
			// Read again: the cart may have changed since the plan was made.
			cur, found, err := st.find(ctx, ref)
			if err != nil || !found {
				c = Cart{}
				return err
			}
			removed, err = s.applyReprice(ctx, st, &cur, sh, plan, true)
			c = cur
			return err
		})
		if err != nil {
			return v, err
		}
		v.Notices = append(v.Notices, Notice{ID: reason})
		for _, title := range removed {
			if title == "" {
				v.Notices = append(v.Notices, Notice{ID: "cart.RemovedDiscontinued"})
				continue
			}
			v.Notices = append(v.Notices, Notice{ID: "cart.RemovedNotSold", Data: map[string]any{"Item": title}})
		}
	}
	v.Cart = c
	if len(c.Lines) == 0 {
		return v, nil
	}
	ids := make([]int64, len(c.Lines))
	for i, l := range c.Lines {
		ids[i] = l.VariantID
	}
	items, err := s.catalog.Items(ctx, ids, sh.Locale, sh.Market.Code)
	if err != nil {
		return v, err
	}
	avail, err := s.stock.Available(ctx, ids)
	if err != nil {
		return v, err
	}
	v.CanCheckout = true
	for _, l := range c.Lines {
		vl := ViewLine{Line: l, Available: avail[l.VariantID]}
		it, ok := items[l.VariantID]
		switch {
		case !ok:
			vl.Problem = "cart.Discontinued"
		case !it.Sellable:
			vl.Item, vl.Problem = it, "cart.LineUnavailable"
		default:
			vl.Item = it
			// The locked rate, with the product's current base price (or its current price-list price).
			price, err := s.lineWithLockedRate(ctx, sh, it, l)
			if err != nil {
				return v, err
			}
			vl.Price = price
			if vl.Available <= 0 {
				vl.Problem = "cart.LineOutOfStock"
			} else if l.Quantity > vl.Available {
				vl.Problem = "cart.LineTooMany"
			}
		}
		if vl.Problem != "" {
			v.CanCheckout = false
		}
		vl.Total = money.Amount{Number: vl.Price.Shown.Number.Mul(decimal.NewFromInt(int64(l.Quantity))), Currency: sh.Market.Currency}
		if vl.Problem == "" || vl.Problem == "cart.LineTooMany" {
			v.Subtotal.Number = v.Subtotal.Number.Add(vl.Total.Number)
			v.Units += l.Quantity
		}
		v.Lines = append(v.Lines, vl)
	}
	return v, nil
}

// lineWithLockedRate prices a line with the exchange rate it was added at, so the price does not move with the
// currency markets while the shopper shops; price-list prices need no rate.
func (s *Service) lineWithLockedRate(ctx context.Context, sh Shopper, it catalog.Item, l Line) (pricing.Price, error) {
	in := pricing.PriceInput{VariantID: it.ID, SKU: it.SKU, BaseNet: it.BasePrice, TaxCategory: pricing.TaxCategory(it.TaxCategory)}
	current, err := s.prices.Price(ctx, sh.Market, sh.Country, in, s.now())
	if err != nil {
		return pricing.Price{}, err
	}
	if current.FromPriceList {
		return current, nil
	}
	if l.Price.FromPriceList || !l.fits(sh.Market) {
		// No rate to keep: the line's list price is gone, or the line joined the cart after it was re-priced.
		return current, nil
	}
	return s.prices.PriceWithRate(sh.Market, sh.Country, in, l.Price.FX, nil, s.now())
}

// Merge moves a guest cart into the user's cart at sign-in; sh is where the shopper signed in. A user without a
// cart adopts the guest cart as it is (the cart page re-prices it for wherever it is shown). Otherwise the guest's
// lines join the user's cart in that cart's market: lines priced for another market (or in another currency)
// are priced again for it first, outside the transaction; an item in both carts keeps the user's line with the
// quantities added up to at most MaxPerLine; lines beyond MaxLines are left out. The guest cart is deleted.
func (s *Service) Merge(ctx context.Context, guestToken string, userID int64, sh Shopper) error {
	if guestToken == "" || userID == 0 {
		return nil
	}
	var plan *repricing
	for attempt := 0; ; attempt++ {
		err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
			st := store{db: tx}
			guest, found, err := st.find(ctx, Ref{Token: guestToken})
			if err != nil || !found {
				return err
			}
			user, found, err := st.find(ctx, Ref{UserID: userID})
			if err != nil {
				return err
			}
			if !found {
				return st.adopt(ctx, guest.ID, userID)
			}
			var foreign []Line
			for _, l := range guest.Lines {
				if guest.Market != user.Market || !l.fits(pricing.Market{Currency: user.Currency}) {
					foreign = append(foreign, l)
				}
			}
			repriced := map[int64]pricing.Price{}
			if len(foreign) > 0 {
				if !plan.covers(user.Market, foreign) {
					return &needsRepricing{lines: foreign, market: user.Market}
				}
				for _, l := range foreign {
					if p, ok := plan.prices[l.VariantID]; ok {
						repriced[l.VariantID] = p
					}
				}
			}
			if err := s.mergeLines(ctx, st, user, guest.Lines, repriced); err != nil {
				return err
			}
			return st.deleteCart(ctx, guest.ID)
		})
		var needs *needsRepricing
		if !errors.As(err, &needs) || attempt >= 3 {
			return err
		}
		target, err := s.shopperIn(needs.market, sh)
		if err != nil {
			return err
		}
		// Items the user's market does not sell are kept (priced there): the cart page shows them as problems,
		// and nothing disappears at sign-in without the shopper seeing it.
		if plan, err = s.planReprice(ctx, needs.lines, target, false); err != nil {
			return err
		}
	}
}

// mergeLines adds guest lines to the user's cart inside the caller's transaction, with the new prices of the
// lines that came from another market.
func (s *Service) mergeLines(ctx context.Context, st store, user Cart, guest []Line, repriced map[int64]pricing.Price) error {
	at := map[int64]int{}
	for i, l := range user.Lines {
		at[l.VariantID] = i
	}
	lines, left := len(user.Lines), 0
	for _, gl := range guest {
		if price, ok := repriced[gl.VariantID]; ok {
			gl.Price, gl.CapturedAt = price, s.now()
		}
		if i, ok := at[gl.VariantID]; ok {
			ul := user.Lines[i]
			ul.Quantity = min(ul.Quantity+gl.Quantity, MaxPerLine)
			if err := st.putLine(ctx, user.ID, ul); err != nil {
				return err
			}
			continue
		}
		if lines >= MaxLines {
			left++
			continue
		}
		gl.Quantity = min(gl.Quantity, MaxPerLine)
		if err := st.putLine(ctx, user.ID, gl); err != nil {
			return err
		}
		at[gl.VariantID] = len(user.Lines)
		user.Lines = append(user.Lines, gl)
		lines++
	}
	if left > 0 {
		s.log.InfoContext(ctx, "cart merge: the account's cart is full, guest lines left out", "cart", user.ID,
			"left_out", left, "max_lines", MaxLines)
	}
	return st.touch(ctx, user.ID)
}

// shopperIn is the shopper pricing in the market with the code: sh itself when it is sh's market, else the
// market's first country in sh's language.
func (s *Service) shopperIn(code string, sh Shopper) (Shopper, error) {
	if code == "" || code == sh.Market.Code {
		return sh, nil
	}
	m, err := s.prices.Market(code)
	if err != nil {
		return Shopper{}, fmt.Errorf("cart: market %s: %w", code, err)
	}
	if len(m.Countries) == 0 {
		return Shopper{}, fmt.Errorf("cart: market %s serves no country", code)
	}
	return Shopper{Market: m, Country: m.Countries[0], Locale: sh.Locale}, nil
}

// ClearTx empties a cart inside the caller's transaction (the order that bought it).
func (s *Service) ClearTx(ctx context.Context, tx pgx.Tx, cartID int64) error {
	return store{db: tx}.clear(ctx, cartID)
}

// DeleteAbandoned removes guest carts untouched for the given age; a periodic job calls it.
func (s *Service) DeleteAbandoned(ctx context.Context, age time.Duration) (int64, error) {
	return store{db: s.pool}.deleteAbandoned(ctx, s.now().Add(-age))
}
