package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"storefront/internal/cart"
	"storefront/internal/checkout"
)

// benchShop is a seeded shop shared by the benchmarks of one run.
func benchShop(b *testing.B) *testShop {
	b.Helper()
	return seededShop(b)
}

func serve(b *testing.B, h http.Handler, req *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d", req.URL, rec.Code)
	}
}

// categoryPath is a department page listing at least 24 products.
func categoryPath(shop *testShop, prefix string) string {
	loc, _ := shop.app.router.Resolve(strings.Trim(prefix, "/"))
	cats, _ := shop.app.catalog.Categories(context.Background())
	for _, c := range cats {
		if c.Code == "apparel" {
			return prefix + "/c/" + url.PathEscape(c.Texts[loc.Language.Code].Slug)
		}
	}
	return prefix + "/"
}

// BenchmarkCategoryPage renders a localized 24-product category page (German, euros, tax included) through the
// whole handler stack on a real database.
func BenchmarkCategoryPage(b *testing.B) {
	shop := benchShop(b)
	path := categoryPath(shop, "/de-de")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		serve(b, shop.app.handler, req)
	}
}

// BenchmarkProductPage renders a product page with its import-charges estimate.
func BenchmarkProductPage(b *testing.B) {
	shop := benchShop(b)
	_, path := shop.buyableProduct(b, "/ja-jp", "")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		serve(b, shop.app.handler, req)
	}
}

// BenchmarkAddToCart adds items to carts in parallel (each goroutine its own guest cart).
func BenchmarkAddToCart(b *testing.B) {
	shop := benchShop(b)
	item, _ := shop.buyableProduct(b, "/en-us", "")
	sh := shop.shopper(b, "/en-us")
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ref := cart.Ref{Token: fmt.Sprintf("bench-cart-%020d", n.Add(1))}
			if err := shop.app.carts.Add(context.Background(), ref, sh, item.ID, 1); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPlaceOrder places orders in parallel (cart, address, breakdown, reservation, payment record).
func BenchmarkPlaceOrder(b *testing.B) {
	shop := benchShop(b)
	item := shop.stockedVariant(b, 1_000_000)
	sh := shop.shopper(b, "/en-de")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := shop.placeOrder(context.Background(), "/en-de", sh, item.ID, 1, checkout.MethodTest); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
