package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// maxRequestBytes bounds what the command reads from stdin; a quote request is a few kilobytes.
const maxRequestBytes = 8 << 20

// RunQuote is the body of `storefront landedcost quote`: it reads one JSON request from stdin and writes one
// JSON quote and a newline to stdout. On bad input it writes nothing and returns an error whose message is a
// single line naming the field (e.g. `lines[1].unit_price: must not be negative`); the caller prints it to
// stderr and exits non-zero.
func RunQuote(s *Snapshot, stdin io.Reader, stdout io.Writer) error {
	data, err := io.ReadAll(io.LimitReader(stdin, maxRequestBytes+1))
	if err != nil {
		return fmt.Errorf("request: reading stdin: %w", err)
	}
	if len(data) > maxRequestBytes {
		return reqErr("request", "larger than %d bytes", maxRequestBytes)
	}
	if err := singleValue(data); err != nil {
		return err
	}
	req, err := ParseRequest(data)
	if err != nil {
		return err
	}
	q, err := s.Quote(req)
	if err != nil {
		return err
	}
	out, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("quote: encoding: %w", err)
	}
	out = append(out, '\n')
	if _, err := stdout.Write(out); err != nil {
		return fmt.Errorf("quote: writing stdout: %w", err)
	}
	return nil
}

// singleValue rejects input that is not exactly one JSON value, with a one-line message.
func singleValue(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			return reqErr("request", "invalid JSON: empty input")
		}
		return reqErr("request", "invalid JSON: %s", oneLine(err.Error()))
	}
	if _, err := dec.Token(); err != io.EOF {
		return reqErr("request", "invalid JSON: more than one JSON value")
	}
	return nil
}
