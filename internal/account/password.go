package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: one of the equivalent settings OWASP's Password Storage Cheat Sheet recommends (7 MiB,
// 5 passes, 1 lane, as strong as its 19 MiB / 2 passes). The low-memory one is chosen because every sign-in
// holds that memory while it hashes: at 19 MiB one sign-in was a third of the server's memory. They are stored in
// every hash, so changing them later only affects new hashes.
const (
	argonTime    = 5
	argonMemory  = 7 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hashing bounds the password hashes computed at once: hashing is memory-hard and CPU-bound by design, so more
// at once than there are CPUs only adds memory, and a burst of sign-in attempts must not be able to exhaust it.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

// argonKey computes an argon2id key, waiting for a free hashing slot.
func argonKey(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, passes, memory, threads, keyLen)
}

// hashPassword returns a PHC-format argon2id hash: $argon2id$v=19$m=19456,t=2,p=1$salt$key.
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("account: malformed password hash")

// Stored hashes asking for more than this are refused rather than computed (a corrupted row must not make a
// sign-in allocate gigabytes); they cover every setting this shop has used (19 MiB / 2 passes before).
const (
	maxArgonMemory = 64 * 1024
	maxArgonPasses = 10
)

// checkPassword reports whether password matches the stored hash, in constant time.
func checkPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	if memory > maxArgonMemory || passes > maxArgonPasses || threads == 0 {
		return false, errBadHash
	}
	got := argonKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when the e-mail is unknown, so that a sign-in takes as long whether or not the
// account exists and response time does not reveal who has an account.
// It is computed on first use, not at start-up, because hashing is deliberately slow.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("not a real password")
	return h
})
