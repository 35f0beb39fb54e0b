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

func statusText(status int) string {
	return strconv.Itoa(status) + " " + http.StatusText(status)
}
