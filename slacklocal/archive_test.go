package slacklocal

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestArchivedChannelAndMetadata: an archived channel refuses posts, updates and ephemerals
// with is_archived and says so in conversations.info, yet its history is readable; message
// metadata is checked, kept, and returned by conversations.history only when asked, newest
// first and a page at a time.
func TestArchivedChannelAndMetadata(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	meta := slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "samarbeid_notice", EventPayload: map[string]any{"key": "k1"}})
	_, first, err := api.PostMessage(chHelse, slack.MsgOptionText("første", false), meta)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Second)
	if _, _, err := api.PostMessage(chHelse, slack.MsgOptionText("andre", false)); err != nil {
		t.Fatal(err)
	}
	// Metadata without an event_type is refused, as Slack does.
	if _, _, err := api.PostMessage(chHelse, slack.MsgOptionText("x", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventPayload: map[string]any{"key": "k"}})); err == nil || err.Error() != "invalid_metadata_schema" {
		t.Fatalf("metadata without event_type: %v", err)
	}

	if err := api.ArchiveConversation(chHelse); err != nil {
		t.Fatal(err)
	}
	if err := api.ArchiveConversation(chHelse); err == nil || err.Error() != "already_archived" {
		t.Fatalf("archiving twice: %v", err)
	}
	if _, _, err := api.PostMessage(chHelse, slack.MsgOptionText("tredje", false)); err == nil || err.Error() != "is_archived" {
		t.Fatalf("post in an archived channel: %v", err)
	}
	if _, _, _, err := api.UpdateMessage(chHelse, first, slack.MsgOptionText("endret", false)); err == nil || err.Error() != "is_archived" {
		t.Fatalf("update in an archived channel: %v", err)
	}
	if _, err := api.PostEphemeral(chHelse, kari, slack.MsgOptionText("bare for deg", false)); err == nil || err.Error() != "is_archived" {
		t.Fatalf("ephemeral in an archived channel: %v", err)
	}
	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: chHelse})
	if err != nil || !info.IsArchived {
		t.Fatalf("conversations.info of an archived channel: %+v %v", info, err)
	}

	// The history: newest first, metadata only when asked, one message a page here.
	plain, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: chHelse})
	if err != nil || len(plain.Messages) != 2 || plain.Messages[0].Text != "andre" || plain.Messages[1].Metadata.EventType != "" {
		t.Fatalf("history without metadata: %+v %v", plain, err)
	}
	page, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: chHelse, Limit: 1, IncludeAllMetadata: true})
	if err != nil || len(page.Messages) != 1 || !page.HasMore || page.ResponseMetaData.NextCursor == "" {
		t.Fatalf("first page: %+v %v", page, err)
	}
	next, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: chHelse, Limit: 1, IncludeAllMetadata: true,
		Cursor: page.ResponseMetaData.NextCursor})
	if err != nil || len(next.Messages) != 1 || next.HasMore || next.Messages[0].Timestamp != first ||
		next.Messages[0].Metadata.EventType != "samarbeid_notice" || next.Messages[0].Metadata.EventPayload["key"] != "k1" {
		t.Fatalf("second page: %+v %v", next, err)
	}
	later, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: chHelse, Oldest: first})
	if err != nil || len(later.Messages) != 1 || later.Messages[0].Text != "andre" {
		t.Fatalf("history after oldest (exclusive): %+v %v", later, err)
	}

	// Back again, it takes messages.
	if err := api.UnArchiveConversation(chHelse); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage(chHelse, first, slack.MsgOptionText("endret", false)); err != nil {
		t.Fatalf("update after unarchiving: %v", err)
	}
}
