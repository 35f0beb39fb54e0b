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
	"unicode/utf8"

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

// RowError is a bad CSV row: its line number (1 is the header; a quoted cell spanning lines counts them all,
// so this is the line an editor shows) and why. Notices of a report use the same shape.
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
	// TextsRemoved counts the translations the file removes: a title column present with its cell left empty.
	TextsRemoved int
	Errors       []RowError
	// Notices are changes worth a second look that are not errors (a translation removed).
	Notices []RowError
	DryRun  bool
}

// ErrImportRejected is returned when a file has bad rows: nothing is written, the report lists every one.
var ErrImportRejected = httpx.Fail(httpx.ErrInvalid, "catalog.ImportRejected", nil)

// importRow is a parsed CSV row.
type importRow struct {
	line    int
	variant Variant
	slugEN  string
	fields  ProductFields
	catCode string
	markets []string
	certs   []string
	// texts holds, per locale the file has text columns for, the cells of those columns (trimmed); see
	// mergeTexts for what they change.
	texts    map[string]ProductText
	rawProd  string // product columns joined, to check rows of one product agree
	existing *Variant
}

// Progress receives import progress: a phase ("read", "check", "write") and counts.
type Progress func(phase string, done, total int)

// badText tells whether CSV cells cannot be stored as text: bytes that are not UTF-8 (a file saved by Excel as
// Windows-1252, or as UTF-16) or NUL bytes. It returns the message ID and the index of the first bad cell.
func badText(rec []string) (string, int) {
	for i, cell := range rec {
		if !utf8.ValidString(cell) {
			return "catalog.CSVNotUTF8", i
		}
		if strings.IndexByte(cell, 0) >= 0 {
			return "catalog.CSVNulByte", i
		}
	}
	return "", -1
}

// Import reads a listings CSV and upserts by SKU, all or nothing: any bad row rejects the whole file with a
// report of every bad row (ErrImportRejected), and a dry run reports without writing. Rows identical to the
// catalog change nothing (no write, no audit entry), so importing an export is a no-op. Translation columns
// left out of the file leave those texts as they are; see mergeTexts.
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
	headerLine, _ := cr.FieldPos(0)
	if msg, _ := badText(header); msg != "" {
		rep.Errors = append(rep.Errors, RowError{Line: headerLine, Message: msg})
		return rep, ErrImportRejected
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range csvVariantColumns {
		if _, ok := col[need]; !ok {
			rep.Errors = append(rep.Errors, RowError{Line: headerLine, Column: need, Message: "catalog.CSVMissingColumn", Data: map[string]any{"Column": need}})
		}
	}
	if len(rep.Errors) > 0 {
		return rep, ErrImportRejected
	}
	// The text fields each locale has columns for; slug_en is always there (it is a required column).
	present := map[string]map[string]bool{}
	for _, locale := range s.locales {
		for _, f := range csvTextFields {
			if _, ok := col[f+"_"+locale]; ok {
				if present[locale] == nil {
					present[locale] = map[string]bool{}
				}
				present[locale][f] = true
			}
		}
	}

	var rows []importRow
	bySKU := map[string]int{}
	records := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rep.Errors = append(rep.Errors, RowError{Line: line, Message: "catalog.CSVMalformed"})
			rep.Rows = records
			return rep, ErrImportRejected
		}
		records++
		// The line the record starts on: a quoted cell may span several lines.
		line, _ := cr.FieldPos(0)
		if msg, i := badText(rec); msg != "" {
			column := ""
			if i < len(header) {
				column = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
			}
			rep.Errors = append(rep.Errors, RowError{Line: line, Column: column, Message: msg})
			continue
		}
		if len(rec) != len(header) {
			rep.Errors = append(rep.Errors, RowError{Line: line, Message: "catalog.CSVColumnCount",
				Data: map[string]any{"Got": len(rec), "Want": len(header)}})
			continue
		}
		row, errs := s.parseRow(snap, rec, col, present, line)
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
	rep.Rows = records
	progress("read", len(rows), len(rows))

	// Group rows into products and check each product's rows agree, and that slugs stay unique.
	type group struct {
		rows    []*importRow
		product *Product
		// texts are the product's texts after the import.
		texts map[string]ProductText
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
	for _, key := range order {
		g := groups[key]
		var errs []RowError
		var removed []string
		g.texts, removed, errs = s.mergeTexts(g.product, g.rows[0], present)
		rep.Errors = append(rep.Errors, errs...)
		for _, locale := range removed {
			rep.TextsRemoved++
			rep.Notices = append(rep.Notices, RowError{Line: g.rows[0].line, Column: "title_" + locale,
				Message: "catalog.ImportTextRemoved", Data: map[string]any{"Column": "title_" + locale, "Locale": locale,
					"Product": g.product.Texts["en"].Title}})
		}
		// Every variant of the product after the import: those the file leaves alone, then its rows in order.
		// A row clashing with one before it is reported, so a pair is reported once, on its second row.
		var variants []Variant
		inFile := map[int64]bool{}
		for _, row := range g.rows {
			if row.existing != nil {
				inFile[row.existing.ID] = true
			}
		}
		if g.product != nil {
			for _, v := range g.product.Variants {
				if !inFile[v.ID] {
					variants = append(variants, v)
				}
			}
		}
		for _, row := range g.rows {
			if conflict := optionConflict(variants, row.variant); conflict != nil {
				rep.Errors = append(rep.Errors, RowError{Line: row.line, Column: "options", Message: conflict.MessageID, Data: conflict.Data})
			}
			variants = append(variants, row.variant)
		}
	}
	slugOwner := map[string]string{} // locale+slug → group key
	for _, key := range order {
		g := groups[key]
		for _, locale := range sortedKeys(g.texts) {
			t := g.texts[locale]
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
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
	sort.SliceStable(rep.Notices, func(i, j int) bool { return rep.Notices[i].Line < rep.Notices[j].Line })
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
			pl.texts = !sameTexts(p.Texts, g.texts)
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
			old := pl.g.product
			var id int64
			if pl.createProd {
				var err error
				if id, err = st.insertProduct(ctx, first.fields); err != nil {
					return err
				}
				pl.texts, pl.avail = true, len(first.markets)+len(first.certs) > 0
			} else {
				id = old.ID
				if pl.updateProd {
					if err := st.updateProduct(ctx, id, first.fields); err != nil {
						return err
					}
				}
			}
			var oldTexts map[string]ProductText
			if old != nil {
				oldTexts = old.Texts
			}
			if pl.texts {
				for _, locale := range sortedKeys(pl.g.texts) {
					if t, had := oldTexts[locale]; had && t == pl.g.texts[locale] {
						continue
					}
					if err := st.upsertText(ctx, id, locale, pl.g.texts[locale]); err != nil {
						return err
					}
				}
				for _, locale := range sortedKeys(oldTexts) {
					if _, keep := pl.g.texts[locale]; !keep {
						if err := st.deleteText(ctx, id, locale); err != nil {
							return err
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
			var variantLog []FieldChange
			for _, row := range pl.g.rows {
				switch {
				case row.existing == nil:
					if _, err := st.insertVariant(ctx, id, row.variant); err != nil {
						return err
					}
					variantLog = append(variantLog, variantChanges(row.variant.SKU, nil, &row.variant)...)
					changed = true
				case !sameVariant(*row.existing, row.variant):
					row.variant.ID = row.existing.ID
					if err := st.updateVariant(ctx, row.existing.ProductID, row.variant); err != nil {
						return err
					}
					variantLog = append(variantLog, variantChanges(row.variant.SKU, row.existing, &row.variant)...)
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
				rec := importAuditRecord(old, first, pl.g.texts, len(pl.g.rows))
				rec.Changes = append(rec.Changes, variantLog...)
				if err := st.audit(ctx, id, who, action, rec); err != nil {
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

// importAuditRecord is the log entry of one imported product: where it is in the file and what changed in
// its own fields, markets, certifications and texts (old is nil for a new product). Variants are added by
// the caller as it writes them.
func importAuditRecord(old *Product, first *importRow, texts map[string]ProductText, rows int) auditRecord {
	rec := auditRecord{Line: first.line, Rows: rows}
	var oldTexts map[string]ProductText
	if old == nil {
		rec.Changes = productFieldChanges(nil, &first.fields)
		rec.Changes = append(rec.Changes, listChanges("markets", nil, first.markets)...)
		rec.Changes = append(rec.Changes, listChanges("certifications", nil, first.certs)...)
	} else {
		oldTexts = old.Texts
		fields := ProductFields{CategoryID: old.CategoryID, Status: old.Status, Brand: old.Brand, Supplier: old.Supplier}
		rec.Changes = productFieldChanges(&fields, &first.fields)
		rec.Changes = append(rec.Changes, listChanges("markets", old.Markets, first.markets)...)
		rec.Changes = append(rec.Changes, listChanges("certifications", old.Certifications, first.certs)...)
	}
	locales := map[string]bool{}
	for l := range oldTexts {
		locales[l] = true
	}
	for l := range texts {
		locales[l] = true
	}
	for _, l := range sortedKeys(locales) {
		a, had := oldTexts[l]
		b, has := texts[l]
		var from, to *ProductText
		if had {
			from = &a
		}
		if has {
			to = &b
		}
		rec.Changes = append(rec.Changes, textChanges(l, from, to)...)
	}
	return rec
}

// mergeTexts works out a product's texts after an import from its current ones (p is nil for a new product)
// and its first row. Only the columns the file has change anything: a locale without any text column keeps
// its translation, and a field whose column is missing keeps its value (a missing slug column keeps the slug;
// a new translation gets one made from its title). A title column present but empty removes that
// translation (English cannot be removed). It returns the texts, the locales removed and the errors found.
func (s *Service) mergeTexts(p *Product, row *importRow, present map[string]map[string]bool) (map[string]ProductText, []string, []RowError) {
	out := map[string]ProductText{}
	if p != nil {
		for l, t := range p.Texts {
			out[l] = t
		}
	}
	var removed []string
	var errs []RowError
	for _, locale := range s.locales {
		cols := present[locale]
		if len(cols) == 0 && locale != "en" {
			continue
		}
		old, had := out[locale]
		t, in := old, row.texts[locale]
		if cols["title"] {
			t.Title = in.Title
		}
		if cols["description"] {
			t.Description = in.Description
		}
		if cols["seo_title"] {
			t.SEOTitle = in.SEOTitle
		}
		if cols["seo_description"] {
			t.SEODescription = in.SEODescription
		}
		switch {
		case locale == "en":
			t.Slug = row.slugEN
		case cols["slug"]:
			t.Slug = in.Slug
		case !had:
			t.Slug = ""
		}
		if t.Title == "" && locale != "en" {
			delete(out, locale)
			if had {
				removed = append(removed, locale)
			}
			continue
		}
		var fe httpx.FieldErrors
		s.validateText(locale, &t, &fe)
		for _, e := range fe {
			errs = append(errs, RowError{Line: row.line, Column: e.Field, Message: e.MessageID, Data: e.Data})
		}
		out[locale] = t
	}
	return out, removed, errs
}

func sameTexts(a, b map[string]ProductText) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
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

// parseRow validates one CSV row into a variant and its product's fields, and keeps the cells of the text
// columns the file has (present) for mergeTexts.
func (s *Service) parseRow(snap *snapshot, rec []string, col map[string]int, present map[string]map[string]bool, line int) (importRow, []RowError) {
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
	if row.slugEN == "" {
		row.slugEN = Slugify(get("title_en"))
	}
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
	prod := []string{row.slugEN, row.catCode, string(row.fields.Status), row.fields.Brand, row.fields.Supplier,
		strings.Join(row.markets, ";"), strings.Join(row.certs, ";")}
	for _, locale := range s.locales {
		if len(present[locale]) == 0 {
			continue
		}
		t := ProductText{Title: get("title_" + locale), Description: get("description_" + locale),
			SEOTitle: get("seo_title_" + locale), SEODescription: get("seo_description_" + locale)}
		if locale != "en" {
			t.Slug = get("slug_" + locale)
		}
		row.texts[locale] = t
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
