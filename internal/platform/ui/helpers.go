package ui

import (
	"net/http"
	"strconv"
)

func fieldType(t string) string {
	if t == "" {
		return "text"
	}
	return t
}

func textRows(rows string) string {
	if rows == "" {
		return "4"
	}
	return rows
}

func statusText(status int) string {
	return strconv.Itoa(status) + " " + http.StatusText(status)
}

// fieldID is an input's element ID: the explicit one, or "f-" + its name.
func fieldID(id, name string) string {
	if id != "" {
		return id
	}
	return "f-" + name
}
