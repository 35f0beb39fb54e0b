package catalog

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/catalog/demo"
	"storefront/internal/platform/postgres"
)

// modelsPerType is how many products the demo makes of each product type (39 types → 234 products).
const modelsPerType = 6

// DemoVariant is a seeded variant, for the other modules' demo data (stock, price lists).
type DemoVariant struct {
	ID          int64
	SKU         string
	Category    string
	Origin      string
	ProductSlug string
}

// SeedDemo creates the demo catalog idempotently: categories by code, products through the CSV import (so a
// second run finds nothing to change), and a picture per product. It returns every demo variant.
func (s *Service) SeedDemo(ctx context.Context) ([]DemoVariant, error) {
	data, err := demo.Load()
	if err != nil {
		return nil, fmt.Errorf("catalog: demo data: %w", err)
	}
	if err := s.seedCategories(ctx, data); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.demoCSV(&buf, data); err != nil {
		return nil, err
	}
	if rep, err := s.Import(ctx, &buf, false, nil); err != nil {
		if len(rep.Errors) > 0 {
			e := rep.Errors[0]
			return nil, fmt.Errorf("catalog: demo import line %d %s: %s %v", e.Line, e.Column, e.Message, e.Data)
		}
		return nil, err
	}
	if err := s.seedImages(ctx, data); err != nil {
		return nil, err
	}
	snap, err := s.snap(ctx)
	if err != nil {
		return nil, err
	}
	var out []DemoVariant
	for _, p := range snap.ordered {
		cat := snap.categories[p.CategoryID]
		for _, v := range p.Variants {
			out = append(out, DemoVariant{ID: v.ID, SKU: v.SKU, Category: cat.Code, Origin: v.OriginCountry, ProductSlug: p.Texts["en"].Slug})
		}
	}
	return out, nil
}

func (s *Service) seedCategories(ctx context.Context, data demo.Data) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, c := range snap.categories {
		ids[c.Code] = c.ID
	}
	for i, c := range data.Categories {
		if _, ok := ids[c.Code]; ok {
			continue
		}
		in := CategoryInput{ParentID: ids[c.Parent], Code: c.Code, Position: i, Texts: map[string]CategoryText{},
			Requirements: map[string][]string{}}
		for locale, name := range c.Names {
			if s.knownLocale(locale) {
				in.Texts[locale] = CategoryText{Name: name, Description: c.Descriptions[locale]}
			}
		}
		for m, certs := range c.Requirements {
			in.Requirements[m] = append([]string{}, certs...)
		}
		id, err := s.CreateCategory(ctx, in)
		if err != nil {
			return fmt.Errorf("catalog: demo category %s: %w", c.Code, err)
		}
		ids[c.Code] = id
	}
	return nil
}

func seedHash(parts ...string) uint32 {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// demoCSV writes the demo products as a listings CSV.
func (s *Service) demoCSV(buf *bytes.Buffer, data demo.Data) error {
	header := s.csvHeader()
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	cw := csv.NewWriter(buf)
	if err := cw.Write(header); err != nil {
		return err
	}
	parents := map[string]string{}
	for _, c := range data.Categories {
		parents[c.Code] = c.Parent
	}
	n := 0
	for _, t := range data.Types {
		root := t.Category
		for parents[root] != "" {
			root = parents[root]
		}
		brand := map[string]string{"apparel": "Northway", "electronics": "Voltaic", "home": "Hearth & Grain"}[root]
		for m := 0; m < modelsPerType; m++ {
			model := data.Models[(m+int(seedHash(t.Key)))%len(data.Models)]
			n++
			h := seedHash(t.Key, model)
			// A price within the type's range, ending in .00 or .50.
			span := t.PriceMax - t.PriceMin
			base := decimal.NewFromInt(int64(t.PriceMin + int(h%uint32(span+1)))).Add(decimal.New(int64(h%2)*5, -1))
			status := "active"
			if n%29 == 0 {
				status = "draft"
			}
			supplier := fmt.Sprintf("%s Supply Co. (%s)", strings.ToUpper(t.Key[:1])+t.Key[1:3], t.Origin)
			if h%3 == 0 {
				supplier = fmt.Sprintf("Partner Works %d (%s)", h%7+1, t.Origin)
			}
			origin := t.Origin
			var certs, markets []string
			switch root {
			case "electronics":
				certs = []string{"CE", "FCC"}
				if n%5 != 0 {
					certs = append(certs, "UKCA")
				}
				if n%3 != 0 {
					certs = append(certs, "PSE")
				}
				if n%2 == 0 {
					certs = append(certs, "KC")
				}
			case "home":
				if t.Category == "kitchen-appliances" {
					certs = []string{"CE", "FCC", "UKCA", "KC"}
					if n%3 != 0 {
						certs = append(certs, "PSE")
					}
				}
				if t.Category == "furniture" {
					markets = []string{"CH", "DE", "ES", "FR", "GB", "IE", "IT", "NL", "US"}
				}
			case "apparel":
				// Some jeans come from Mexico, so USMCA treatment shows in the US and Canada.
				if t.Category == "jeans" && m%3 == 0 {
					origin = "MX"
				}
			}
			slug := Slugify(model + " " + t.Names["en"])
			combos := optionCombos(t.Options)
			for vi, opts := range combos {
				var skuParts []string
				for _, k := range sortedKeys(opts) {
					skuParts = append(skuParts, opts[k])
				}
				sku := strings.ToUpper(strings.Join(append([]string{t.Key, model}, skuParts...), "-"))
				price := base.Add(decimal.NewFromInt(int64(optionSurcharge(opts, t.PriceMin))))
				rec := make([]string, len(header))
				set := func(k, v string) { rec[col[k]] = v }
				set("sku", sku)
				set("slug_en", slug)
				set("category", t.Category)
				set("status", status)
				set("brand", brand)
				set("supplier", supplier)
				set("options", formatOptions(opts))
				set("base_price", price.StringFixed(2))
				set("weight_g", strconv.Itoa(t.WeightG+vi*5))
				set("length_mm", strconv.Itoa(t.DimensionsMM[0]))
				set("width_mm", strconv.Itoa(t.DimensionsMM[1]))
				set("height_mm", strconv.Itoa(t.DimensionsMM[2]))
				set("hs_code", t.HSCode)
				set("origin_country", origin)
				set("tax_category", t.TaxCategory)
				set("customs_description", t.Names["en"])
				set("markets", strings.Join(markets, ";"))
				set("certifications", strings.Join(certs, ";"))
				for _, locale := range s.locales {
					name := t.Names[locale]
					if name == "" {
						continue
					}
					title := model + " " + name
					set("title_"+locale, title)
					set("description_"+locale, t.Descriptions[locale])
					if locale != "en" {
						set("slug_"+locale, Slugify(title))
					}
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// optionCombos lists every combination of option values, in a stable order.
func optionCombos(options map[string][]string) []map[string]string {
	combos := []map[string]string{{}}
	for _, k := range sortedKeys(options) {
		var next []map[string]string
		for _, c := range combos {
			for _, v := range options[k] {
				m := map[string]string{}
				for kk, vv := range c {
					m[kk] = vv
				}
				m[k] = v
				next = append(next, m)
			}
		}
		combos = next
	}
	return combos
}

// optionSurcharge makes bigger sizes, capacities and sets cost a little more, as they would.
func optionSurcharge(opts map[string]string, priceMin int) int {
	extra := 0
	switch opts["size"] {
	case "XL", "king", "28cm", "45", "36":
		extra += max(2, priceMin/10)
	}
	switch opts["memory"] {
	case "32GB":
		extra += 200
	}
	switch opts["capacity"] {
	case "20000mAh":
		extra += 10
	}
	switch opts["pieces"] {
	case "10", "500", "100":
		extra += max(5, priceMin/3)
	}
	if opts["pack"] == "3" {
		extra += 150
	}
	return extra
}

// seedImages gives every demo product without a picture one, generated per product type.
func (s *Service) seedImages(ctx context.Context, data demo.Data) error {
	snap, err := s.snap(ctx)
	if err != nil {
		return err
	}
	typeOf := map[string]demo.Type{}
	for _, t := range data.Types {
		typeOf[t.Key] = t
	}
	images := map[string]Image{}
	var pending []struct {
		productID int64
		img       Image
	}
	for _, p := range snap.ordered {
		if len(p.Images) > 0 || len(p.Variants) == 0 {
			continue
		}
		key := typeKeyOf(p.Variants[0].SKU, typeOf)
		if key == "" {
			continue
		}
		img, ok := images[key]
		if !ok {
			var b bytes.Buffer
			enc := png.Encoder{CompressionLevel: png.BestSpeed}
			if err := enc.Encode(&b, demoPicture(typeOf[key])); err != nil {
				return err
			}
			k, w, h, renditions, err := processImage(&b)
			if err != nil {
				return err
			}
			for rk, rb := range renditions {
				if err := s.blobs.Put(ctx, rk, bytes.NewReader(rb)); err != nil {
					return err
				}
			}
			img = Image{Key: k, Width: w, Height: h}
			images[key] = img
		}
		pending = append(pending, struct {
			productID int64
			img       Image
		}{p.ID, img})
	}
	if len(pending) == 0 {
		return nil
	}
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		for _, pi := range pending {
			if _, err := st.insertImage(ctx, pi.productID, pi.img); err != nil {
				return err
			}
		}
		return postgres.Notify(ctx, tx, ChangeTopic)
	})
	if err == nil {
		s.Invalidate()
	}
	return err
}

func typeKeyOf(sku string, types map[string]demo.Type) string {
	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		if strings.HasPrefix(sku, strings.ToUpper(k)+"-") {
			return k
		}
	}
	return ""
}

// demoPicture draws a simple product illustration: a soft gradient in the department's colours with a shape
// standing for the kind of product.
func demoPicture(t demo.Type) image.Image {
	const size = 600
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	h := seedHash(t.Key)
	palettes := [][2]color.RGBA{
		{{226, 236, 247, 255}, {157, 188, 222, 255}},
		{{233, 228, 246, 255}, {170, 156, 214, 255}},
		{{247, 236, 224, 255}, {219, 181, 140, 255}},
		{{226, 242, 234, 255}, {145, 199, 170, 255}},
	}
	pal := palettes[int(h)%len(palettes)]
	for y := 0; y < size; y++ {
		f := float64(y) / size
		c := color.RGBA{
			R: uint8(float64(pal[0].R)*(1-f) + float64(pal[1].R)*f),
			G: uint8(float64(pal[0].G)*(1-f) + float64(pal[1].G)*f),
			B: uint8(float64(pal[0].B)*(1-f) + float64(pal[1].B)*f), A: 255}
		for x := 0; x < size; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	white := color.RGBA{255, 255, 255, 255}
	shade := color.RGBA{120, 130, 150, 255}
	switch int(h>>3) % 3 {
	case 0: // disc
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				d := math.Hypot(float64(x-size/2), float64(y-size/2))
				if d < 190 {
					img.SetRGBA(x, y, white)
				} else if d < 200 {
					img.SetRGBA(x, y, shade)
				}
			}
		}
	case 1: // rounded card
		for y := 135; y < 465; y++ {
			for x := 150; x < 450; x++ {
				img.SetRGBA(x, y, white)
			}
		}
	default: // diamond
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				if abs(x-size/2)+abs(y-size/2) < 210 {
					img.SetRGBA(x, y, white)
				}
			}
		}
	}
	return img
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
