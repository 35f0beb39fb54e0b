package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/blob"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// ChangeTopic is the postgres.Changes topic of catalog writes.
const ChangeTopic = "catalog"

// Config is what NewService needs.
type Config struct {
	Pool  *pgxpool.Pool
	Blobs blob.Store
	Log   *slog.Logger
	// Locales are the shipped language codes ("en", "de", "zh-Hans"); texts in other locales are refused.
	Locales []string
	// Markets returns the codes of the shop's markets, for validating availability and requirements.
	Markets func() []string
}

// Service is the catalog's API.
type Service struct {
	pool    *pgxpool.Pool
	blobs   blob.Store
	log     *slog.Logger
	locales []string
	markets func() []string

	current  atomic.Pointer[snapshot]
	stale    atomic.Bool
	reloadMu sync.Mutex
	listings listingCache
}

// NewService returns the catalog service.
func NewService(c Config) (*Service, error) {
	if c.Pool == nil || c.Blobs == nil || c.Log == nil || len(c.Locales) == 0 || c.Markets == nil {
		return nil, errors.New("catalog: NewService needs a pool, a blob store, a logger, locales and markets")
	}
	s := &Service{pool: c.Pool, blobs: c.Blobs, log: c.Log, locales: c.Locales, markets: c.Markets}
	s.stale.Store(true)
	return s, nil
}

// Invalidate marks the read model stale; the next read rebuilds it. Subscribed to ChangeTopic, so a write on
// any instance reaches every instance.
func (s *Service) Invalidate() { s.stale.Store(true) }

// snap returns the current read model, rebuilding it first when it is stale.
func (s *Service) snap(ctx context.Context) (*snapshot, error) {
	if cur := s.current.Load(); cur != nil && !s.stale.Load() {
		return cur, nil
	}
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if cur := s.current.Load(); cur != nil && !s.stale.Load() {
		return cur, nil
	}
	// Cleared before loading: a change committed while we load marks it stale again.
	s.stale.Store(false)
	snap, err := store{db: s.pool}.load(ctx)
	if err != nil {
		s.stale.Store(true)
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	s.current.Store(snap)
	return snap, nil
}

// write runs fn in a transaction that also announces the change to every instance, then drops the local read
// model at once (the announcement to ourselves may arrive a moment later).
func (s *Service) write(ctx context.Context, fn func(st store) error) error {
	err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(store{db: tx}); err != nil {
			return err
		}
		return postgres.Notify(ctx, tx, ChangeTopic)
	})
	if err == nil {
		s.Invalidate()
	}
	return err
}

// ProductFields are a product's own fields (texts, variants and images are edited separately).
type ProductFields struct {
	CategoryID int64
	Status     Status
	Brand      string
	Supplier   string
}

func errSlugTaken(locale, slug string) error {
	return &httpx.UserError{Kind: httpx.ErrConflict, Field: "slug_" + locale, MessageID: "catalog.SlugTaken",
		Data: map[string]any{"Slug": slug, "Locale": locale}}
}

func errSKUTaken(sku string) error {
	return &httpx.UserError{Kind: httpx.ErrConflict, Field: "sku", MessageID: "catalog.SKUTaken", Data: map[string]any{"SKU": sku}}
}

func errCategoryCodeTaken(code string) error {
	return &httpx.UserError{Kind: httpx.ErrConflict, Field: "code", MessageID: "catalog.CategoryCodeTaken", Data: map[string]any{"Code": code}}
}

func (s *Service) validateFields(snap *snapshot, f ProductFields, fe *httpx.FieldErrors) {
	if snap.categories[f.CategoryID] == nil {
		fe.Add("category", "catalog.CategoryRequired", nil)
	}
	switch f.Status {
	case StatusDraft, StatusActive, StatusArchived:
	default:
		fe.Add("status", "catalog.StatusInvalid", nil)
	}
	if len(f.Brand) > 100 {
		fe.Add("brand", "catalog.TooLong", map[string]any{"Max": 100})
	}
	if len(f.Supplier) > 200 {
		fe.Add("supplier", "catalog.TooLong", map[string]any{"Max": 200})
	}
}

// Slugify turns a title into a URL slug: lower case, words joined by hyphens, letters of every script kept
// (Japanese titles give Japanese slugs), punctuation dropped.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 120 {
		out = strings.TrimSuffix(out[:120], "-")
	}
	return out
}

func (s *Service) knownLocale(locale string) bool { return containsString(s.locales, locale) }

// validateText checks one translation; a missing slug is made from the title.
func (s *Service) validateText(locale string, t *ProductText, fe *httpx.FieldErrors) {
	if !s.knownLocale(locale) {
		fe.Add("locale", "catalog.LocaleUnknown", map[string]any{"Locale": locale})
		return
	}
	t.Title = strings.TrimSpace(t.Title)
	t.Slug = strings.TrimSpace(t.Slug)
	if t.Title == "" {
		fe.Add("title_"+locale, "catalog.TitleRequired", nil)
	}
	if len(t.Title) > 200 {
		fe.Add("title_"+locale, "catalog.TooLong", map[string]any{"Max": 200})
	}
	if t.Slug == "" {
		t.Slug = Slugify(t.Title)
	} else {
		t.Slug = strings.ToLower(t.Slug)
	}
	if !slugPattern.MatchString(t.Slug) {
		fe.Add("slug_"+locale, "catalog.SlugInvalid", nil)
	}
	if len(t.Description) > 20000 {
		fe.Add("description_"+locale, "catalog.TooLong", map[string]any{"Max": 20000})
	}
	if len(t.SEOTitle) > 120 || len(t.SEODescription) > 320 {
		fe.Add("seo_"+locale, "catalog.SEOTooLong", nil)
	}
}

// CreateProduct creates a product with its texts (English is required: it is every other language's
// fallback). Errors: field errors (ErrInvalid); a slug taken in a locale (ErrConflict).
func (s *Service) CreateProduct(ctx context.Context, f ProductFields, texts map[string]ProductText) (int64, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return 0, err
	}
	var fe httpx.FieldErrors
	s.validateFields(snap, f, &fe)
	if f.Status == StatusActive {
		// A new product has no variants yet: published, its page would be a 404 (and the sitemap would list it).
		fe.Add("status", "catalog.ActiveNeedsVariant", nil)
	}
	if _, ok := texts["en"]; !ok {
		fe.Add("title_en", "catalog.EnglishRequired", nil)
	}
	for _, locale := range sortedKeys(texts) {
		t := texts[locale]
		s.validateText(locale, &t, &fe)
		texts[locale] = t
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err = s.write(ctx, func(st store) error {
		if id, err = st.insertProduct(ctx, f); err != nil {
			return err
		}
		for _, locale := range sortedKeys(texts) {
			if err := st.upsertText(ctx, id, locale, texts[locale]); err != nil {
				return err
			}
		}
		rec := auditRecord{Changes: productFieldChanges(nil, &f)}
		for _, locale := range sortedKeys(texts) {
			t := texts[locale]
			rec.Changes = append(rec.Changes, textChanges(locale, nil, &t)...)
		}
		return st.audit(ctx, id, actor.Label(ctx), "product.create", rec)
	})
	return id, err
}

// UpdateProduct changes a product's own fields. Errors: ErrProductNotFound; field errors.
func (s *Service) UpdateProduct(ctx context.Context, id int64, f ProductFields) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	old := snap.products[id]
	if old == nil {
		return ErrProductNotFound
	}
	var fe httpx.FieldErrors
	s.validateFields(snap, f, &fe)
	if f.Status == StatusActive && len(old.Variants) == 0 {
		fe.Add("status", "catalog.ActiveNeedsVariant", nil)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	oldFields := ProductFields{CategoryID: old.CategoryID, Status: old.Status, Brand: old.Brand, Supplier: old.Supplier}
	changes := productFieldChanges(&oldFields, &f)
	return s.write(ctx, func(st store) error {
		if err := st.updateProduct(ctx, id, f); err != nil {
			return err
		}
		return st.audit(ctx, id, actor.Label(ctx), "product.update", auditRecord{Changes: changes})
	})
}

// SetTexts saves a product's texts in several locales at once; a locale whose title is left empty is removed
// (except English, which is required). Errors: ErrProductNotFound; field errors; ErrConflict for a slug taken.
func (s *Service) SetTexts(ctx context.Context, id int64, texts map[string]ProductText) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	old := snap.products[id]
	if old == nil {
		return ErrProductNotFound
	}
	var fe httpx.FieldErrors
	var remove []string
	for _, locale := range sortedKeys(texts) {
		t := texts[locale]
		if strings.TrimSpace(t.Title) == "" && locale != "en" {
			if !s.knownLocale(locale) {
				fe.Add("locale", "catalog.LocaleUnknown", map[string]any{"Locale": locale})
			}
			delete(texts, locale)
			if _, had := old.Texts[locale]; had {
				remove = append(remove, locale)
			}
			continue
		}
		s.validateText(locale, &t, &fe)
		texts[locale] = t
	}
	if err := fe.Err(); err != nil {
		return err
	}
	var changes []FieldChange
	for _, locale := range sortedKeys(texts) {
		t := texts[locale]
		if before, had := old.Texts[locale]; had {
			changes = append(changes, textChanges(locale, &before, &t)...)
		} else {
			changes = append(changes, textChanges(locale, nil, &t)...)
		}
	}
	for _, locale := range remove {
		before := old.Texts[locale]
		changes = append(changes, textChanges(locale, &before, nil)...)
	}
	if len(changes) == 0 {
		return nil
	}
	return s.write(ctx, func(st store) error {
		for _, locale := range sortedKeys(texts) {
			if old.Texts[locale] == texts[locale] {
				continue
			}
			if err := st.upsertText(ctx, id, locale, texts[locale]); err != nil {
				return err
			}
		}
		for _, locale := range remove {
			if err := st.deleteText(ctx, id, locale); err != nil {
				return err
			}
		}
		if err := st.touchProduct(ctx, id); err != nil {
			return err
		}
		return st.audit(ctx, id, actor.Label(ctx), "product.texts", auditRecord{Changes: changes})
	})
}

// validateVariant normalizes and checks a variant's facts.
func validateVariant(v *Variant, fe *httpx.FieldErrors) {
	v.SKU = strings.TrimSpace(v.SKU)
	if !skuPattern.MatchString(v.SKU) {
		fe.Add("sku", "catalog.SKUInvalid", nil)
	}
	for k, val := range v.Options {
		if !optionKey.MatchString(k) || strings.TrimSpace(val) == "" || len(val) > 60 {
			fe.Add("options", "catalog.OptionsInvalid", nil)
			break
		}
		v.Options[k] = strings.TrimSpace(val)
	}
	if !v.BasePrice.IsPositive() {
		fe.Add("base_price", "catalog.PricePositive", nil)
	} else if v.BasePrice.Exponent() < -4 || v.BasePrice.GreaterThan(decimal.New(1, 9)) {
		fe.Add("base_price", "catalog.PriceInvalid", nil)
	}
	if v.WeightG <= 0 || v.WeightG > 1_000_000 {
		fe.Add("weight_g", "catalog.WeightInvalid", nil)
	}
	if v.LengthMM < 0 || v.WidthMM < 0 || v.HeightMM < 0 || v.LengthMM > 10_000 || v.WidthMM > 10_000 || v.HeightMM > 10_000 {
		fe.Add("dimensions", "catalog.DimensionsInvalid", nil)
	}
	v.HSCode = NormalizeHSCode(strings.TrimSpace(v.HSCode))
	if !hsCodePattern.MatchString(v.HSCode) {
		fe.Add("hs_code", "catalog.HSCodeInvalid", nil)
	}
	v.OriginCountry = strings.ToUpper(strings.TrimSpace(v.OriginCountry))
	if !isCountry(v.OriginCountry) {
		fe.Add("origin_country", "catalog.CountryInvalid", nil)
	}
	if v.TaxCategory == "" {
		v.TaxCategory = "standard"
	}
	if !containsString(TaxCategories, v.TaxCategory) {
		fe.Add("tax_category", "catalog.TaxCategoryInvalid", nil)
	}
	if len(v.CustomsDescription) > 300 {
		fe.Add("customs_description", "catalog.TooLong", map[string]any{"Max": 300})
	}
}

// isCountry reports whether s is an ISO 3166-1 alpha-2 country code (CLDR region data via x/text).
func isCountry(s string) bool {
	if !countryPattern.MatchString(s) {
		return false
	}
	r, err := language.ParseRegion(s)
	return err == nil && r.IsCountry() && r.String() == s
}

// SaveVariant creates (v.ID == 0) or updates a variant of a product and returns its ID. Errors:
// ErrProductNotFound, ErrVariantNotFound, field errors (also for options another variant of the product has,
// or option names that differ from the other variants'), ErrConflict for a SKU in use.
func (s *Service) SaveVariant(ctx context.Context, productID int64, v Variant) (int64, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return 0, err
	}
	p := snap.products[productID]
	if p == nil {
		return 0, ErrProductNotFound
	}
	if v.Options == nil {
		v.Options = map[string]string{}
	}
	var fe httpx.FieldErrors
	validateVariant(&v, &fe)
	if fe.For("options") == nil {
		// Its options must be a combination no other variant of the product has, of the same option names.
		var others []Variant
		for _, o := range p.Variants {
			if o.ID != v.ID {
				others = append(others, o)
			}
		}
		if conflict := optionConflict(others, v); conflict != nil {
			fe = append(fe, conflict)
		}
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var old *Variant
	if v.ID != 0 {
		if old = snap.variants[v.ID]; old == nil || old.ProductID != productID {
			return 0, ErrVariantNotFound
		}
	}
	id := v.ID
	err = s.write(ctx, func(st store) error {
		if old == nil {
			if id, err = st.insertVariant(ctx, productID, v); err != nil {
				return err
			}
			return st.audit(ctx, productID, actor.Label(ctx), "variant.create",
				auditRecord{Variant: id, SKU: v.SKU, Changes: variantChanges("", nil, &v)})
		}
		if err := st.updateVariant(ctx, productID, v); err != nil {
			return err
		}
		if err := st.touchProduct(ctx, productID); err != nil {
			return err
		}
		return st.audit(ctx, productID, actor.Label(ctx), "variant.update",
			auditRecord{Variant: id, SKU: v.SKU, Changes: variantChanges("", old, &v)})
	})
	return id, err
}

// DeleteVariant removes a variant. Orders keep their own copy of what was sold. Errors: ErrVariantNotFound;
// ErrConflict when it is the last variant of an active product.
func (s *Service) DeleteVariant(ctx context.Context, productID, variantID int64) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	p := snap.products[productID]
	if p == nil {
		return ErrProductNotFound
	}
	if p.Status == StatusActive && len(p.Variants) == 1 && p.Variants[0].ID == variantID {
		return httpx.Fail(httpx.ErrConflict, "catalog.LastVariant", nil)
	}
	rec := auditRecord{Variant: variantID}
	if old := snap.variants[variantID]; old != nil && old.ProductID == productID {
		rec.SKU, rec.Changes = old.SKU, variantChanges("", old, nil)
	}
	return s.write(ctx, func(st store) error {
		if err := st.deleteVariant(ctx, productID, variantID); err != nil {
			return err
		}
		return st.audit(ctx, productID, actor.Label(ctx), "variant.delete", rec)
	})
}

// SetAvailability limits a product to markets (none: every market) and records its certifications. Errors:
// ErrProductNotFound; field errors for an unknown market or malformed certification.
func (s *Service) SetAvailability(ctx context.Context, productID int64, markets, certifications []string) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	p := snap.products[productID]
	if p == nil {
		return ErrProductNotFound
	}
	var fe httpx.FieldErrors
	known := s.markets()
	for _, m := range markets {
		if !containsString(known, m) {
			fe.Add("markets", "catalog.MarketUnknown", map[string]any{"Market": m})
		}
	}
	for i, c := range certifications {
		certifications[i] = strings.ToUpper(strings.TrimSpace(c))
		if !certPattern.MatchString(certifications[i]) {
			fe.Add("certifications", "catalog.CertificationInvalid", map[string]any{"Certification": c})
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	markets, certifications = dedupeSorted(markets), dedupeSorted(certifications)
	return s.write(ctx, func(st store) error {
		if err := st.setMarkets(ctx, productID, markets); err != nil {
			return err
		}
		if err := st.setCertifications(ctx, productID, certifications); err != nil {
			return err
		}
		if err := st.touchProduct(ctx, productID); err != nil {
			return err
		}
		return st.audit(ctx, productID, actor.Label(ctx), "product.availability", auditRecord{Changes: append(
			listChanges("markets", p.Markets, markets), listChanges("certifications", p.Certifications, certifications)...)})
	})
}

// CategoryInput creates or edits a category.
type CategoryInput struct {
	ParentID int64
	Code     string
	Position int
	Texts    map[string]CategoryText
	// Requirements lists the certifications required per market code.
	Requirements map[string][]string
}

func (s *Service) validateCategory(in *CategoryInput, fe *httpx.FieldErrors) {
	if _, ok := in.Texts["en"]; !ok {
		fe.Add("name_en", "catalog.EnglishRequired", nil)
	}
	for locale, t := range in.Texts {
		if !s.knownLocale(locale) {
			fe.Add("locale", "catalog.LocaleUnknown", map[string]any{"Locale": locale})
			continue
		}
		t.Name = strings.TrimSpace(t.Name)
		if t.Name == "" {
			delete(in.Texts, locale)
			continue
		}
		if t.Slug == "" {
			t.Slug = Slugify(t.Name)
		}
		t.Slug = strings.ToLower(strings.TrimSpace(t.Slug))
		if !slugPattern.MatchString(t.Slug) {
			fe.Add("slug_"+locale, "catalog.SlugInvalid", nil)
		}
		in.Texts[locale] = t
	}
	known := s.markets()
	for market, certs := range in.Requirements {
		if !containsString(known, market) {
			fe.Add("requirements", "catalog.MarketUnknown", map[string]any{"Market": market})
		}
		for i, c := range certs {
			certs[i] = strings.ToUpper(strings.TrimSpace(c))
			if !certPattern.MatchString(certs[i]) {
				fe.Add("requirements", "catalog.CertificationInvalid", map[string]any{"Certification": c})
			}
		}
		in.Requirements[market] = dedupeSorted(certs)
	}
}

// CreateCategory adds a category under ParentID (0: a root). Errors: field errors; ErrConflict for a code or
// slug in use; ErrCategoryNotFound for an unknown parent.
func (s *Service) CreateCategory(ctx context.Context, in CategoryInput) (int64, error) {
	var fe httpx.FieldErrors
	in.Code = strings.TrimSpace(in.Code)
	if !regexpCategoryCode.MatchString(in.Code) {
		fe.Add("code", "catalog.CategoryCodeInvalid", nil)
	}
	s.validateCategory(&in, &fe)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.write(ctx, func(st store) error {
		var err error
		if id, err = st.insertCategory(ctx, in.ParentID, in.Code, in.Position); err != nil {
			return err
		}
		for _, locale := range sortedKeys(in.Texts) {
			if err := st.upsertCategoryText(ctx, id, locale, in.Texts[locale]); err != nil {
				return err
			}
		}
		if err := st.setCategoryRequirements(ctx, id, in.Requirements); err != nil {
			return err
		}
		rec := auditRecord{Changes: []FieldChange{{Field: "code", To: in.Code}}}
		if in.ParentID != 0 {
			rec.Changes = append(rec.Changes, FieldChange{Field: "parent", To: in.ParentID})
		}
		rec.Changes = append(rec.Changes, categoryChanges(nil, &in)...)
		return st.auditCategory(ctx, id, actor.Label(ctx), "category.create", rec)
	})
	return id, err
}

// UpdateCategory replaces a category's texts and certification requirements. Errors: ErrCategoryNotFound;
// field errors; ErrConflict for a slug in use.
func (s *Service) UpdateCategory(ctx context.Context, id int64, in CategoryInput) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	cur := snap.categories[id]
	if cur == nil {
		return ErrCategoryNotFound
	}
	// A renamed category keeps its address unless a new slug is given: links and search results to it stay valid.
	for locale, t := range in.Texts {
		if strings.TrimSpace(t.Slug) == "" {
			t.Slug = cur.Texts[locale].Slug
			in.Texts[locale] = t
		}
	}
	var fe httpx.FieldErrors
	s.validateCategory(&in, &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	before := CategoryInput{Texts: cur.Texts, Requirements: cur.Requirements}
	return s.write(ctx, func(st store) error {
		if err := st.deleteCategoryTexts(ctx, id); err != nil {
			return err
		}
		for _, locale := range sortedKeys(in.Texts) {
			if err := st.upsertCategoryText(ctx, id, locale, in.Texts[locale]); err != nil {
				return err
			}
		}
		if err := st.setCategoryRequirements(ctx, id, in.Requirements); err != nil {
			return err
		}
		return st.auditCategory(ctx, id, actor.Label(ctx), "category.update", auditRecord{Changes: categoryChanges(&before, &in)})
	})
}

// HistoryFilter selects entries of the listings' change log.
type HistoryFilter struct {
	// ProductID keeps one product's changes; CategoryID one category's.
	ProductID  int64
	CategoryID int64
	// Query keeps the changes of the products whose title (in any language) or SKU contains it, of the
	// categories whose name or code does, and of variants that had it as SKU (deleted ones too).
	Query string
	// Action keeps one kind of change (one of auditActions); "" keeps all.
	Action string
}

// History returns the changes matching f, newest first, limit of them from offset, and whether more follow.
func (s *Service) History(ctx context.Context, f HistoryFilter, limit, offset int) ([]AuditEntry, bool, error) {
	q := auditQuery{productID: f.ProductID, categoryID: f.CategoryID}
	if containsString(auditActions, f.Action) {
		q.action = f.Action
	}
	if text := strings.ToLower(strings.TrimSpace(f.Query)); text != "" {
		snap, err := s.snap(ctx)
		if err != nil {
			return nil, false, err
		}
		q.matching, q.sku = true, strings.TrimSpace(f.Query)
		q.products, q.categories = []int64{}, []int64{}
		for _, p := range snap.ordered {
			if productMatches(p, text) {
				q.products = append(q.products, p.ID)
			}
		}
		for _, c := range snap.categories {
			if strings.Contains(c.Code, text) || categoryMatches(c, text) {
				q.categories = append(q.categories, c.ID)
			}
		}
	}
	return store{db: s.pool}.auditLog(ctx, q, limit, offset)
}

func categoryMatches(c *Category, text string) bool {
	for _, t := range c.Texts {
		if strings.Contains(strings.ToLower(t.Name), text) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dedupeSorted(list []string) []string {
	out := []string{}
	for _, x := range list {
		if x != "" && !containsString(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// auditActions lists the kinds of change the listings' log records.
var auditActions = []string{"product.create", "product.update", "product.texts", "product.availability",
	"variant.create", "variant.update", "variant.delete", "image.add", "image.delete",
	"import.create", "import.update", "category.create", "category.update"}

// FieldChange is one field's value before and after a change, as the log records it. A nil From is a value
// that did not exist (a new variant, a new translation), a nil To one that was removed. Field names are the CSV
// columns' (status, base_price, title_de, …); Variant is the SKU of the variant whose field it is, when the
// entry covers several variants (an import).
type FieldChange struct {
	Variant string `json:"variant,omitempty"`
	Field   string `json:"field"`
	From    any    `json:"from"`
	To      any    `json:"to"`
}

// auditRecord is what a log entry stores as its changes.
type auditRecord struct {
	Variant int64         `json:"variant,omitempty"` // the variant's ID, for variant.* entries
	SKU     string        `json:"sku,omitempty"`     // the variant's SKU, for variant.* entries
	Line    int           `json:"line,omitempty"`    // the CSV line of the product's first row, for import.*
	Rows    int           `json:"rows,omitempty"`    // the product's rows in the CSV file, for import.*
	Changes []FieldChange `json:"changes"`
}

// fieldChanges compares fields given in the same order as (name, before, after) triples and lists those
// that differ; before is nil for something new, after nil for something removed.
func fieldChanges(variant string, created, removed bool, triples ...any) []FieldChange {
	var out []FieldChange
	for i := 0; i+2 < len(triples); i += 3 {
		name, from, to := triples[i].(string), triples[i+1], triples[i+2]
		if created {
			if isZero(to) {
				continue
			}
			from = nil
		}
		if removed {
			if isZero(from) {
				continue
			}
			to = nil
		}
		if !created && !removed && fmt.Sprint(from) == fmt.Sprint(to) {
			continue
		}
		out = append(out, FieldChange{Variant: variant, Field: name, From: from, To: to})
	}
	return out
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case int:
		return x == 0
	case int64:
		return x == 0
	case []string:
		return len(x) == 0
	}
	return false
}

// productFieldChanges lists the changed product fields; old is nil for a new product.
func productFieldChanges(old, f *ProductFields) []FieldChange {
	if old == nil {
		return fieldChanges("", true, false, "category", int64(0), f.CategoryID, "status", "", string(f.Status),
			"brand", "", f.Brand, "supplier", "", f.Supplier)
	}
	return fieldChanges("", false, false, "category", old.CategoryID, f.CategoryID, "status", string(old.Status), string(f.Status),
		"brand", old.Brand, f.Brand, "supplier", old.Supplier, f.Supplier)
}

// textChanges lists the changed texts of one locale as title_de, slug_de, …; old is nil for a new
// translation, t nil for a removed one.
func textChanges(locale string, old, t *ProductText) []FieldChange {
	var a, b ProductText
	if old != nil {
		a = *old
	}
	if t != nil {
		b = *t
	}
	return fieldChanges("", old == nil, t == nil, "title_"+locale, a.Title, b.Title, "slug_"+locale, a.Slug, b.Slug,
		"description_"+locale, a.Description, b.Description, "seo_title_"+locale, a.SEOTitle, b.SEOTitle,
		"seo_description_"+locale, a.SEODescription, b.SEODescription)
}

// variantChanges lists a variant's changed facts; old is nil for a new variant, v nil for a deleted one. sku
// names the variant on each change (imports log several variants in one entry).
func variantChanges(sku string, old, v *Variant) []FieldChange {
	var a, b Variant
	if old != nil {
		a = *old
	}
	if v != nil {
		b = *v
	}
	dims := func(v Variant) string {
		if v.LengthMM == 0 && v.WidthMM == 0 && v.HeightMM == 0 {
			return ""
		}
		return fmt.Sprintf("%d×%d×%d", v.LengthMM, v.WidthMM, v.HeightMM)
	}
	price := func(v Variant) string {
		if v.BasePrice.IsZero() {
			return ""
		}
		return v.BasePrice.String()
	}
	return fieldChanges(sku, old == nil, v == nil, "sku", a.SKU, b.SKU, "options", formatOptions(a.Options), formatOptions(b.Options),
		"base_price", price(a), price(b), "weight_g", a.WeightG, b.WeightG, "dimensions", dims(a), dims(b),
		"hs_code", a.HSCode, b.HSCode, "origin_country", a.OriginCountry, b.OriginCountry,
		"tax_category", a.TaxCategory, b.TaxCategory, "customs_description", a.CustomsDescription, b.CustomsDescription)
}

// listChanges records a changed list (markets, certifications); lists are compared as sorted sets.
func listChanges(field string, old, list []string) []FieldChange {
	if strings.Join(dedupeSorted(old), ";") == strings.Join(dedupeSorted(list), ";") {
		return nil
	}
	return []FieldChange{{Field: field, From: dedupeSorted(old), To: dedupeSorted(list)}}
}

// categoryChanges lists a category's changed texts (name_de, slug_de, description_de) and requirements; old is
// nil for a new category.
func categoryChanges(old, in *CategoryInput) []FieldChange {
	var before CategoryInput
	if old != nil {
		before = *old
	}
	var out []FieldChange
	locales := map[string]bool{}
	for l := range before.Texts {
		locales[l] = true
	}
	for l := range in.Texts {
		locales[l] = true
	}
	for _, l := range sortedKeys(locales) {
		a, had := before.Texts[l]
		b, has := in.Texts[l]
		out = append(out, fieldChanges("", !had, !has, "name_"+l, a.Name, b.Name, "slug_"+l, a.Slug, b.Slug,
			"description_"+l, a.Description, b.Description)...)
	}
	out = append(out, fieldChanges("", old == nil, false, "requirements", formatRequirements(before.Requirements),
		formatRequirements(in.Requirements))...)
	return out
}

// optionConflict tells why a variant with v's options cannot join others on one product: another variant has
// the same combination (one of the two could never be chosen on the product page), or the options are named
// differently (every variant of a product offers the same choices, e.g. size and colour). Nil: no conflict.
func optionConflict(others []Variant, v Variant) *httpx.UserError {
	names := optionNames(v.Options)
	for _, o := range others {
		if other := optionNames(o.Options); other != names {
			return &httpx.UserError{Kind: httpx.ErrInvalid, Field: "options", MessageID: "catalog.OptionNamesDiffer",
				Data: map[string]any{"SKU": o.SKU, "Other": other, "These": names}}
		}
	}
	combo := formatOptions(v.Options)
	for _, o := range others {
		if formatOptions(o.Options) == combo {
			if combo == "" {
				combo = "—"
			}
			return &httpx.UserError{Kind: httpx.ErrInvalid, Field: "options", MessageID: "catalog.OptionsDuplicate",
				Data: map[string]any{"SKU": o.SKU, "Options": combo}}
		}
	}
	return nil
}

// optionNames lists the option names of a variant, sorted ("color, size"), or "—" for none.
func optionNames(opts map[string]string) string {
	if len(opts) == 0 {
		return "—"
	}
	return strings.Join(sortedKeys(opts), ", ")
}
