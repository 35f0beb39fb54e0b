package upload

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeImageChecksContentSizeAndPixels(t *testing.T) {
	l := Limits{MaxBytes: 1 << 20, MinPixels: 10, MaxPixels: 100}
	if img, err := DecodeImage(bytes.NewReader(pngOf(t, 50, 40)), l); err != nil || img.Type != "image/png" || img.Img.Bounds().Dx() != 50 {
		t.Fatalf("a good PNG: %+v %v", img.Type, err)
	}
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"too many pixels": {pngOf(t, 101, 20), ErrDimensions},
		"too few pixels":  {pngOf(t, 9, 20), ErrDimensions},
		"not an image":    {[]byte("<html>hello</html>"), ErrType},
		"broken PNG":      {append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 64)...), ErrUnreadable},
		"too large":       {append(pngOf(t, 20, 20), []byte(strings.Repeat("x", 1<<20))...), ErrTooLarge},
	} {
		if _, err := DecodeImage(bytes.NewReader(c.data), l); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}
