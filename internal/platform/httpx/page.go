package httpx

import (
	"net/url"
	"strconv"
)

// MaxPage is the highest page number a listing accepts. Offsets are page × page size: a page number from the URL
// beyond this would overflow them (a panic slicing in memory, a database error as a negative OFFSET).
const MaxPage = 100_000

// Page reads the ?page= parameter of a paginated listing: 1 when it is missing, malformed or below 1, at most
// MaxPage. A page past the last one is simply empty.
func Page(q url.Values) int {
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		return 1
	}
	return min(page, MaxPage)
}
