// Package actor carries who is acting in a request (a signed-in user, or the system in a background job), so
// every module can record who made a change without depending on the account module.
package actor

import (
	"context"
	"strconv"
)

// Actor is the person or process behind a change.
type Actor struct {
	UserID int64
	Email  string
	Role   string
}

// System is the actor of background jobs and commands.
var System = Actor{Email: "system", Role: "system"}

// Label is how audit trails name the actor: "ada@example.com (#12)" or "system".
func (a Actor) Label() string {
	if a.UserID == 0 {
		if a.Email != "" {
			return a.Email
		}
		return "system"
	}
	return a.Email + " (#" + strconv.FormatInt(a.UserID, 10) + ")"
}

type key struct{}

// With returns ctx carrying the actor.
func With(ctx context.Context, a Actor) context.Context { return context.WithValue(ctx, key{}, a) }

// From returns the request's actor; ok is false for an anonymous visitor.
func From(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(key{}).(Actor)
	return a, ok
}

// Label returns the label of the context's actor, or "anonymous".
func Label(ctx context.Context) string {
	if a, ok := From(ctx); ok {
		return a.Label()
	}
	return "anonymous"
}
