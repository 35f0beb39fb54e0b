// Package upload checks images people upload (product pictures, photos of a returned item) by their content
// before anything decodes them in full.
package upload

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // decode JPEG uploads
	_ "image/png"  // decode PNG uploads
	"io"
	"net/http"

	_ "golang.org/x/image/webp" // decode WebP uploads
)

// Why an upload is refused; callers turn these into their own messages.
var (
	ErrTooLarge   = errors.New("upload: file too large")
	ErrType       = errors.New("upload: not a JPEG, PNG or WebP image")
	ErrUnreadable = errors.New("upload: image cannot be read")
	ErrDimensions = errors.New("upload: image too small or too large")
)

// Limits bound an image upload: its file size, and its pixels on a side (a small file can still decode into a
// huge bitmap, so the size is read from the header before decoding).
type Limits struct {
	MaxBytes  int
	MinPixels int
	MaxPixels int
}

// Image is an accepted upload: the decoded picture, the file as uploaded and its type by content.
type Image struct {
	Img  image.Image
	Data []byte
	Type string // "image/jpeg", "image/png" or "image/webp"
}

// DecodeImage reads an upload within the limits and decodes it. Errors: ErrTooLarge, ErrType, ErrUnreadable,
// ErrDimensions, or the reader's own error.
func DecodeImage(r io.Reader, l Limits) (Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(l.MaxBytes)+1))
	if err != nil {
		return Image{}, err
	}
	if len(data) > l.MaxBytes {
		return Image{}, ErrTooLarge
	}
	kind := http.DetectContentType(data)
	switch kind {
	case "image/jpeg", "image/png", "image/webp":
	default:
		return Image{}, ErrType
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrUnreadable
	}
	if cfg.Width < max(l.MinPixels, 1) || cfg.Height < max(l.MinPixels, 1) || cfg.Width > l.MaxPixels || cfg.Height > l.MaxPixels {
		return Image{}, ErrDimensions
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrUnreadable
	}
	return Image{Img: img, Data: data, Type: kind}, nil
}
