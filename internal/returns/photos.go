package returns

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image/jpeg"
	"image/png"
	"io"

	"storefront/internal/platform/blob"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/upload"
)

// Photo limits: how many a request may carry, how large each file may be, and how many pixels on a side (a small
// file can still decode into a huge bitmap).
const (
	MaxPhotos      = 3
	MaxPhotoBytes  = 5 << 20
	maxPhotoPixels = 8000
)

// processedPhoto is an accepted upload, re-encoded and ready to store.
type processedPhoto struct {
	key         string
	contentType string
	data        []byte
}

// processPhotos checks uploads by their content (JPEG, PNG or WebP that really decodes, within the size and
// pixel limits) and re-encodes each one, which drops metadata such as the GPS position a phone camera records.
// Errors: field errors on "photos".
func processPhotos(uploads []io.Reader) ([]processedPhoto, error) {
	if len(uploads) > MaxPhotos {
		return nil, httpx.Invalid("photos", "returns.TooManyPhotos", map[string]any{"Max": MaxPhotos})
	}
	var out []processedPhoto
	for _, u := range uploads {
		p, err := processPhoto(u)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func processPhoto(r io.Reader) (processedPhoto, error) {
	up, err := upload.DecodeImage(r, upload.Limits{MaxBytes: MaxPhotoBytes, MaxPixels: maxPhotoPixels})
	switch {
	case errors.Is(err, upload.ErrTooLarge):
		return processedPhoto{}, httpx.Invalid("photos", "returns.PhotoTooLarge", map[string]any{"MB": MaxPhotoBytes >> 20})
	case errors.Is(err, upload.ErrType):
		return processedPhoto{}, httpx.Invalid("photos", "returns.PhotoType", nil)
	case errors.Is(err, upload.ErrUnreadable):
		return processedPhoto{}, httpx.Invalid("photos", "returns.PhotoUnreadable", nil)
	case errors.Is(err, upload.ErrDimensions):
		return processedPhoto{}, httpx.Invalid("photos", "returns.PhotoDimensions", map[string]any{"Max": maxPhotoPixels})
	case err != nil:
		return processedPhoto{}, err
	}
	img, kind := up.Img, up.Type
	var buf bytes.Buffer
	p := processedPhoto{contentType: "image/jpeg"}
	ext := ".jpg"
	if kind == "image/png" {
		// Screenshots stay sharp as PNG; photos become JPEG.
		p.contentType, ext = "image/png", ".png"
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return processedPhoto{}, err
	}
	var id [16]byte
	_, _ = rand.Read(id[:])
	p.key = "return-" + hex.EncodeToString(id[:]) + ext
	p.data = buf.Bytes()
	return p, nil
}

// Photos lists a return's photos.
func (s *Service) Photos(ctx context.Context, id int64) ([]Photo, error) {
	return store{db: s.pool}.photos(ctx, id)
}

// OpenPhoto opens one of a return's photos. Errors: ErrNotFound for a photo of another return or a missing file.
func (s *Service) OpenPhoto(ctx context.Context, returnID, photoID int64) (Photo, io.ReadCloser, error) {
	photos, err := s.Photos(ctx, returnID)
	if err != nil {
		return Photo{}, nil, err
	}
	for _, p := range photos {
		if p.ID != photoID {
			continue
		}
		f, err := s.blobs.Open(ctx, p.Key)
		if errors.Is(err, blob.ErrNotFound) {
			return Photo{}, nil, httpx.ErrNotFound
		}
		return p, f, err
	}
	return Photo{}, nil, httpx.ErrNotFound
}
