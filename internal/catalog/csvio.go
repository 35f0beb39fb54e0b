package catalog

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// The listings CSV has one row per variant. Product columns repeat on every row of the product; variants are
// grouped into products by their English slug. Translations are columns per locale (title_de, slug_de, …).
var csvVariantColumns = []string{"sku", "slug_en", "category", "status", "brand", "supplier", "options", "base_price",
	"weight_g", "length_mm", "width_mm", "height_mm", "hs_code", "origin_country", "tax_category",
	"customs_description", "markets", "certifications"}

var csvTextFields = []string{"title", "slug", "description", "seo_title", "seo_description"}

func (s *Service) csvHeader() []string {
	h := append([]string{}, csvVariantColumns...)
	for _, locale := range s.locales {
		for _, f := range csvTextFields {
			if f == "slug" && locale == "en" {
				continue // slug_en is the product key, already in front
			}
			h = append(h, f+"_"+locale)
		}
	}
	return h
}

// formatOptions writes options as "color=navy;size=M", keys sorted, so exports are stable.
func formatOptions(opts map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(opts) {
		parts = append(parts, k+"="+opts[k])
	}
	return strings.Join(parts, ";")
}

func parseOptions(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !optionKey.MatchString(k) || v == "" {
			return nil, fmt.Errorf("option %q is not name=value", part)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("option %q given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		out = append(out, strings.ToUpper(x))
	}
	return dedupeSorted(out)
}

// Export writes every product (all statuses) as CSV, one row per variant, in product and variant order.
func (s *Service) Export(ctx context.Context, w io.Writer) (int, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(s.csvHeader()); err != nil {
		return 0, err
	}
	rows := 0
	for _, p := range snap.ordered {
		cat := snap.categories[p.CategoryID]
		for _, v := range p.Variants {
			rec := []string{v.SKU, p.Texts["en"].Slug, cat.Code, string(p.Status), p.Brand, p.Supplier,
				formatOptions(v.Options), v.BasePrice.String(), strconv.Itoa(v.WeightG), strconv.Itoa(v.LengthMM),
				strconv.Itoa(v.WidthMM), strconv.Itoa(v.HeightMM), v.HSCode, v.OriginCountry, v.TaxCategory,
				v.CustomsDescription, strings.Join(p.Markets, ";"), strings.Join(p.Certifications, ";")}
			for _, locale := range s.locales {
				t := p.Texts[locale]
				for _, f := range csvTextFields {
					switch f {
					case "title":
						rec = append(rec, t.Title)
					case "slug":
						if locale != "en" {
							rec = append(rec, t.Slug)
						}
					case "description":
						rec = append(rec, t.Description)
					case "seo_title":
						rec = append(rec, t.SEOTitle)
					case "seo_description":
						rec = append(rec, t.SEODescription)
					}
				}
			}
			if err := cw.Write(rec); err != nil {
				return rows, err
			}
			rows++
		}
	}
	cw.Flush()
	return rows, cw.Error()
}

// RowError is a bad CSV row: its line number (1 is the header) and why.
type RowError struct {
	Line    int
	Column  string
	Message string // message ID in locales/…/catalog.json
	Data    map[string]any
}

// ImportReport says what an import did (or, in a dry run, would do).
type ImportReport struct {
	Rows            int
	ProductsCreated int
	ProductsUpdated int
	VariantsCreated int
	VariantsUpdated int
	Unchanged       int
	Errors          []RowError
	DryRun          bool
}

// ErrImportRejected is returned when a file has bad rows: nothing is written, the report lists every one.
var ErrImportRejected = httpx.Fail(httpx.ErrInvalid, "catalog.ImportRejected", nil)

// importRow is a parsed CSV row.
type importRow struct {
	line     int
	variant  Variant
	slugEN   string
	fields   ProductFields
	catCode  string
	markets  []string
	certs    []string
	texts    map[string]ProductText
	rawProd  string // product columns joined, to check rows of one product agree
	existing *Variant
}

// Progress receives import progress: a phase ("read", "check", "write") and counts.
type Progress func(phase string, done, total int)

// Import reads a listings CSV and upserts by SKU, all or nothing: any bad row rejects the whole file with a
// report of every bad row (ErrImportRejected), and a dry run reports without writing. Rows identical to the
// catalog change nothing (no write, no audit entry), so importing an export is a no-op.
func (s *Service) Import(ctx context.Context, r io.Reader, dryRun bool, progress Progress) (ImportReport, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rep := ImportReport{DryRun: dryRun}
	snap, err := s.snap(ctx)
	if err != nil {
		return rep, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		rep.Errors = append(rep.Errors, RowError{Line: 1, Message: "catalog.CSVNoHeader"})
		return rep, ErrImportRejected
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range csvVariantColumns {
		if _, ok := col[need]; !ok {
			rep.Errors = append(rep.Errors, RowError{Line: 1, Column: need, Message: "catalog.CSVMissingColumn", Data: map[string]any{"Column": need}})
		}
	}
	if len(rep.Errors) > 0 {
		return rep, ErrImportRejected
	}

	var rows []importRow
	bySKU := map[string]int{}
	line := 1
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			rep.Errors = append(rep.Errors, RowError{Line: line, Message: "catalog.CSVMalformed"})
			return rep, ErrImportRejected
		}
		if len(rec) != len(header) {
			rep.Errors = append(rep.Errors, RowError{Line: line, Message: "catalog.CSVColumnCount",
				Data: map[string]any{"Got": len(rec), "Want": len(header)}})
			continue
		}
		row, errs := s.parseRow(snap, rec, col, line)
		rep.Errors = append(rep.Errors, errs...)
		if len(errs) > 0 {
			continue
		}
		if first, dup := bySKU[row.variant.SKU]; dup {
			rep.Errors = append(rep.Errors, RowError{Line: line, Column: "sku", Message: "catalog.CSVDuplicateSKU",
				Data: map[string]any{"SKU": row.variant.SKU, "First": rows[first].line}})
			continue
		}
		bySKU[row.variant.SKU] = len(rows)
		rows = append(rows, row)
		if len(rows)%500 == 0 {
			progress("read", len(rows), 0)
		}
	}
	rep.Rows = len(rows) + len(rep.Errors)
	progress("read", len(rows), len(rows))

	// Group rows into products and check each product's rows agree, and that slugs stay unique.
	type group struct {
		rows    []*importRow
		product *Product
	}
	groups := map[string]*group{}
	var order []string
	for i := range rows {
		row := &rows[i]
		key := row.slugEN
		if row.existing = snap.bySKU[row.variant.SKU]; row.existing != nil {
			// A known SKU stays with its product, whatever slug_en says; a changed English slug renames it.
			key = fmt.Sprintf("#%d", row.existing.ProductID)
		} else if p := snap.productBySlug("en", row.slugEN); p != nil {
			key = fmt.Sprintf("#%d", p.ID)
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			if strings.HasPrefix(key, "#") {
				id, _ := strconv.ParseInt(key[1:], 10, 64)
				g.product = snap.products[id]
			}
			groups[key] = g
			order = append(order, key)
		} else if g.rows[0].rawProd != row.rawProd {
			rep.Errors = append(rep.Errors, RowError{Line: row.line, Message: "catalog.CSVProductMismatch",
				Data: map[string]any{"First": g.rows[0].line}})
			continue
		}
		g.rows = append(g.rows, row)
	}
	slugOwner := map[string]string{} // locale+slug → group key
	for _, key := range order {
		g := groups[key]
		for locale, t := range g.rows[0].texts {
			sk := slugKey(locale, t.Slug)
			if other, ok := slugOwner[sk]; ok && other != key {
				rep.Errors = append(rep.Errors, RowError{Line: g.rows[0].line, Column: "slug_" + locale, Message: "catalog.SlugTaken",
					Data: map[string]any{"Slug": t.Slug, "Locale": locale}})
				continue
			}
			slugOwner[sk] = key
			if p := snap.bySlug[sk]; p != nil && (g.product == nil || p.ID != g.product.ID) {
				if _, movingAway := groups[fmt.Sprintf("#%d", p.ID)]; !movingAway {
					rep.Errors = append(rep.Errors, RowError{Line: g.rows[0].line, Column: "slug_" + locale, Message: "catalog.SlugTaken",
						Data: map[string]any{"Slug": t.Slug, "Locale": locale}})
				}
			}
		}
	}
	sort.Slice(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
	if len(rep.Errors) > 0 {
		return rep, ErrImportRejected
	}

	// Plan the changes.
	type plan struct {
		g          *group
		createProd bool
		updateProd bool
		texts      bool
		avail      bool
	}
	var plans []plan
	for _, key := range order {
		g := groups[key]
		first := g.rows[0]
		pl := plan{g: g}
		if g.product == nil {
			pl.createProd = true
			rep.ProductsCreated++
		} else {
			p := g.product
			pl.updateProd = p.CategoryID != first.fields.CategoryID || p.Status != first.fields.Status ||
				p.Brand != first.fields.Brand || p.Supplier != first.fields.Supplier
			pl.texts = !sameTexts(p.Texts, first.texts)
			pl.avail = strings.Join(p.Markets, ";") != strings.Join(first.markets, ";") ||
				strings.Join(p.Certifications, ";") != strings.Join(first.certs, ";")
		}
		changedVariant := false
		for _, row := range g.rows {
			switch {
			case row.existing == nil:
				rep.VariantsCreated++
				changedVariant = true
			case !sameVariant(*row.existing, row.variant):
				rep.VariantsUpdated++
				changedVariant = true
			default:
				rep.Unchanged++
			}
		}
		if !pl.createProd && (pl.updateProd || pl.texts || pl.avail || changedVariant) {
			rep.ProductsUpdated++
		}
		plans = append(plans, pl)
	}
	progress("check", len(rows), len(rows))
	if dryRun || rep.ProductsCreated+rep.ProductsUpdated == 0 {
		return rep, nil
	}

	who := actor.Label(ctx)
	written := 0
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		for _, pl := range plans {
			first := pl.g.rows[0]
			var id int64
			if pl.createProd {
				var err error
				if id, err = st.insertProduct(ctx, first.fields); err != nil {
					return err
				}
				pl.texts, pl.avail = true, len(first.markets)+len(first.certs) > 0
			} else {
				id = pl.g.product.ID
				if pl.updateProd {
					if err := st.updateProduct(ctx, id, first.fields); err != nil {
						return err
					}
				}
			}
			if pl.texts {
				for _, locale := range sortedKeys(first.texts) {
					if pl.g.product != nil && pl.g.product.Texts[locale] == first.texts[locale] {
						continue
					}
					if err := st.upsertText(ctx, id, locale, first.texts[locale]); err != nil {
						return err
					}
				}
				if pl.g.product != nil {
					for locale := range pl.g.product.Texts {
						if _, keep := first.texts[locale]; !keep {
							if err := st.deleteText(ctx, id, locale); err != nil {
								return err
							}
						}
					}
				}
			}
			if pl.avail {
				if err := st.setMarkets(ctx, id, first.markets); err != nil {
					return err
				}
				if err := st.setCertifications(ctx, id, first.certs); err != nil {
					return err
				}
			}
			changed := pl.createProd || pl.updateProd || pl.texts || pl.avail
			for _, row := range pl.g.rows {
				switch {
				case row.existing == nil:
					if _, err := st.insertVariant(ctx, id, row.variant); err != nil {
						return err
					}
					changed = true
				case !sameVariant(*row.existing, row.variant):
					row.variant.ID = row.existing.ID
					if err := st.updateVariant(ctx, row.existing.ProductID, row.variant); err != nil {
						return err
					}
					changed = true
				}
				written++
				if written%500 == 0 {
					progress("write", written, len(rows))
				}
			}
			if changed {
				if !pl.createProd {
					if err := st.touchProduct(ctx, id); err != nil {
						return err
					}
				}
				action := "import.update"
				if pl.createProd {
					action = "import.create"
				}
				if err := st.audit(ctx, id, who, action, map[string]any{"line": first.line, "rows": len(pl.g.rows)}); err != nil {
					return err
				}
			}
		}
		return postgres.Notify(ctx, tx, ChangeTopic)
	})
	if err != nil {
		return rep, err
	}
	s.Invalidate()
	progress("write", len(rows), len(rows))
	return rep, nil
}

func sameTexts(a, b map[string]ProductText) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sameVariant(a, b Variant) bool {
	return a.SKU == b.SKU && formatOptions(a.Options) == formatOptions(b.Options) && a.BasePrice.Equal(b.BasePrice) &&
		a.WeightG == b.WeightG && a.LengthMM == b.LengthMM && a.WidthMM == b.WidthMM && a.HeightMM == b.HeightMM &&
		a.HSCode == b.HSCode && a.OriginCountry == b.OriginCountry && a.TaxCategory == b.TaxCategory &&
		a.CustomsDescription == b.CustomsDescription
}

// parseRow validates one CSV row into a variant, its product's fields and texts.
func (s *Service) parseRow(snap *snapshot, rec []string, col map[string]int, line int) (importRow, []RowError) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var errs []RowError
	bad := func(column, msg string, data map[string]any) {
		errs = append(errs, RowError{Line: line, Column: column, Message: msg, Data: data})
	}
	row := importRow{line: line, slugEN: strings.ToLower(get("slug_en")), catCode: get("category"), texts: map[string]ProductText{}}
	if c := snapCategoryByCode(snap, row.catCode); c != nil {
		row.fields.CategoryID = c.ID
	} else {
		bad("category", "catalog.CSVUnknownCategory", map[string]any{"Code": row.catCode})
	}
	row.fields.Status = Status(get("status"))
	if row.fields.Status == "" {
		row.fields.Status = StatusDraft
	}
	if !containsString([]string{"draft", "active", "archived"}, string(row.fields.Status)) {
		bad("status", "catalog.StatusInvalid", nil)
	}
	row.fields.Brand, row.fields.Supplier = get("brand"), get("supplier")

	v := Variant{SKU: get("sku"), HSCode: get("hs_code"), OriginCountry: get("origin_country"),
		TaxCategory: get("tax_category"), CustomsDescription: get("customs_description")}
	opts, err := parseOptions(get("options"))
	if err != nil {
		bad("options", "catalog.OptionsInvalid", nil)
	}
	v.Options = opts
	if d, err := decimal.NewFromString(get("base_price")); err == nil {
		v.BasePrice = d
	}
	ints := map[string]*int{"weight_g": &v.WeightG, "length_mm": &v.LengthMM, "width_mm": &v.WidthMM, "height_mm": &v.HeightMM}
	for name, dst := range ints {
		raw := get(name)
		if raw == "" && name != "weight_g" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			bad(name, "catalog.CSVNotInteger", map[string]any{"Column": name})
			continue
		}
		*dst = n
	}
	var fe httpx.FieldErrors
	validateVariant(&v, &fe)
	for _, e := range fe {
		if e.Field == "options" && err != nil {
			continue
		}
		bad(e.Field, e.MessageID, e.Data)
	}
	row.variant = v

	known := s.markets()
	row.markets = splitList(get("markets"))
	for _, m := range row.markets {
		if !containsString(known, m) {
			bad("markets", "catalog.MarketUnknown", map[string]any{"Market": m})
		}
	}
	row.certs = splitList(get("certifications"))
	for _, c := range row.certs {
		if !certPattern.MatchString(c) {
			bad("certifications", "catalog.CertificationInvalid", map[string]any{"Certification": c})
		}
	}
	for _, locale := range s.locales {
		t := ProductText{Title: get("title_" + locale), Description: get("description_" + locale),
			SEOTitle: get("seo_title_" + locale), SEODescription: get("seo_description_" + locale), Slug: get("slug_" + locale)}
		if locale == "en" {
			t.Slug = row.slugEN
		}
		if t.Title == "" && locale != "en" {
			continue
		}
		var tfe httpx.FieldErrors
		s.validateText(locale, &t, &tfe)
		for _, e := range tfe {
			bad(e.Field, e.MessageID, e.Data)
		}
		row.texts[locale] = t
	}
	row.slugEN = row.texts["en"].Slug
	prod := []string{row.slugEN, row.catCode, string(row.fields.Status), row.fields.Brand, row.fields.Supplier,
		strings.Join(row.markets, ";"), strings.Join(row.certs, ";")}
	for _, locale := range sortedKeys(row.texts) {
		t := row.texts[locale]
		prod = append(prod, locale, t.Title, t.Slug, t.Description, t.SEOTitle, t.SEODescription)
	}
	row.rawProd = strings.Join(prod, "\x1f")
	return row, errs
}

func snapCategoryByCode(snap *snapshot, code string) *Category {
	for _, c := range snap.categories {
		if c.Code == code {
			return c
		}
	}
	return nil
}
