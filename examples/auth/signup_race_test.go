package main

import (
	"context"
	"strconv"
	"testing"
)

// racingStore is the store as a sign-up sees it when another sign-up of the same name
// commits between its existence check and its insert: the check finds no such user.
type racingStore struct{ Store }

func (racingStore) UserByName(context.Context, string) (Account, error) {
	return Account{}, errNoSuchUser
}

// TestSignUp_losesTheRace (issue 18): a sign-up whose existence check lost the race to
// another sign-up of the same name is refused with codeUsernameTaken, and the first
// password keeps working. Deterministic, where TestSignUp_concurrent catches a service that
// overwrites only when the race happens to fall that way.
func TestSignUp_losesTheRace(t *testing.T) {
	cost, _ := strconv.Atoi(testCost)
	for _, tt := range databases {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			// Two instances on one database: one that always loses the race, one to sign in.
			racing, st := newServiceOn(t, db, cost, 0)
			racing.store = racingStore{st}
			racingURL := serveService(t, racing, st)
			other, otherStore := newServiceOn(t, db, cost, 0)
			otherURL := serveService(t, other, otherStore)

			signUp(t, otherURL, "alice", "first password")
			wantError(t, call(t, racingURL, "", "sign_up", Credentials{Username: "alice", Password: "second password"}), codeUsernameTaken, "")
			signIn(t, otherURL, "alice", "first password")
			wantError(t, call(t, otherURL, "", "sign_in", Credentials{Username: "alice", Password: "second password"}), codeBadCredentials, "")
			// The racing instance still signs up a new name.
			signUp(t, racingURL, "bob", "bob password")
			signIn(t, otherURL, "bob", "bob password")
		})
	}
}
