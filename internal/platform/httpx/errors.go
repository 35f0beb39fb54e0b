// Package httpx is the shop's HTTP plumbing: error kinds and their status codes, the handler adapter that turns
// a returned error into a localized error page, and the middleware every request passes through.
package httpx

import (
	"errors"
	"net/http"
)

// Error kinds. Modules wrap them with context, e.g. fmt.Errorf("catalog: product %d: %w", id, httpx.ErrNotFound),
// and callers test them with errors.Is.
var (
	ErrNotFound        = errors.New("not found")
	ErrInvalid         = errors.New("invalid input")
	ErrConflict        = errors.New("conflict")
	ErrForbidden       = errors.New("forbidden")
	ErrUnauthenticated = errors.New("sign-in required")
	ErrTooManyRequests = errors.New("too many requests")
	ErrMethod          = errors.New("method not allowed")
	ErrTooLarge        = errors.New("request too large")
)

// Status maps an error to the HTTP status of its kind; any other error is a 500.
func Status(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, ErrTooManyRequests):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// UserError is an error with a message for the person who caused it: a message ID from locales/ and its
// template data, so the page can say what went wrong in the visitor's language. Kind is one of the kinds above.
type UserError struct {
	Kind      error
	MessageID string
	Data      map[string]any
	// Field names the form field at fault, if any.
	Field string
}

func (e *UserError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.MessageID + ": " + e.Kind.Error()
	}
	return e.MessageID + ": " + e.Kind.Error()
}

// Unwrap lets errors.Is find the kind.
func (e *UserError) Unwrap() error { return e.Kind }

// Invalid returns an ErrInvalid user error for a form field.
func Invalid(field, messageID string, data map[string]any) error {
	return &UserError{Kind: ErrInvalid, Field: field, MessageID: messageID, Data: data}
}

// Fail returns a user error of kind with a message.
func Fail(kind error, messageID string, data map[string]any) error {
	return &UserError{Kind: kind, MessageID: messageID, Data: data}
}

// FieldErrors collects user errors per form field so a form can show them all at once.
type FieldErrors []*UserError

// Add appends an invalid-field message.
func (f *FieldErrors) Add(field, messageID string, data map[string]any) {
	*f = append(*f, &UserError{Kind: ErrInvalid, Field: field, MessageID: messageID, Data: data})
}

// Err returns the collected errors as one error, or nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

func (f FieldErrors) Error() string {
	s := "invalid input:"
	for _, e := range f {
		s += " " + e.Error() + ";"
	}
	return s
}

// Unwrap makes errors.Is(f, ErrInvalid) true and lets errors.As find each field error.
func (f FieldErrors) Unwrap() []error {
	errs := make([]error, 0, len(f)+1)
	errs = append(errs, ErrInvalid)
	for _, e := range f {
		errs = append(errs, e)
	}
	return errs
}

// For returns the first error for field, or nil.
func (f FieldErrors) For(field string) *UserError {
	for _, e := range f {
		if e.Field == field {
			return e
		}
	}
	return nil
}

// AsFieldErrors extracts field errors from err: a FieldErrors, or a single field UserError.
func AsFieldErrors(err error) (FieldErrors, bool) {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return fe, true
	}
	var ue *UserError
	if errors.As(err, &ue) && ue.Field != "" {
		return FieldErrors{ue}, true
	}
	return nil, false
}
