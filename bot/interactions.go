package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

// metadata travels in a modal's private_metadata from the button that opened it.
type metadata struct {
	WorkflowID string `json:"w,omitempty"`
	ServiceID  string `json:"s,omitempty"`
	Channel    string `json:"c,omitempty"`
	// Home is set when the modal was opened from the Home tab, which is redrawn once the
	// answer is in, so the task it answered leaves the list.
	Home bool `json:"h,omitempty"`
	// Subject is whom the case concerns, when the modal does not ask because the case says.
	Subject string `json:"g,omitempty"`
}

// Button values carry the workflow and the service the button is about.
func buttonValue(workflowID, serviceID string) string { return workflowID + "|" + serviceID }

func parseButtonValue(v string) (workflowID, serviceID string) {
	workflowID, serviceID, _ = strings.Cut(v, "|")
	return workflowID, serviceID
}

// Action IDs of the buttons samarbeid posts.
const (
	actionClarify  = "avklaring"
	actionAssess   = "vurder"
	actionConsent  = "samtykke"
	actionContact  = "kontakt"
	actionAccept   = "godta"
	actionDecline  = "avslå"
	actionNotOurs  = "ikke_vår"
	actionDetails  = "detaljer"
	callbackNew    = "ny_sak"
	callbackClar   = "avklaring"
	callbackAssess = "vurdering"
	callbackCons   = "samtykke"
	callbackAcc    = "godta"
	callbackDecl   = "avslå"

	// Issue 10: withdrawal, closing by decision, "not ours" with content.
	actionWithdraw       = "trekk_samtykke"
	actionCloseCase      = "avslutt_sak"
	actionTakeSuggestion = "følg_forslag"
	actionDropSuggestion = "avvis_forslag"
	callbackWithdraw     = "trekk_samtykke"
	callbackCloseCase    = "avslutt_sak"
	callbackNotOurs      = "ikke_vår"
)

func (b *Bot) handleInteraction(w http.ResponseWriter, r *http.Request) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(r.FormValue("payload")), &cb); err != nil {
		http.Error(w, b.workspaceTexts().T("http.bad_payload"), http.StatusBadRequest)
		return
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		b.handleBlockAction(w, cb)
	case slack.InteractionTypeViewSubmission:
		b.handleViewSubmission(w, cb)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// handleBlockAction acknowledges a click at once, as Slack advises, and does the work after:
// its result reaches the user through the response_url (or as the modal it opens, which the
// trigger_id allows for 3 seconds from the click, not from our answer).
func (b *Bot) handleBlockAction(w http.ResponseWriter, cb slack.InteractionCallback) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		w.WriteHeader(http.StatusOK)
		return
	}
	action := cb.ActionCallback.BlockActions[0]
	arrived := time.Now() // the trigger_id's 3 seconds run from about now
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		ctx, cancel := context.WithTimeout(withTrigger(context.Background(), arrived), 30*time.Second)
		defer cancel()
		tr := b.texts(ctx, cb.User.ID)
		reply, err := b.blockAction(ctx, tr, cb, action)
		if err != nil {
			reply = b.userMessageIn(tr, err)
		}
		switch {
		case reply == "":
		case cb.ResponseURL == "" && cb.View.Type == slack.VTHomeTab:
			// A button in the Home tab has no channel to answer in: redraw the tab with
			// the answer on top.
			if err := b.publishHome(ctx, cb.User.ID, reply); err != nil {
				b.homeNotDrawn(ctx, cb.User.ID, err)
			}
		default:
			b.respond(ctx, cb.ResponseURL, reply)
		}
	}()
	w.WriteHeader(http.StatusOK)
}

// blockAction returns a line for the user, or "" when a modal opened instead.
func (b *Bot) blockAction(ctx context.Context, tr *i18n.Translator, cb slack.InteractionCallback, action *slack.BlockAction) (string, error) {
	workflowID, serviceID := parseButtonValue(action.Value)
	md := metadata{WorkflowID: workflowID, ServiceID: serviceID, Channel: cb.Channel.ID}
	if md.Channel == "" {
		md.Channel = cb.Container.ChannelID
	}
	md.Home = cb.View.Type == slack.VTHomeTab
	if reply, ok, err := b.coordinatorBlockAction(ctx, cb, action, md); ok {
		return reply, err
	}
	if reply, ok, err := b.planBlockAction(ctx, cb, action, md); ok {
		return reply, err
	}
	if reply, ok, err := b.evaluationBlockAction(ctx, cb, action, md); ok {
		return reply, err
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return "", err
	}
	actor := workflowActor(staff)
	// A click is one interaction: a double click or a Slack retry of it carries the same ID.
	updateID := strings.Join([]string{"klikk", action.ActionID, action.Value, cb.User.ID, cb.Container.MessageTs}, ":")

	switch action.ActionID {
	case actionContact:
		if _, err := b.update(ctx, workflowID, updateID, workflows.UpdateRequestContact,
			workflows.ContactRequest{Actor: actor, ServiceID: serviceID}); err != nil {
			return "", err
		}
		return tr.T("contact.sent", "Service", b.serviceName(ctx, serviceID)), nil
	case actionTakeSuggestion:
		st, err := b.update(ctx, workflowID, updateID, workflows.UpdateTakeSuggestion, workflows.Suggestion{Actor: actor, ServiceID: serviceID})
		if err != nil {
			return "", err
		}
		name := b.serviceName(ctx, serviceID)
		for _, s := range st.Services {
			if s.ServiceID == serviceID && s.Contact != nil {
				return tr.T("samtykke.suggestion_taken_sent", "Service", name), nil
			}
		}
		return tr.T("samtykke.suggestion_taken_consent", "Service", name), nil
	case actionDropSuggestion:
		if _, err := b.update(ctx, workflowID, updateID, workflows.UpdateDropSuggestion, workflows.Suggestion{Actor: actor, ServiceID: serviceID}); err != nil {
			return "", err
		}
		return tr.T("samtykke.suggestion_dropped", "Service", b.serviceName(ctx, serviceID)), nil
	}

	if action.ActionID == actionDetails {
		// A closed case is still read, as far as the viewer's basis goes (closedcase.go).
		st, err := b.caseForReading(ctx, workflowID)
		if err != nil {
			return "", err
		}
		view, err := b.openCaseDetails(ctx, tr, staff, workflowID, st)
		if err != nil {
			return "", err
		}
		_, err = b.slack.OpenViewContext(ctx, cb.TriggerID, view)
		return "", err
	}
	st, err := b.status(ctx, workflowID)
	if err != nil {
		return "", err
	}
	// Whoever may not act hears so at the click, not after filling in the modal.
	switch action.ActionID {
	case actionClarify, actionAssess, actionConsent:
		err = mayAct(staff, st.InitiatingServiceID)
	case actionAccept, actionDecline, actionNotOurs:
		err = mayAct(staff, serviceID)
	case actionWithdraw:
		err = mayAct(staff, st.InitiatingServiceID)
	case actionCloseCase: // the caseworker's service or the KE
		ke, _ := b.dir.CoordinatingUnit(ctx)
		if err = mayAct(staff, ""); err == nil && !workflowActor(staff).MemberOf(st.InitiatingServiceID) && (ke.ID == "" || !workflowActor(staff).MemberOf(ke.ID)) {
			err = refuse("", "refusal.close_who", "Service", b.serviceName(ctx, st.InitiatingServiceID))
		}
	}
	if err != nil {
		return "", err
	}
	if answered := staleClickIn(tr, st, b.now(), action.ActionID, serviceID, func(id string) string { return b.serviceName(ctx, id) }); answered != "" {
		return answered, nil
	}
	var view slack.ModalViewRequest
	switch action.ActionID {
	case actionClarify:
		services, err := b.otherServices(ctx, st.InitiatingServiceID)
		if err != nil {
			return "", err
		}
		view = clarifyView(tr, st.CaseRef, services, md)
	case actionAssess:
		view = assessView(tr, st.CaseRef, b.serviceName(ctx, serviceID), md)
	case actionConsent:
		view = consentView(tr, st.CaseRef, b.serviceName(ctx, serviceID), md)
	case actionAccept:
		view = acceptView(tr, st.CaseRef, md)
	case actionDecline:
		view = declineView(tr, st.CaseRef, md)
	case actionNotOurs:
		services, err := b.otherServices(ctx, st.InitiatingServiceID)
		if err != nil {
			return "", err
		}
		view = notOursView(tr, st.CaseRef, withoutService(services, serviceID), md)
	case actionWithdraw:
		view = withdrawView(tr, st.CaseRef, b.serviceName(ctx, serviceID), md)
	case actionCloseCase:
		view = closeView(tr, st.CaseRef, md)
	default:
		return "", refuse("", "err.unknown_button")
	}
	_, err = b.openView(ctx, cb.TriggerID, view)
	return "", err
}

// handleViewSubmission applies a modal's answer. Refusals show inline beside the field at
// fault and the modal stays open; success closes it.
func (b *Bot) handleViewSubmission(w http.ResponseWriter, cb slack.InteractionCallback) {
	var md metadata
	_ = json.Unmarshal([]byte(cb.View.PrivateMetadata), &md)

	var (
		mu       sync.Mutex
		answered bool // set once Slack has had its answer; later results go out as ephemerals
	)
	result := make(chan error, 1)
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := b.viewSubmission(ctx, cb, md)
		if err == nil && md.Home {
			if err := b.publishHome(ctx, cb.User.ID); err != nil {
				b.homeNotDrawn(ctx, cb.User.ID, err)
			}
		}
		mu.Lock()
		late := answered
		mu.Unlock()
		if late && md.Channel != "" {
			tr := b.texts(ctx, cb.User.ID)
			text := tr.T("contact.registered")
			if err != nil {
				text = b.userMessageIn(tr, err)
			}
			_, _ = b.postEphemeral(ctx, md.Channel, cb.User.ID, slack.MsgOptionText(text, false))
		}
		result <- err
	}()
	select {
	case err := <-result:
		if err == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		text := b.userMessageIn(b.texts(ctx, cb.User.ID), err)
		errs := map[string]string{}
		for _, blk := range errorBlocks(cb, err) {
			errs[blk] = text
		}
		writeJSON(w, slack.NewErrorsViewSubmissionResponse(errs))
	case <-time.After(b.answerWithin):
		mu.Lock()
		answered = true
		mu.Unlock()
		b.log.Warn("lukker modal før svaret er ferdig behandlet", "modal", cb.View.CallbackID)
		w.WriteHeader(http.StatusOK)
	}
}

// errorBlocks picks the blocks to show an error under: every field the refusal names that
// the modal has (Slack marks them all at once), else the modal's first input.
func errorBlocks(cb slack.InteractionCallback, err error) []string {
	var fields []string
	if r, ok := err.(refusal); ok {
		fields = []string{r.field}
	} else if _, r, ok := workflows.RefusalOf(err); ok {
		fields = r.Fields
		if len(fields) == 0 {
			fields = []string{r.Field}
		}
	}
	var first string
	var blocks []string
	for _, blk := range cb.View.Blocks.BlockSet {
		if in, ok := blk.(*slack.InputBlock); ok {
			if slices.Contains(fields, in.BlockID) {
				blocks = append(blocks, in.BlockID)
			}
			if first == "" {
				first = in.BlockID
			}
		}
	}
	if len(blocks) == 0 {
		return []string{first}
	}
	return blocks
}

func (b *Bot) viewSubmission(ctx context.Context, cb slack.InteractionCallback, md metadata) error {
	if cb.View.CallbackID == callbackNew {
		return b.startCase(ctx, cb, md)
	}
	if ok, err := b.coordinatorViewSubmission(ctx, cb, md); ok {
		return err
	}
	if ok, err := b.planViewSubmission(ctx, cb, md); ok {
		return err
	}
	if ok, err := b.evaluationViewSubmission(ctx, cb, md); ok {
		return err
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return err
	}
	actor := workflowActor(staff)
	values := stateValues(cb)
	updateID := "modal:" + cb.View.ID
	switch cb.View.CallbackID {
	case callbackClar:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateClarify, workflows.ClarifyAnswer{
			Actor: actor, ServiceIDs: selectedValues(values, "tjenester"), None: len(selectedValues(values, "ingen")) > 0,
		})
	case callbackAssess:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateAssess, workflows.AssessAnswer{
			Actor: actor, ServiceID: md.ServiceID, Needed: selectedValue(values, "behov") == "ja",
			About: inputValue(values, "tema"), Reason: inputValue(values, "begrunnelse"),
		})
	case callbackCons:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateRecordConsent, workflows.ConsentAnswer{
			Actor: actor, ServiceID: md.ServiceID, Basis: selectedValue(values, "grunnlag"),
			Form: selectedValue(values, "form"), StatutoryBasis: inputValue(values, "hjemmel"),
			GivenBy: selectedValue(values, "gitt_av"), Information: inputValue(values, "opplysninger"),
			Reason: inputValue(values, "begrunnelse"),
		})
	case callbackAcc:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateAnswerContact, workflows.ContactAnswer{
			Actor: actor, ServiceID: md.ServiceID, Answer: workflows.AnswerAccepted, ContactPerson: inputValue(values, "kontaktperson"),
		})
	case callbackDecl:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateAnswerContact, workflows.ContactAnswer{
			Actor: actor, ServiceID: md.ServiceID, Answer: workflows.AnswerDeclined, Reason: inputValue(values, "begrunnelse"),
		})
	case callbackNotOurs:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateAnswerContact, workflows.ContactAnswer{
			Actor: actor, ServiceID: md.ServiceID, Answer: workflows.AnswerNotOurs, Reason: inputValue(values, "begrunnelse"),
			SuggestedServiceID: selectedValue(values, "forslag"),
		})
	case callbackWithdraw:
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateWithdrawConsent, workflows.WithdrawConsent{
			Actor: actor, ServiceID: md.ServiceID, Form: selectedValue(values, "form"), GivenBy: selectedValue(values, "gitt_av"),
			Reason: inputValue(values, "begrunnelse"),
		})
	case callbackCloseCase:
		ke, _ := b.dir.CoordinatingUnit(ctx) // without a KE in the directory, only the caseworker may close
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateCloseCase, workflows.CloseCase{
			Actor: actor, Reason: selectedValue(values, "grunn"), Text: inputValue(values, "tekst"), CoordinatingUnitID: ke.ID,
		})
	default:
		return refuse("", "err.unknown_form")
	}
	return err
}

// respond posts an ephemeral line to a response_url, as Slack expects for button clicks.
func (b *Bot) respond(ctx context.Context, responseURL, text string) {
	if responseURL == "" {
		return
	}
	_ = b.postResponse(ctx, responseURL, map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text})
}

// stateValues is a modal's input, empty when the payload carries no state (a malformed
// payload must be refused, not crash the bot).
func stateValues(cb slack.InteractionCallback) map[string]map[string]slack.BlockAction {
	if cb.View.State == nil {
		return nil
	}
	return cb.View.State.Values
}

func inputValue(values map[string]map[string]slack.BlockAction, block string) string {
	return strings.TrimSpace(values[block][fieldAction].Value)
}

func selectedValue(values map[string]map[string]slack.BlockAction, block string) string {
	return values[block][fieldAction].SelectedOption.Value
}

func selectedValues(values map[string]map[string]slack.BlockAction, block string) []string {
	var out []string
	for _, o := range values[block][fieldAction].SelectedOptions {
		out = append(out, o.Value)
	}
	return out
}
