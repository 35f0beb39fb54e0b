// Package money holds amounts of money as exact decimals tagged with an ISO 4217 currency code, and the
// explicit rounding steps that bring them to a currency's minor units.
//
// Minor units come from the CLDR/ISO 4217 data shipped with github.com/bojanz/currency, not from a hand-typed
// table: JPY and KRW have 0 decimals, EUR 2, KWD and BHD 3. Nothing in this package rounds implicitly; callers
// name the step (Round, RoundTo) and the mode.
package money

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bojanz/currency"
	"github.com/shopspring/decimal"
)

// ErrUnknownCurrency is returned for a code that is not an active ISO 4217 currency.
var ErrUnknownCurrency = errors.New("unknown currency")

// RoundingMode names how a value is brought to a number of decimal places.
type RoundingMode string

// The rounding modes in use. HalfUp is the commercial default (ties away from zero).
const (
	HalfUp   RoundingMode = "HALF_UP"
	HalfEven RoundingMode = "HALF_EVEN"
	HalfDown RoundingMode = "HALF_DOWN"
	Down     RoundingMode = "DOWN" // truncation toward zero
	Up       RoundingMode = "UP"   // away from zero
)

// ParseRoundingMode accepts the names above (case-insensitive).
func ParseRoundingMode(s string) (RoundingMode, error) {
	m := RoundingMode(strings.ToUpper(strings.TrimSpace(s)))
	switch m {
	case HalfUp, HalfEven, HalfDown, Down, Up:
		return m, nil
	}
	return "", fmt.Errorf("unknown rounding mode %q", s)
}

// RoundTo rounds d to places decimal places (negative places round to tens, hundreds, …) with the given mode.
func RoundTo(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	switch mode {
	case HalfEven:
		return d.RoundBank(places)
	case HalfDown:
		// Ties toward zero: exactly half a unit is dropped, anything above it rounds away.
		unit := decimal.New(1, -places)
		trunc := d.Truncate(places)
		if places < 0 {
			trunc = d.Div(unit).Truncate(0).Mul(unit)
		}
		rest := d.Sub(trunc).Abs()
		if rest.Mul(decimal.NewFromInt(2)).GreaterThan(unit) {
			if d.IsNegative() {
				return trunc.Sub(unit)
			}
			return trunc.Add(unit)
		}
		return trunc
	case Down:
		if places < 0 {
			unit := decimal.New(1, -places)
			return d.Div(unit).Truncate(0).Mul(unit)
		}
		return d.Truncate(places)
	case Up:
		if d.IsNegative() {
			return d.RoundFloor(places)
		}
		return d.RoundCeil(places)
	default:
		// decimal.Round rounds half away from zero, which is HALF_UP as commerce and tax authorities use it.
		return d.Round(places)
	}
}

// MinorUnits returns the number of decimal places of an ISO 4217 currency (JPY 0, EUR 2, KWD 3).
func MinorUnits(code string) (int32, error) {
	digits, ok := currency.GetDigits(code)
	if !ok {
		return 0, fmt.Errorf("money: %q: %w", code, ErrUnknownCurrency)
	}
	return int32(digits), nil
}

// IsCurrency reports whether code is a known ISO 4217 currency code.
func IsCurrency(code string) bool {
	return currency.IsValid(code) && code == strings.ToUpper(code)
}

// Amount is an exact amount of one currency. The zero value is not valid; build amounts with New or Parse.
type Amount struct {
	Number   decimal.Decimal
	Currency string
}

// New tags number with a currency code; it fails for an unknown code.
func New(number decimal.Decimal, code string) (Amount, error) {
	if !IsCurrency(code) {
		return Amount{}, fmt.Errorf("money: %q: %w", code, ErrUnknownCurrency)
	}
	return Amount{Number: number, Currency: code}, nil
}

// MustNew is New for constants in code and tests; it panics on an unknown code.
func MustNew(number string, code string) Amount {
	a, err := Parse(number, code)
	if err != nil {
		panic(err)
	}
	return a
}

// Parse reads a decimal string such as "19.99" as an amount of code.
func Parse(number, code string) (Amount, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(number))
	if err != nil {
		return Amount{}, fmt.Errorf("money: %q is not a decimal number", number)
	}
	return New(d, code)
}

// FromMinor builds an amount from integer minor units (cents, yen, fils).
func FromMinor(minor int64, code string) (Amount, error) {
	places, err := MinorUnits(code)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Number: decimal.New(minor, -places), Currency: code}, nil
}

// Round rounds the amount to its currency's minor units with mode.
func (a Amount) Round(mode RoundingMode) Amount {
	places, err := MinorUnits(a.Currency)
	if err != nil {
		places = 2
	}
	return Amount{Number: RoundTo(a.Number, places, mode), Currency: a.Currency}
}

// Minor returns the amount in integer minor units. It fails when the amount has more decimals than the currency
// allows, because silently dropping them would lose money; round first.
func (a Amount) Minor() (int64, error) {
	places, err := MinorUnits(a.Currency)
	if err != nil {
		return 0, err
	}
	scaled := a.Number.Shift(places)
	if !scaled.Equal(scaled.Truncate(0)) {
		return 0, fmt.Errorf("money: %s %s has more than %d decimals", a.Number, a.Currency, places)
	}
	return scaled.IntPart(), nil
}

// String renders the amount as "19.99 EUR" with exactly the currency's minor units; for logs and machine
// output only. People see amounts formatted for their locale by package intl.
func (a Amount) String() string {
	places, err := MinorUnits(a.Currency)
	if err != nil {
		return a.Number.String() + " " + a.Currency
	}
	return a.Number.StringFixed(places) + " " + a.Currency
}

// Fixed renders the number with exactly the currency's minor units ("3006", "6.139", "29.81").
func (a Amount) Fixed() string {
	places, err := MinorUnits(a.Currency)
	if err != nil {
		return a.Number.String()
	}
	return a.Number.StringFixed(places)
}

// IsZero reports whether the amount is zero.
func (a Amount) IsZero() bool { return a.Number.IsZero() }

// Add returns a+b; both must be in the same currency.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: cannot add %s to %s", b.Currency, a.Currency)
	}
	return Amount{Number: a.Number.Add(b.Number), Currency: a.Currency}, nil
}

// Sub returns a-b; both must be in the same currency.
func (a Amount) Sub(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: cannot subtract %s from %s", b.Currency, a.Currency)
	}
	return Amount{Number: a.Number.Sub(b.Number), Currency: a.Currency}, nil
}
