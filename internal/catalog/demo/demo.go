// Package demo holds the demo shop's catalog data: categories and product types with their texts in every
// shipped language, from which the seed builds a few hundred products.
package demo

import (
	_ "embed"
	"encoding/json"
)

//go:embed data.json
var raw []byte

// Category is a demo category.
type Category struct {
	Code         string              `json:"code"`
	Parent       string              `json:"parent"`
	Names        map[string]string   `json:"names"`
	Descriptions map[string]string   `json:"descriptions"`
	Requirements map[string][]string `json:"requirements"`
}

// Type is a kind of product (an organic cotton T-shirt); the seed makes several models of each.
type Type struct {
	Key          string              `json:"key"`
	Category     string              `json:"category"`
	HSCode       string              `json:"hs_code"`
	Origin       string              `json:"origin"`
	PriceMin     int                 `json:"price_min"`
	PriceMax     int                 `json:"price_max"`
	WeightG      int                 `json:"weight_g"`
	DimensionsMM []int               `json:"dimensions_mm"`
	Options      map[string][]string `json:"options"`
	TaxCategory  string              `json:"tax_category"`
	Names        map[string]string   `json:"names"`
	Descriptions map[string]string   `json:"descriptions"`
}

// Data is the whole demo catalog.
type Data struct {
	Categories []Category `json:"categories"`
	Types      []Type     `json:"types"`
	Models     []string   `json:"models"`
}

// Load parses the embedded data.
func Load() (Data, error) {
	var d Data
	err := json.Unmarshal(raw, &d)
	return d, err
}
