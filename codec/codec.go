// Package codec encrypts every payload samarbeid hands Temporal (workflow inputs, update
// arguments and results, activity inputs and results, queries, memos), so a case's free text
// (reasons, contact persons, plan measures) is not readable from the Temporal cluster, its
// database or its Web UI. It is AES-256-GCM with keys from configuration; each payload names
// the key that sealed it, so keys can rotate: the first key encrypts, every listed key
// decrypts. Search attributes are not payloads and stay in plain form (they carry no
// personal data: references, steps, service IDs, deadlines).
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	// encodingEncrypted marks a payload this codec sealed; anything else passes through
	// Decode unchanged (histories from before encryption, the recorded replay histories).
	encodingEncrypted = "binary/encrypted"
	// metadataKeyID names the key that sealed the payload.
	metadataKeyID = "encryption-key-id"
)

// Codec is a converter.PayloadCodec with a key ring.
type Codec struct {
	active string
	keys   map[string]cipher.AEAD
	ids    []string // in configuration order, for messages
}

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Parse reads a key ring: "id1:base64key,id2:base64key", each key 32 bytes (AES-256) in
// standard or URL base64. The first key encrypts; all of them decrypt.
func Parse(spec string) (*Codec, error) {
	c := &Codec{keys: map[string]cipher.AEAD{}}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok || !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("hver nøkkel skrives id:base64 med en id av bokstaver, sifre, . _ eller - (fikk %q)", redact(part))
		}
		key, err := decodeKey(b64)
		if err != nil {
			return nil, fmt.Errorf("nøkkel %q: %w", id, err)
		}
		if _, dup := c.keys[id]; dup {
			return nil, fmt.Errorf("nøkkel-id %q står to ganger", id)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		c.keys[id] = aead
		c.ids = append(c.ids, id)
		if c.active == "" {
			c.active = id
		}
	}
	if c.active == "" {
		return nil, errors.New("ingen nøkler")
	}
	return c, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(strings.TrimSpace(s)); err == nil {
			if len(key) != 32 {
				return nil, fmt.Errorf("nøkkelen er %d byte, AES-256 trenger 32 (lag en med: openssl rand -base64 32)", len(key))
			}
			return key, nil
		}
	}
	return nil, errors.New("nøkkelen er ikke base64 (lag en med: openssl rand -base64 32)")
}

// redact keeps a key out of an error message.
func redact(part string) string {
	if id, _, ok := strings.Cut(part, ":"); ok {
		return id + ":…"
	}
	if len(part) > 8 {
		return part[:4] + "…"
	}
	return part
}

// NewKey is a fresh key ring entry "id:base64key".
func NewKey(id string) string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
	return id + ":" + base64.StdEncoding.EncodeToString(key)
}

// ActiveKeyID is the ID of the key that encrypts.
func (c *Codec) ActiveKeyID() string { return c.active }

// KeyIDs are the IDs of every key that decrypts, the active one first.
func (c *Codec) KeyIDs() []string { return append([]string(nil), c.ids...) }

// Encode implements converter.PayloadCodec: each payload, metadata and all, is sealed whole
// with the active key; the key ID is also the additional data, so a payload cannot be passed
// off as sealed by another key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.keys[c.active]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, err
		}
		nonce := make([]byte, aead.NonceSize())
		_, _ = rand.Read(nonce)
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(encodingEncrypted),
				metadataKeyID:              []byte(c.active),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.active)),
		}
	}
	return out, nil
}

// Decode implements converter.PayloadCodec. A payload that is not sealed passes through, so
// histories written before encryption was turned on still read.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != encodingEncrypted {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[metadataKeyID])
		aead, ok := c.keys[id]
		if !ok {
			return payloads, fmt.Errorf("payloaden er kryptert med nøkkelen %q, som ikke er blant de konfigurerte (%s): legg den gamle nøkkelen tilbake i SAMARBEID_PAYLOAD_KEYS", id, strings.Join(c.ids, ", "))
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return payloads, errors.New("kryptert payload er for kort")
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return payloads, fmt.Errorf("payloaden kan ikke dekrypteres med nøkkelen %q: %w", id, err)
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return payloads, err
		}
	}
	return out, nil
}

// DataConverter is the SDK's default converter with this codec around it, for
// client.Options.DataConverter: every client samarbeid makes uses it.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}
