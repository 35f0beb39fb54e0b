package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"

	"golang.org/x/image/draw"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/blob"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/upload"
)

// Image limits: uploads up to MaxImageBytes, at most maxImagePixels on a side (a small file can still decode
// into a huge bitmap), renditions of these widths.
const (
	MaxImageBytes  = 8 << 20
	maxImagePixels = 8000
	SmallWidth     = 400
	LargeWidth     = 1200
)

// rendition is the blob key of an image at a width: "3fa9….jpg" → "3fa9…-400.jpg".
func rendition(key string, width int) string {
	dot := strings.LastIndexByte(key, '.')
	return fmt.Sprintf("%s-%d%s", key[:dot], width, key[dot:])
}

// ImageURL is where the storefront serves a rendition of an image.
func ImageURL(key string, width int) string { return "/media/" + rendition(key, width) }

// processImage checks an upload (type by content, size, dimensions) and returns the renditions to store under
// a key derived from the content, so the same picture uploaded twice is stored once.
func processImage(r io.Reader) (key string, w, h int, renditions map[string][]byte, err error) {
	up, err := upload.DecodeImage(r, upload.Limits{MaxBytes: MaxImageBytes, MinPixels: 50, MaxPixels: maxImagePixels})
	switch {
	case errors.Is(err, upload.ErrTooLarge):
		return "", 0, 0, nil, httpx.Invalid("image", "catalog.ImageTooLarge", map[string]any{"MB": MaxImageBytes >> 20})
	case errors.Is(err, upload.ErrType):
		return "", 0, 0, nil, httpx.Invalid("image", "catalog.ImageType", nil)
	case errors.Is(err, upload.ErrUnreadable):
		return "", 0, 0, nil, httpx.Invalid("image", "catalog.ImageUnreadable", nil)
	case errors.Is(err, upload.ErrDimensions):
		return "", 0, 0, nil, httpx.Invalid("image", "catalog.ImageDimensions", map[string]any{"Max": maxImagePixels})
	case err != nil:
		return "", 0, 0, nil, err
	}
	src, kind, data := up.Img, up.Type, up.Data
	// Pictures with transparency stay PNG; everything else becomes JPEG, which is far smaller for photos.
	ext := ".jpg"
	if kind == "image/png" && !opaque(src) {
		ext = ".png"
	}
	sum := sha256.Sum256(data)
	key = hex.EncodeToString(sum[:16]) + ext
	renditions = map[string][]byte{}
	for _, width := range []int{SmallWidth, LargeWidth} {
		b, err := encode(resize(src, width), ext)
		if err != nil {
			return "", 0, 0, nil, err
		}
		renditions[rendition(key, width)] = b
	}
	return key, src.Bounds().Dx(), src.Bounds().Dy(), renditions, nil
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// resize scales img to width (never up), keeping its aspect ratio.
func resize(img image.Image, width int) image.Image {
	b := img.Bounds()
	if b.Dx() <= width {
		return img
	}
	height := b.Dy() * width / b.Dx()
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}

func encode(img image.Image, ext string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if ext == ".png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	return buf.Bytes(), err
}

// AddImage validates an uploaded picture, stores its renditions and appends it to the product's images.
// Errors: ErrProductNotFound; ErrInvalid user errors for a wrong type, an oversize file or bad dimensions.
func (s *Service) AddImage(ctx context.Context, productID int64, r io.Reader) (Image, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return Image{}, err
	}
	if snap.products[productID] == nil {
		return Image{}, ErrProductNotFound
	}
	key, w, h, renditions, err := processImage(r)
	if err != nil {
		return Image{}, err
	}
	for k, b := range renditions {
		if err := s.blobs.Put(ctx, k, bytes.NewReader(b)); err != nil {
			return Image{}, fmt.Errorf("catalog: store image: %w", err)
		}
	}
	img := Image{Key: key, Width: w, Height: h}
	err = s.write(ctx, func(st store) error {
		if img.ID, err = st.insertImage(ctx, productID, img); err != nil {
			return err
		}
		return st.audit(ctx, productID, actor.Label(ctx), "image.add", map[string]any{"image": key})
	})
	return img, err
}

// DeleteImage removes an image from a product, and its files when no other product uses the same picture.
func (s *Service) DeleteImage(ctx context.Context, productID, imageID int64) error {
	var key string
	err := s.write(ctx, func(st store) error {
		var err error
		if key, err = st.deleteImage(ctx, productID, imageID); err != nil {
			return err
		}
		return st.audit(ctx, productID, actor.Label(ctx), "image.delete", map[string]any{"image": key})
	})
	if err != nil {
		return err
	}
	if used, err := (store{db: s.pool}).imageKeyInUse(ctx, key); err == nil && !used {
		for _, width := range []int{SmallWidth, LargeWidth} {
			if err := s.blobs.Delete(ctx, rendition(key, width)); err != nil {
				s.log.WarnContext(ctx, "image file not deleted", "key", key, "err", err)
			}
		}
	}
	return nil
}

// serveMedia handles GET /media/{key}: an image rendition, cached for a year (keys change with content).
func (s *Service) serveMedia(w http.ResponseWriter, r *http.Request, key string) error {
	f, err := s.blobs.Open(r.Context(), key)
	if err == blob.ErrNotFound {
		return httpx.ErrNotFound
	}
	if err != nil {
		return err
	}
	defer f.Close()
	ct := "image/jpeg"
	if strings.HasSuffix(key, ".png") {
		ct = "image/png"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err = io.Copy(w, f)
	return err
}
