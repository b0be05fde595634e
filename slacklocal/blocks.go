package slacklocal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ---- reading blocks ----

// marshal is json.Marshal without HTML escaping: Slack sends "<@U123>", not "\u003c@U123\u003e".
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func decodeJSON(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep numbers as they came
	return d.Decode(v)
}

func decodeBlocksAny(raw json.RawMessage) []any {
	var blocks []any
	if len(raw) > 0 {
		_ = decodeJSON(raw, &blocks)
	}
	return blocks
}

func decodeBlocks(raw json.RawMessage) []map[string]any {
	var out []map[string]any
	for _, b := range decodeBlocksAny(raw) {
		if m, ok := b.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// textOf returns the text of a text object ({"type":"plain_text","text":"..."}).
func textOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		return str(m["text"])
	}
	return ""
}

func buttonsIn(raw json.RawMessage) []Button {
	var out []Button
	add := func(blockID string, el any) {
		e, ok := el.(map[string]any)
		if !ok || str(e["type"]) != "button" {
			return
		}
		out = append(out, Button{BlockID: blockID, ActionID: str(e["action_id"]), Value: str(e["value"]),
			Text: textOf(e["text"]), Style: str(e["style"]), URL: str(e["url"])})
	}
	for _, b := range decodeBlocks(raw) {
		id := str(b["block_id"])
		switch str(b["type"]) {
		case "actions":
			els, _ := b["elements"].([]any)
			for _, el := range els {
				add(id, el)
			}
		case "section":
			add(id, b["accessory"])
		}
	}
	return out
}

// collectTexts gathers every "text" string in blocks, depth first.
func collectTexts(v any, out *[]string) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectTexts(e, out)
		}
	case map[string]any:
		if t, ok := x["text"].(string); ok {
			*out = append(*out, t)
		}
		for _, k := range []string{"text", "fields", "elements", "accessory", "label", "element", "hint", "options"} {
			if e, ok := x[k]; ok {
				if _, isString := e.(string); !isString {
					collectTexts(e, out)
				}
			}
		}
	}
}

// ---- normalizing and validating blocks, as Slack does on the way in ----

type surface int

const (
	surfaceMessage surface = iota
	surfaceModal
	surfaceHome
)

var knownBlocks = map[string]bool{
	"section": true, "header": true, "divider": true, "context": true, "actions": true, "input": true,
	"image": true, "rich_text": true, "video": true, "file": true, "markdown": true, "call": true,
}

const idChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// generatedID is what Slack puts in a block_id or action_id the app left out.
func generatedID() string {
	b := make([]byte, 5)
	for i := range b {
		b[i] = idChars[rand.IntN(len(idChars))]
	}
	return string(b)
}

type blockChecker struct {
	errs []string
	base string // json-pointer of the blocks array
}

func (c *blockChecker) fail(ptr, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, c.base+ptr)...))
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// text checks a text object: plainOnly requires plain_text; max 0 means no limit.
func (c *blockChecker) text(v any, ptr string, required, plainOnly bool, max int) {
	if v == nil {
		if required {
			c.fail(ptr, "missing required field: %s", ptr[strings.LastIndex(ptr, "/")+1:])
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(ptr, "must be a text object")
		return
	}
	switch t := str(m["type"]); {
	case t != "plain_text" && t != "mrkdwn":
		c.fail(ptr+"/type", "must be plain_text or mrkdwn")
	case plainOnly && t != "plain_text":
		c.fail(ptr+"/type", "must be plain_text")
	}
	if _, ok := m["text"].(string); !ok {
		c.fail(ptr+"/text", "missing required field: text")
	} else if str(m["text"]) == "" {
		c.fail(ptr+"/text", "must be more than 0 characters")
	} else if max > 0 && runes(str(m["text"])) > max {
		c.fail(ptr+"/text", "must be less than %d characters", max+1)
	}
}

// confirm checks a confirmation dialog (Slack's limits: title 100, text 300, the two
// buttons 30 each).
func (c *blockChecker) confirm(v any, ptr string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(ptr, "must be a confirmation object")
		return
	}
	c.text(m["title"], ptr+"/title", true, true, 100)
	c.text(m["text"], ptr+"/text", true, false, 300)
	c.text(m["confirm"], ptr+"/confirm", true, true, 30)
	c.text(m["deny"], ptr+"/deny", true, true, 30)
}

// uniqueID applies Slack's rules to an object's block_id or action_id: Slack fills in one
// left out, caps it at 255 characters, and refuses one already used in its scope (seen).
func (c *blockChecker) uniqueID(obj map[string]any, key, ptr string, seen map[string]bool) {
	if str(obj[key]) == "" {
		obj[key] = generatedID()
	}
	id := str(obj[key])
	c.maxLen(id, ptr+"/"+key, 255)
	if seen[id] {
		c.fail(ptr+"/"+key, "`%s` %q already exists", key, id)
	}
	seen[id] = true
}

func (c *blockChecker) maxLen(v any, ptr string, max int) {
	if s, ok := v.(string); ok && runes(s) > max {
		c.fail(ptr, "must be less than %d characters", max+1)
	}
}

// element checks an interactive element and gives it an action_id if it has none.
func (c *blockChecker) element(v any, ptr string, actionIDs map[string]bool) {
	el, ok := v.(map[string]any)
	if !ok {
		c.fail(ptr, "must be an object")
		return
	}
	typ := str(el["type"])
	if typ == "" {
		c.fail(ptr, "missing required field: type")
		return
	}
	if typ == "image" { // image elements in context blocks are not interactive
		return
	}
	if typ == "plain_text" || typ == "mrkdwn" {
		c.text(el, ptr, true, false, 0)
		return
	}
	c.uniqueID(el, "action_id", ptr, actionIDs)
	if el["confirm"] != nil {
		c.confirm(el["confirm"], ptr+"/confirm")
	}
	switch typ {
	case "button":
		c.text(el["text"], ptr+"/text", true, true, 75)
		c.maxLen(el["value"], ptr+"/value", 2000)
		c.maxLen(el["url"], ptr+"/url", 3000)
		if st := str(el["style"]); st != "" && st != "primary" && st != "danger" {
			c.fail(ptr+"/style", "must be primary or danger")
		}
	case "static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow":
		max := map[string]int{"radio_buttons": 10, "checkboxes": 10, "overflow": 5}[typ]
		if max == 0 {
			max = 100
		}
		list, _ := el["options"].([]any)
		groups, hasGroups := el["option_groups"].([]any)
		grouped := typ == "static_select" || typ == "multi_static_select"
		switch {
		case hasGroups && !grouped:
			c.fail(ptr+"/option_groups", "option_groups is not allowed for %s", typ)
		case hasGroups && el["options"] != nil:
			c.fail(ptr+"/options", "must provide either options or option_groups, not both")
		}
		if len(list) > max {
			c.fail(ptr+"/options", "must have no more than %d items", max)
		}
		if len(groups) > 100 {
			c.fail(ptr+"/option_groups", "must have no more than 100 items")
		}
		for i, g := range groups {
			gptr := fmt.Sprintf("%s/option_groups/%d", ptr, i)
			gm, ok := g.(map[string]any)
			if !ok {
				c.fail(gptr, "must be an object")
				continue
			}
			c.text(gm["label"], gptr+"/label", true, true, 75)
			gl, _ := gm["options"].([]any)
			if len(gl) == 0 {
				c.fail(gptr+"/options", "must have at least 1 item")
			}
			if len(gl) > 100 {
				c.fail(gptr+"/options", "must have no more than 100 items")
			}
		}
		opts := elementOptions(el)
		if len(opts) == 0 {
			c.fail(ptr+"/options", "must provide options or option_groups")
		}
		seen := map[string]bool{}
		for i, o := range opts {
			optPtr := fmt.Sprintf("%s/options/%d", ptr, i)
			c.text(o["text"], optPtr+"/text", true, typ != "radio_buttons" && typ != "checkboxes", 75)
			c.text(o["description"], optPtr+"/description", false, false, 75)
			c.maxLen(o["value"], optPtr+"/value", 150)
			if seen[str(o["value"])] {
				c.fail(optPtr+"/value", "option value %q is used more than once", str(o["value"]))
			}
			seen[str(o["value"])] = true
		}
		// An initial option must be one of the options (Slack compares the value).
		for _, key := range []string{"initial_option", "initial_options"} {
			initial, _ := el[key].([]any)
			if o, ok := el[key].(map[string]any); ok {
				initial = []any{o}
			}
			for _, o := range initial {
				if m, ok := o.(map[string]any); ok && !seen[str(m["value"])] {
					c.fail(ptr+"/"+key, "initial option %q must be one of the options", str(m["value"]))
				}
			}
		}
		if grouped {
			c.text(el["placeholder"], ptr+"/placeholder", false, true, 150)
		}
		if n, ok := jsonInt(el["max_selected_items"]); ok && n < 1 {
			c.fail(ptr+"/max_selected_items", "must be at least 1")
		}
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		c.text(el["placeholder"], ptr+"/placeholder", false, true, 150)
		c.maxLen(el["initial_value"], ptr+"/initial_value", 3000)
		if typ == "plain_text_input" {
			for _, k := range []string{"max_length", "min_length"} {
				if n, ok := jsonInt(el[k]); ok && (n < 0 || n > 3000) {
					c.fail(ptr+"/"+k, "must be between 0 and 3000")
				}
			}
		}
	case "datepicker":
		if d := str(el["initial_date"]); d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				c.fail(ptr+"/initial_date", "must be a date in the format YYYY-MM-DD")
			}
		}
	}
}

// notInInput are the elements Slack refuses in an input block: they act at once, so they
// belong in a section's accessory or an actions block.
var notInInput = map[string]bool{"button": true, "overflow": true, "image": true, "workflow_button": true}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// elementOptions returns an element's options, those in option_groups included.
func elementOptions(el map[string]any) []map[string]any {
	var out []map[string]any
	add := func(v any) {
		list, _ := v.([]any)
		for _, o := range list {
			if m, ok := o.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	add(el["options"])
	if groups, ok := el["option_groups"].([]any); ok {
		for _, g := range groups {
			if gm, ok := g.(map[string]any); ok {
				add(gm["options"])
			}
		}
	}
	return out
}

// normalizeBlocks validates blocks the way Slack does when a message or view comes in, and
// fills in the block_id and action_id values Slack generates when an app leaves them out.
// It returns the blocks as stored, or Slack-style error messages.
func normalizeBlocks(raw json.RawMessage, surf surface, base string) (json.RawMessage, []string) {
	c := &blockChecker{base: base}
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	var blocks []any
	if err := decodeJSON(raw, &blocks); err != nil {
		c.fail("", "blocks must be a JSON array of block objects")
		return nil, c.errs
	}
	max := 50
	if surf != surfaceMessage {
		max = 100
	}
	if len(blocks) > max {
		c.fail("", "no more than %d items allowed", max)
	}
	blockIDs := map[string]bool{}
	for i, v := range blocks {
		ptr := fmt.Sprintf("/%d", i)
		b, ok := v.(map[string]any)
		if !ok {
			c.fail(ptr, "must be an object")
			continue
		}
		typ := str(b["type"])
		if typ == "" {
			c.fail(ptr, "missing required field: type")
			continue
		}
		if !knownBlocks[typ] {
			c.fail(ptr+"/type", "unsupported type: %s", typ)
			continue
		}
		c.uniqueID(b, "block_id", ptr, blockIDs)
		actionIDs := map[string]bool{}
		switch typ {
		case "header":
			c.text(b["text"], ptr+"/text", true, true, 150)
		case "section":
			fields, _ := b["fields"].([]any)
			if b["text"] == nil && len(fields) == 0 {
				c.fail(ptr, "must provide text or fields")
			}
			c.text(b["text"], ptr+"/text", false, false, 3000)
			if len(fields) > 10 {
				c.fail(ptr+"/fields", "must have no more than 10 items")
			}
			for j, f := range fields {
				c.text(f, fmt.Sprintf("%s/fields/%d", ptr, j), true, false, 2000)
			}
			if b["accessory"] != nil {
				c.element(b["accessory"], ptr+"/accessory", actionIDs)
			}
		case "actions", "context":
			els, _ := b["elements"].([]any)
			max := 25
			if typ == "context" {
				max = 10
			}
			if len(els) == 0 {
				c.fail(ptr+"/elements", "must have at least 1 item")
			}
			if len(els) > max {
				c.fail(ptr+"/elements", "must have no more than %d items", max)
			}
			for j, el := range els {
				elPtr := fmt.Sprintf("%s/elements/%d", ptr, j)
				elType := str(mapOf(el)["type"])
				isText := elType == "plain_text" || elType == "mrkdwn" || elType == "image"
				switch {
				case typ == "context" && !isText && elType != "":
					c.fail(elPtr+"/type", "context elements must be image, plain_text or mrkdwn, not %s", elType)
				case typ == "actions" && isText:
					c.fail(elPtr+"/type", "actions elements must be interactive, not %s", elType)
				}
				c.element(el, elPtr, actionIDs)
			}
		case "input":
			c.text(b["label"], ptr+"/label", true, true, 2000)
			c.text(b["hint"], ptr+"/hint", false, true, 2000)
			if b["element"] == nil {
				c.fail(ptr+"/element", "missing required field: element")
			} else {
				if t := str(mapOf(b["element"])["type"]); notInInput[t] {
					c.fail(ptr+"/element/type", "%s is not allowed in an input block", t)
				}
				c.element(b["element"], ptr+"/element", actionIDs)
			}
		case "markdown":
			if t, ok := b["text"].(string); !ok || t == "" {
				c.fail(ptr+"/text", "missing required field: text")
			} else if runes(t) > 12000 {
				c.fail(ptr+"/text", "must be less than 12001 characters")
			}
		case "image":
			if str(b["image_url"]) == "" && b["slack_file"] == nil {
				c.fail(ptr+"/image_url", "missing required field: image_url")
			}
			if str(b["alt_text"]) == "" {
				c.fail(ptr+"/alt_text", "missing required field: alt_text")
			}
			c.maxLen(b["image_url"], ptr+"/image_url", 3000)
			c.maxLen(b["alt_text"], ptr+"/alt_text", 2000)
			c.text(b["title"], ptr+"/title", false, true, 2000)
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	out, err := marshal(blocks)
	if err != nil {
		return nil, []string{"[ERROR] " + err.Error()}
	}
	return out, nil
}

// ---- views ----

// parseView reads a view definition from views.open/push/update/publish or a response_action,
// validates it as Slack does and returns it with the blocks normalized.
func parseView(raw json.RawMessage, wantHome bool) (*viewRec, []string) {
	var def struct {
		Type            string          `json:"type"`
		Title           json.RawMessage `json:"title"`
		Submit          json.RawMessage `json:"submit"`
		Close           json.RawMessage `json:"close"`
		Blocks          json.RawMessage `json:"blocks"`
		PrivateMetadata string          `json:"private_metadata"`
		CallbackID      string          `json:"callback_id"`
		ClearOnClose    bool            `json:"clear_on_close"`
		NotifyOnClose   bool            `json:"notify_on_close"`
		ExternalID      string          `json:"external_id"`
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, []string{"[ERROR] missing required field: view"}
	}
	if err := json.Unmarshal(raw, &def); err != nil {
		return nil, []string{"[ERROR] view must be a JSON object: " + err.Error()}
	}
	c := &blockChecker{base: "/view"}
	switch {
	case wantHome && def.Type != "home":
		c.fail("/type", "must be home")
	case !wantHome && def.Type != "modal":
		c.fail("/type", "must be modal")
	}
	text := func(raw json.RawMessage, name string, required bool) string {
		var v any
		if len(raw) > 0 && string(raw) != "null" {
			_ = json.Unmarshal(raw, &v)
		}
		c.text(v, "/"+name, required, true, 24)
		return textOf(v)
	}
	v := &viewRec{}
	if !wantHome {
		v.Title = text(def.Title, "title", true)
		v.Submit = text(def.Submit, "submit", false)
		v.Close = text(def.Close, "close", false)
		v.title, v.submit, v.close = nullIfEmpty(def.Title), nullIfEmpty(def.Submit), nullIfEmpty(def.Close)
	}
	c.maxLen(def.PrivateMetadata, "/private_metadata", 3000)
	c.maxLen(def.CallbackID, "/callback_id", 255)
	c.maxLen(def.ExternalID, "/external_id", 255)
	surf := surfaceModal
	if wantHome {
		surf = surfaceHome
	}
	blocks, errs := normalizeBlocks(def.Blocks, surf, "/view/blocks")
	c.errs = append(c.errs, errs...)
	if len(blocks) == 0 {
		blocks = json.RawMessage("[]")
	}
	if !wantHome && len(errs) == 0 && v.submit == nil {
		for _, b := range decodeBlocks(blocks) {
			if str(b["type"]) == "input" {
				c.fail("/submit", "submit is required when the view has input blocks")
				break
			}
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	v.Type = def.Type
	v.Blocks = blocks
	v.CallbackID, v.PrivateMetadata, v.ExternalID = def.CallbackID, def.PrivateMetadata, def.ExternalID
	v.ClearOnClose, v.NotifyOnClose = def.ClearOnClose, def.NotifyOnClose
	return v, nil
}

func nullIfEmpty(raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	return raw
}

func (s *Server) newHash() string {
	return fmt.Sprintf("%d.%s", s.now().Unix(), generatedID()+generatedID())
}

// wire is the view as Slack sends it to apps, in API responses and interaction payloads.
func (v *viewRec) wire(state map[string]any) map[string]any {
	if state == nil {
		state = map[string]any{}
	}
	var prev any
	if v.PreviousViewID != "" {
		prev = v.PreviousViewID
	}
	out := map[string]any{
		"id": v.ID, "team_id": TeamID, "type": v.Type, "blocks": v.Blocks,
		"private_metadata": v.PrivateMetadata, "callback_id": v.CallbackID,
		"state": map[string]any{"values": state}, "hash": v.Hash,
		"clear_on_close": v.ClearOnClose, "notify_on_close": v.NotifyOnClose,
		"previous_view_id": prev, "root_view_id": v.RootViewID, "app_id": AppID,
		"external_id": v.ExternalID, "app_installed_team_id": TeamID, "bot_id": BotID,
	}
	if v.Type == "modal" {
		out["title"], out["submit"], out["close"] = v.title, v.submit, v.close
		out["submit_disabled"] = false
	}
	return out
}

// ---- inputs and view.state.values ----

type inputInfo struct {
	blockID, actionID, typ, label string
	optional                      bool
	element                       map[string]any
	options                       []map[string]any
}

func viewInputs(blocks json.RawMessage) []inputInfo {
	var out []inputInfo
	for _, b := range decodeBlocks(blocks) {
		if str(b["type"]) != "input" {
			continue
		}
		el, _ := b["element"].(map[string]any)
		if el == nil {
			continue
		}
		opt, _ := b["optional"].(bool)
		out = append(out, inputInfo{blockID: str(b["block_id"]), actionID: str(el["action_id"]), typ: str(el["type"]),
			label: textOf(b["label"]), optional: opt, element: el, options: elementOptions(el)})
	}
	return out
}

// initial is what the element shows before the person touches it.
func (in inputInfo) initial() Value {
	el := in.element
	v := Value{Type: in.typ}
	switch in.typ {
	case "static_select", "radio_buttons":
		if o, ok := el["initial_option"].(map[string]any); ok {
			v.Value = str(o["value"])
		}
	case "multi_static_select", "checkboxes":
		list, _ := el["initial_options"].([]any)
		for _, o := range list {
			if m, ok := o.(map[string]any); ok {
				v.Selected = append(v.Selected, str(m["value"]))
			}
		}
	case "users_select":
		v.SelectedUser = str(el["initial_user"])
	case "multi_users_select":
		list, _ := el["initial_users"].([]any)
		for _, u := range list {
			v.Selected = append(v.Selected, str(u))
		}
	case "conversations_select":
		v.Value = str(el["initial_conversation"])
	case "channels_select":
		v.Value = str(el["initial_channel"])
	case "datepicker":
		v.SelectedDate = str(el["initial_date"])
	case "timepicker":
		v.Value = str(el["initial_time"])
	case "number_input":
		v.Value = fmt.Sprint(orEmpty(el["initial_value"]))
	default:
		v.Value = str(el["initial_value"])
	}
	return v
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func (in inputInfo) option(value string) (map[string]any, error) {
	var have []string
	for _, o := range in.options {
		if str(o["value"]) == value {
			return o, nil
		}
		have = append(have, str(o["value"]))
	}
	return nil, fmt.Errorf("slacklocal: %s/%s (%s) har ikke valget %q; valgene er %q", in.blockID, in.actionID, in.typ, value, have)
}

// stateValue turns a Value into Slack's view.state.values entry for the element. filled says
// whether the person gave an answer; clientErr is what Slack's client says before sending.
func (in inputInfo) stateValue(v Value) (out map[string]any, filled bool, clientErr string, err error) {
	if v.Type != "" && v.Type != in.typ {
		return nil, false, "", fmt.Errorf("slacklocal: %s/%s er %s i modalen, ikke %s", in.blockID, in.actionID, in.typ, v.Type)
	}
	out = map[string]any{"type": in.typ}
	first := func() string {
		if v.Value != "" {
			return v.Value
		}
		if len(v.Selected) > 0 {
			return v.Selected[0]
		}
		return ""
	}
	many := func() []string {
		if len(v.Selected) > 0 {
			return v.Selected
		}
		if v.Value != "" {
			return []string{v.Value}
		}
		return nil
	}
	switch in.typ {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		if v.Value == "" {
			out["value"] = nil
			break
		}
		out["value"], filled = v.Value, true
		if n, ok := jsonInt(in.element["max_length"]); ok && runes(v.Value) > n {
			clientErr = fmt.Sprintf("Maks %d tegn.", n)
		}
		if n, ok := jsonInt(in.element["min_length"]); ok && runes(v.Value) < n {
			clientErr = fmt.Sprintf("Minst %d tegn.", n)
		}
	case "static_select", "radio_buttons":
		sel := first()
		if sel == "" {
			out["selected_option"] = nil
			break
		}
		o, e := in.option(sel)
		if e != nil {
			return nil, false, "", e
		}
		out["selected_option"], filled = o, true
	case "multi_static_select", "checkboxes":
		opts := []any{}
		for _, sel := range many() {
			o, e := in.option(sel)
			if e != nil {
				return nil, false, "", e
			}
			opts = append(opts, o)
		}
		out["selected_options"], filled = opts, len(opts) > 0
	case "users_select":
		u := v.SelectedUser
		if u == "" {
			u = v.Value
		}
		if u == "" {
			out["selected_user"] = nil
		} else {
			out["selected_user"], filled = u, true
		}
	case "multi_users_select":
		users := many()
		if users == nil {
			users = []string{}
		}
		out["selected_users"], filled = users, len(users) > 0
	case "conversations_select", "channels_select":
		key := map[string]string{"conversations_select": "selected_conversation", "channels_select": "selected_channel"}[in.typ]
		if v.Value == "" {
			out[key] = nil
		} else {
			out[key], filled = v.Value, true
		}
	case "datepicker":
		d := v.SelectedDate
		if d == "" {
			d = v.Value
		}
		if d == "" {
			out["selected_date"] = nil
			break
		}
		if _, e := time.Parse(time.DateOnly, d); e != nil {
			return nil, false, "", fmt.Errorf("slacklocal: %s/%s: datoen %q er ikke på formen ÅÅÅÅ-MM-DD", in.blockID, in.actionID, d)
		}
		out["selected_date"], filled = d, true
	case "timepicker":
		if v.Value == "" {
			out["selected_time"] = nil
		} else {
			out["selected_time"], filled = v.Value, true
		}
	default:
		return nil, false, "", fmt.Errorf("slacklocal: %s/%s: elementtypen %s støttes ikke", in.blockID, in.actionID, in.typ)
	}
	return out, filled, clientErr, nil
}

func jsonInt(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case float64:
		return int(n), true
	}
	return 0, false
}

// buildState makes view.state.values from what the person entered. Inputs not in values keep
// their initial value. With check, it also reports what Slack's client refuses before sending
// (required inputs left empty, texts too long or short), by block_id.
func buildState(v *viewRec, values map[string]map[string]Value, check bool) (map[string]any, map[string]string, error) {
	inputs := viewInputs(v.Blocks)
	for blockID, byAction := range values { // a value for an input that is not there is a mistake in the test
		for actionID := range byAction {
			if !slices.ContainsFunc(inputs, func(in inputInfo) bool { return in.blockID == blockID && in.actionID == actionID }) {
				var have []string
				for _, in := range inputs {
					have = append(have, in.blockID+"/"+in.actionID)
				}
				return nil, nil, fmt.Errorf("slacklocal: modalen %s (%s) har ingen input %s/%s; den har %q", v.ID, v.CallbackID, blockID, actionID, have)
			}
		}
	}
	state := map[string]any{}
	refused := map[string]string{}
	for _, in := range inputs {
		val, given := values[in.blockID][in.actionID]
		if !given {
			val = in.initial()
			val.Type = ""
		}
		sv, filled, clientErr, err := in.stateValue(val)
		if err != nil {
			return nil, nil, err
		}
		state[in.blockID] = map[string]any{in.actionID: sv}
		switch {
		case !check:
		case !filled && !in.optional:
			refused[in.blockID] = "Dette feltet må fylles ut."
		case clientErr != "":
			refused[in.blockID] = clientErr
		}
	}
	return state, refused, nil
}

// ---- checking a payload without a server ----

// CheckBlocks validates blocks as Slack does for a surface ("message", "modal" or "home")
// and returns Slack's error messages, none when Slack would take them. Tests of code that
// builds blocks use it where no stand-in runs.
func CheckBlocks(surf string, blocks []byte) []string {
	s := map[string]surface{"message": surfaceMessage, "modal": surfaceModal, "home": surfaceHome}[surf]
	_, errs := normalizeBlocks(blocks, s, "/blocks")
	return errs
}

// CheckView validates a view (a modal or a Home tab, by its type) as views.open and
// views.publish do, and returns Slack's error messages.
func CheckView(view []byte) []string {
	var def struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(view, &def)
	_, errs := parseView(view, def.Type == "home")
	return errs
}

// CheckMessage validates a message's text and blocks as chat.postMessage does.
func CheckMessage(text string, blocks []byte) []string {
	errs := CheckBlocks("message", blocks)
	if runes(text) > maxMessageText {
		errs = append(errs, fmt.Sprintf("[ERROR] msg_too_long: text is %d characters, Slack takes %d", runes(text), maxMessageText))
	}
	return errs
}
