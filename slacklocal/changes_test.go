package slacklocal

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// A watcher that took Changes before a post is woken by it, and sees the post at once.
func TestChangesWakesOnAPost(t *testing.T) {
	f := setup(t)
	changed := f.sl.Changes()
	select {
	case <-changed:
		t.Fatal("Changes closed before anything changed")
	default:
	}
	if _, _, err := f.bot.api.PostMessage(chHelse, slack.MsgOptionText("hei", false)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("Changes was not closed by chat.postMessage")
	}
	if msgs := f.sl.Messages(chHelse); len(msgs) != 1 || msgs[0].Text != "hei" {
		t.Fatalf("after the wake-up the post is not there: %+v", msgs)
	}
	if next := f.sl.Changes(); next == changed {
		t.Fatal("Changes handed out the closed channel again")
	}
}
