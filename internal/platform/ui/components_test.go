package ui

import (
	"context"
	"strings"
	"testing"
)

// TestFieldDescribesItselfOnce: a field points aria-describedby at its error when it has one, else at its hint,
// and writes nothing else into the input (templ has no else in attribute lists; one once leaked as an "else"
// attribute).
func TestFieldDescribesItselfOnce(t *testing.T) {
	for _, c := range []struct {
		props FieldProps
		want  string
	}{
		{FieldProps{Name: "qty", Label: "Quantity", Hint: "Up to 10", Error: "Too many"}, `aria-describedby="e-f-qty"`},
		{FieldProps{Name: "qty", Label: "Quantity", Hint: "Up to 10"}, `aria-describedby="h-f-qty"`},
	} {
		var b strings.Builder
		if err := Field(c.props).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		input := html[strings.Index(html, "<input"):]
		input = input[:strings.Index(input, ">")]
		if strings.Count(input, "aria-describedby") != 1 || !strings.Contains(input, c.want) || strings.Contains(input, " else") {
			t.Errorf("input %s, want one %s and nothing stray", input, c.want)
		}
	}
}
