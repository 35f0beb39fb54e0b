package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"storefront/internal/platform/postgres"
)

// store holds the catalog's SQL; it owns the catalog_* tables.
type store struct{ db postgres.DBTX }

// searchConfig is the PostgreSQL text-search configuration for a locale's language. Chinese, Japanese and
// Korean have none (no word boundaries to stem); their search uses trigram matching instead.
func searchConfig(locale string) string {
	switch locale {
	case "en":
		return "english"
	case "de":
		return "german"
	case "fr":
		return "french"
	case "es":
		return "spanish"
	case "it":
		return "italian"
	case "nl":
		return "dutch"
	case "ar":
		return "arabic"
	}
	return "simple"
}

// usesTrigrams reports whether search in the locale goes through trigram similarity.
func usesTrigrams(locale string) bool {
	switch locale {
	case "ja", "ko", "zh-Hans":
		return true
	}
	return false
}

// load reads the whole catalog for the read model.
func (s store) load(ctx context.Context) (*snapshot, error) {
	snap := newSnapshot()
	b := &pgx.Batch{}
	b.Queue(`SELECT id, coalesce(parent_id, 0), code, path, position FROM catalog_categories ORDER BY position, id`)
	b.Queue(`SELECT category_id, locale, name, slug, description FROM catalog_category_translations`)
	b.Queue(`SELECT category_id, market_code, certification FROM catalog_category_certifications ORDER BY certification`)
	b.Queue(`SELECT id, category_id, status, brand, supplier, created_at, updated_at, published_at FROM catalog_products ORDER BY id`)
	b.Queue(`SELECT product_id, locale, title, description, seo_title, seo_description, slug FROM catalog_product_translations`)
	b.Queue(`SELECT id, product_id, sku, options, base_price, weight_g, length_mm, width_mm, height_mm, hs_code,
	                origin_country, tax_category, customs_description, position
	         FROM catalog_variants ORDER BY product_id, position, id`)
	b.Queue(`SELECT id, product_id, blob_key, width, height, position FROM catalog_images ORDER BY product_id, position, id`)
	b.Queue(`SELECT product_id, market_code FROM catalog_product_markets ORDER BY market_code`)
	b.Queue(`SELECT product_id, certification FROM catalog_product_certifications ORDER BY certification`)
	res := s.db.SendBatch(ctx, b)
	defer res.Close()

	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		c := &Category{Texts: map[string]CategoryText{}, Requirements: map[string][]string{}}
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Code, &c.Path, &c.Position); err != nil {
			return nil, err
		}
		snap.addCategory(c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var locale string
		var t CategoryText
		if err := rows.Scan(&id, &locale, &t.Name, &t.Slug, &t.Description); err != nil {
			return nil, err
		}
		if c := snap.categories[id]; c != nil {
			c.Texts[locale] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var market, cert string
		if err := rows.Scan(&id, &market, &cert); err != nil {
			return nil, err
		}
		if c := snap.categories[id]; c != nil {
			c.Requirements[market] = append(c.Requirements[market], cert)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		p := &Product{Texts: map[string]ProductText{}}
		var status string
		if err := rows.Scan(&p.ID, &p.CategoryID, &status, &p.Brand, &p.Supplier, &p.CreatedAt, &p.UpdatedAt, &p.PublishedAt); err != nil {
			return nil, err
		}
		p.Status = Status(status)
		snap.addProduct(p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var locale string
		var t ProductText
		if err := rows.Scan(&id, &locale, &t.Title, &t.Description, &t.SEOTitle, &t.SEODescription, &t.Slug); err != nil {
			return nil, err
		}
		if p := snap.products[id]; p != nil {
			p.Texts[locale] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v Variant
		var opts []byte
		if err := rows.Scan(&v.ID, &v.ProductID, &v.SKU, &opts, &v.BasePrice, &v.WeightG, &v.LengthMM, &v.WidthMM,
			&v.HeightMM, &v.HSCode, &v.OriginCountry, &v.TaxCategory, &v.CustomsDescription, &v.Position); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(opts, &v.Options); err != nil {
			return nil, fmt.Errorf("catalog: variant %d options: %w", v.ID, err)
		}
		if p := snap.products[v.ProductID]; p != nil {
			p.Variants = append(p.Variants, v)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var img Image
		var productID int64
		if err := rows.Scan(&img.ID, &productID, &img.Key, &img.Width, &img.Height, &img.Position); err != nil {
			return nil, err
		}
		if p := snap.products[productID]; p != nil {
			p.Images = append(p.Images, img)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var market string
		if err := rows.Scan(&id, &market); err != nil {
			return nil, err
		}
		if p := snap.products[id]; p != nil {
			p.Markets = append(p.Markets, market)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var cert string
		if err := rows.Scan(&id, &cert); err != nil {
			return nil, err
		}
		if p := snap.products[id]; p != nil {
			p.Certifications = append(p.Certifications, cert)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	snap.index()
	return snap, nil
}

const insertProductSQL = `
INSERT INTO catalog_products (category_id, status, brand, supplier, published_at)
VALUES ($1, $2, $3, $4, CASE WHEN $2 = 'active' THEN now() END)
RETURNING id`

func (s store) insertProduct(ctx context.Context, p ProductFields) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertProductSQL, p.CategoryID, string(p.Status), p.Brand, p.Supplier).Scan(&id)
	if postgres.IsForeignKeyViolation(err) {
		return 0, ErrCategoryNotFound
	}
	return id, err
}

const updateProductSQL = `
UPDATE catalog_products
SET category_id = $2, status = $3, brand = $4, supplier = $5, updated_at = now(),
    published_at = CASE WHEN $3 = 'active' THEN coalesce(published_at, now()) ELSE published_at END
WHERE id = $1`

func (s store) updateProduct(ctx context.Context, id int64, p ProductFields) error {
	tag, err := s.db.Exec(ctx, updateProductSQL, id, p.CategoryID, string(p.Status), p.Brand, p.Supplier)
	if postgres.IsForeignKeyViolation(err) {
		return ErrCategoryNotFound
	}
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrProductNotFound
	}
	return nil
}

const touchProductSQL = `UPDATE catalog_products SET updated_at = now() WHERE id = $1`

func (s store) touchProduct(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, touchProductSQL, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrProductNotFound
	}
	return err
}

const upsertTextSQL = `
INSERT INTO catalog_product_translations (product_id, locale, title, description, seo_title, seo_description, slug, search_config)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::regconfig)
ON CONFLICT (product_id, locale) DO UPDATE SET title = $3, description = $4, seo_title = $5, seo_description = $6, slug = $7`

func (s store) upsertText(ctx context.Context, productID int64, locale string, t ProductText) error {
	_, err := s.db.Exec(ctx, upsertTextSQL, productID, locale, t.Title, t.Description, t.SEOTitle, t.SEODescription,
		t.Slug, searchConfig(locale))
	if c, ok := postgres.IsUniqueViolation(err); ok && c == "catalog_product_slug_key" {
		return errSlugTaken(locale, t.Slug)
	}
	return err
}

const deleteTextSQL = `DELETE FROM catalog_product_translations WHERE product_id = $1 AND locale = $2`

func (s store) deleteText(ctx context.Context, productID int64, locale string) error {
	_, err := s.db.Exec(ctx, deleteTextSQL, productID, locale)
	return err
}

const insertVariantSQL = `
INSERT INTO catalog_variants (product_id, sku, options, base_price, weight_g, length_mm, width_mm, height_mm,
                              hs_code, origin_country, tax_category, customs_description, position)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
        coalesce((SELECT max(position) + 1 FROM catalog_variants WHERE product_id = $1), 0))
RETURNING id`

func (s store) insertVariant(ctx context.Context, productID int64, v Variant) (int64, error) {
	opts, err := json.Marshal(v.Options)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.QueryRow(ctx, insertVariantSQL, productID, v.SKU, opts, v.BasePrice, v.WeightG, v.LengthMM, v.WidthMM,
		v.HeightMM, v.HSCode, v.OriginCountry, v.TaxCategory, v.CustomsDescription).Scan(&id)
	if c, ok := postgres.IsUniqueViolation(err); ok && c == "catalog_variants_sku_key" {
		return 0, errSKUTaken(v.SKU)
	}
	if postgres.IsForeignKeyViolation(err) {
		return 0, ErrProductNotFound
	}
	return id, err
}

const updateVariantSQL = `
UPDATE catalog_variants SET sku = $3, options = $4, base_price = $5, weight_g = $6, length_mm = $7, width_mm = $8,
       height_mm = $9, hs_code = $10, origin_country = $11, tax_category = $12, customs_description = $13, updated_at = now()
WHERE id = $1 AND product_id = $2`

func (s store) updateVariant(ctx context.Context, productID int64, v Variant) error {
	opts, err := json.Marshal(v.Options)
	if err != nil {
		return err
	}
	tag, err := s.db.Exec(ctx, updateVariantSQL, v.ID, productID, v.SKU, opts, v.BasePrice, v.WeightG, v.LengthMM,
		v.WidthMM, v.HeightMM, v.HSCode, v.OriginCountry, v.TaxCategory, v.CustomsDescription)
	if c, ok := postgres.IsUniqueViolation(err); ok && c == "catalog_variants_sku_key" {
		return errSKUTaken(v.SKU)
	}
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrVariantNotFound
	}
	return nil
}

const deleteVariantSQL = `DELETE FROM catalog_variants WHERE id = $1 AND product_id = $2`

func (s store) deleteVariant(ctx context.Context, productID, variantID int64) error {
	tag, err := s.db.Exec(ctx, deleteVariantSQL, variantID, productID)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrVariantNotFound
	}
	return err
}

const insertImageSQL = `
INSERT INTO catalog_images (product_id, blob_key, width, height, position)
VALUES ($1, $2, $3, $4, coalesce((SELECT max(position) + 1 FROM catalog_images WHERE product_id = $1), 0))
RETURNING id`

func (s store) insertImage(ctx context.Context, productID int64, img Image) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertImageSQL, productID, img.Key, img.Width, img.Height).Scan(&id)
	if postgres.IsForeignKeyViolation(err) {
		return 0, ErrProductNotFound
	}
	return id, err
}

const deleteImageSQL = `DELETE FROM catalog_images WHERE id = $1 AND product_id = $2 RETURNING blob_key`

func (s store) deleteImage(ctx context.Context, productID, imageID int64) (string, error) {
	var key string
	err := s.db.QueryRow(ctx, deleteImageSQL, imageID, productID).Scan(&key)
	if postgres.NoRows(err) {
		return "", fmt.Errorf("catalog: image %d: %w", imageID, ErrProductNotFound)
	}
	return key, err
}

const imageKeyInUseSQL = `SELECT EXISTS (SELECT 1 FROM catalog_images WHERE blob_key = $1)`

func (s store) imageKeyInUse(ctx context.Context, key string) (bool, error) {
	var used bool
	err := s.db.QueryRow(ctx, imageKeyInUseSQL, key).Scan(&used)
	return used, err
}

func (s store) setMarkets(ctx context.Context, productID int64, markets []string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM catalog_product_markets WHERE product_id = $1`, productID); err != nil {
		return err
	}
	if len(markets) == 0 {
		return nil
	}
	_, err := s.db.Exec(ctx, `INSERT INTO catalog_product_markets (product_id, market_code) SELECT $1, unnest($2::text[])`,
		productID, markets)
	return err
}

func (s store) setCertifications(ctx context.Context, productID int64, certs []string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM catalog_product_certifications WHERE product_id = $1`, productID); err != nil {
		return err
	}
	if len(certs) == 0 {
		return nil
	}
	_, err := s.db.Exec(ctx, `INSERT INTO catalog_product_certifications (product_id, certification) SELECT $1, unnest($2::text[])`,
		productID, certs)
	return err
}

const insertAuditSQL = `INSERT INTO catalog_audit (product_id, category_id, actor, action, changes) VALUES ($1, $2, $3, $4, $5)`

// audit records a change of a product's listing (productID 0: of no product).
func (s store) audit(ctx context.Context, productID int64, actor, action string, changes any) error {
	return s.insertAudit(ctx, productID, 0, actor, action, changes)
}

// auditCategory records a change of a category.
func (s store) auditCategory(ctx context.Context, categoryID int64, actor, action string, changes any) error {
	return s.insertAudit(ctx, 0, categoryID, actor, action, changes)
}

func (s store) insertAudit(ctx context.Context, productID, categoryID int64, actor, action string, changes any) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, insertAuditSQL, nullID(productID), nullID(categoryID), actor, action, b)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AuditEntry is one recorded change of the listings: a product's (ProductID) or a category's (CategoryID).
type AuditEntry struct {
	ID         int64
	ProductID  int64
	CategoryID int64
	Actor      string
	Action     string
	At         time.Time
	// VariantID and SKU name the variant of a variant.* entry.
	VariantID int64
	SKU       string
	// Line is the CSV line of an import.* entry's product, Rows its number of rows.
	Line, Rows int
	// Changes lists the fields changed, with their values before and after.
	Changes []FieldChange
}

// auditQuery selects log entries; zero fields select everything.
type auditQuery struct {
	productID, categoryID int64
	action                string
	// matching keeps only the entries of these products or categories, or of a variant with this SKU.
	matching             bool
	products, categories []int64
	sku                  string
}

const auditSQL = `
SELECT id, coalesce(product_id, 0), coalesce(category_id, 0), actor, action, changes, at
FROM catalog_audit %s
ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2`

// auditLog returns up to limit matching entries from offset, newest first, and whether more follow. (No total:
// counting a long log on every page would cost more than the page.) Only the conditions asked for go into the
// query, so each filter can use its index (catalog_audit_product, _category, _at).
func (s store) auditLog(ctx context.Context, q auditQuery, limit, offset int) ([]AuditEntry, bool, error) {
	args := []any{limit + 1, offset}
	var where []string
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.productID != 0 {
		where = append(where, "product_id = "+arg(q.productID))
	}
	if q.categoryID != 0 {
		where = append(where, "category_id = "+arg(q.categoryID))
	}
	if q.action != "" {
		where = append(where, "action = "+arg(q.action))
	}
	if q.matching {
		where = append(where, fmt.Sprintf("(product_id = ANY(%s::bigint[]) OR category_id = ANY(%s::bigint[]) OR upper(changes->>'sku') = upper(%s))",
			arg(q.products), arg(q.categories), arg(q.sku)))
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.Query(ctx, fmt.Sprintf(auditSQL, cond), args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var changes []byte
		if err := rows.Scan(&e.ID, &e.ProductID, &e.CategoryID, &e.Actor, &e.Action, &changes, &e.At); err != nil {
			return nil, false, err
		}
		parseAuditChanges(&e, changes)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// parseAuditChanges reads an entry's stored changes: an auditRecord, or the free-form JSON of entries written
// before it existed, flattened into field changes.
func parseAuditChanges(e *AuditEntry, b []byte) {
	var probe struct {
		Changes json.RawMessage `json:"changes"`
	}
	if json.Unmarshal(b, &probe) == nil && len(probe.Changes) > 0 && probe.Changes[0] == '[' {
		var rec auditRecord
		if json.Unmarshal(b, &rec) == nil {
			e.VariantID, e.SKU, e.Line, e.Rows, e.Changes = rec.Variant, rec.SKU, rec.Line, rec.Rows, rec.Changes
			return
		}
	}
	var raw map[string]any
	if json.Unmarshal(b, &raw) != nil {
		return
	}
	e.Changes = flattenLegacy(e, nil, raw)
}

// flattenLegacy turns an old entry's JSON ({"status": {"from": …, "to": …}}, a whole struct, {"line": 3}) into
// field changes; nested keys join with dots ("texts.de.Title").
func flattenLegacy(e *AuditEntry, path []string, m map[string]any) []FieldChange {
	var out []FieldChange
	for _, k := range sortedKeys(m) {
		v := m[k]
		field := strings.Join(append(append([]string{}, path...), k), ".")
		if len(path) == 0 {
			n, isNum := v.(float64)
			switch {
			case k == "line" && isNum:
				e.Line = int(n)
				continue
			case k == "rows" && isNum:
				e.Rows = int(n)
				continue
			case k == "variant" && isNum:
				e.VariantID = int64(n)
				continue
			case k == "category" && isNum && strings.HasPrefix(e.Action, "category."):
				continue
			case k == "ID" || k == "ProductID" || k == "Position":
				continue
			}
		}
		if sub, ok := v.(map[string]any); ok {
			_, hasFrom := sub["from"]
			_, hasTo := sub["to"]
			if hasFrom || hasTo {
				out = append(out, FieldChange{Field: field, From: sub["from"], To: sub["to"]})
			} else {
				out = append(out, flattenLegacy(e, append(append([]string{}, path...), k), sub)...)
			}
			continue
		}
		if strings.HasSuffix(e.Action, ".delete") {
			out = append(out, FieldChange{Field: field, From: v})
		} else {
			out = append(out, FieldChange{Field: field, To: v})
		}
	}
	return out
}

const insertCategorySQL = `
INSERT INTO catalog_categories (parent_id, code, position)
VALUES (nullif($1, 0), $2, $3)
RETURNING id`

const setCategoryPathSQL = `
UPDATE catalog_categories c
SET path = coalesce((SELECT p.path FROM catalog_categories p WHERE p.id = c.parent_id), '{}') || c.id
WHERE c.id = $1`

func (s store) insertCategory(ctx context.Context, parentID int64, code string, position int) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertCategorySQL, parentID, code, position).Scan(&id)
	if _, ok := postgres.IsUniqueViolation(err); ok {
		return 0, errCategoryCodeTaken(code)
	}
	if postgres.IsForeignKeyViolation(err) {
		return 0, ErrCategoryNotFound
	}
	if err != nil {
		return 0, err
	}
	_, err = s.db.Exec(ctx, setCategoryPathSQL, id)
	return id, err
}

const upsertCategoryTextSQL = `
INSERT INTO catalog_category_translations (category_id, locale, name, slug, description) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (category_id, locale) DO UPDATE SET name = $3, slug = $4, description = $5`

func (s store) upsertCategoryText(ctx context.Context, id int64, locale string, t CategoryText) error {
	_, err := s.db.Exec(ctx, upsertCategoryTextSQL, id, locale, t.Name, t.Slug, t.Description)
	if c, ok := postgres.IsUniqueViolation(err); ok && c == "catalog_category_slug_key" {
		return errSlugTaken(locale, t.Slug)
	}
	if postgres.IsForeignKeyViolation(err) {
		return ErrCategoryNotFound
	}
	return err
}

func (s store) deleteCategoryTexts(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM catalog_category_translations WHERE category_id = $1`, id)
	return err
}

func (s store) setCategoryRequirements(ctx context.Context, id int64, reqs map[string][]string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM catalog_category_certifications WHERE category_id = $1`, id); err != nil {
		return err
	}
	for market, certs := range reqs {
		for _, c := range certs {
			if _, err := s.db.Exec(ctx, `INSERT INTO catalog_category_certifications (category_id, market_code, certification)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, market, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// searchHit is a product matching a search, with its rank.
type searchHit struct {
	ProductID int64
	Rank      float32
}

// searchSQL ranks products by full-text match in the locale's configuration (websearch syntax: quoted
// phrases, OR, -exclusions), falling back to trigram similarity for CJK locales and short/partial words.
const searchSQL = `
SELECT product_id, max(rank) AS rank FROM (
    SELECT t.product_id, ts_rank(t.search, q) AS rank
    FROM catalog_product_translations t, websearch_to_tsquery($3::regconfig, $2) q
    WHERE t.locale = $1 AND t.search @@ q
  UNION ALL
    SELECT t.product_id, similarity(t.title || ' ' || t.description, $2) * 0.5 AS rank
    FROM catalog_product_translations t
    WHERE t.locale = $1 AND ($4 OR length($2) >= 3) AND (t.title || ' ' || t.description) ILIKE '%' || $5 || '%'
) hits
GROUP BY product_id ORDER BY rank DESC, product_id LIMIT $6`

func (s store) search(ctx context.Context, locale, query string, limit int) ([]searchHit, error) {
	rows, err := s.db.Query(ctx, searchSQL, locale, query, searchConfig(locale), usesTrigrams(locale), escapeLike(query), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []searchHit
	for rows.Next() {
		var h searchHit
		if err := rows.Scan(&h.ProductID, &h.Rank); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// escapeLike makes a user's text match literally inside ILIKE.
func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}
