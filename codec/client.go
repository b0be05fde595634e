package codec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

// converters remembers which data converter each client was made with, for code that reads
// payloads out of a raw history (audit verify) and is handed only the client. A client
// cannot be wrapped instead: the SDK's worker accepts only the client Dial returns.
var converters sync.Map // client.Client -> converter.DataConverter

// Register records that c was made with dc as its DataConverter; Forget undoes it when c
// closes.
func Register(c client.Client, dc converter.DataConverter) { converters.Store(c, dc) }

// Forget drops c from the register.
func Forget(c client.Client) { converters.Delete(c) }

// Converter is the data converter c was registered with, else the SDK's default, which reads
// only unencrypted payloads.
func Converter(c client.Client) converter.DataConverter {
	if dc, ok := converters.Load(c); ok {
		return dc.(converter.DataConverter)
	}
	return converter.GetDefaultDataConverter()
}

// DecodeAll decrypts every payload in msg (a history, an event) in place; search attributes
// are left alone. For writing a history out in plain form (the recorded replay histories).
func (c *Codec) DecodeAll(ctx context.Context, msg proto.Message) error {
	return proxy.VisitPayloads(ctx, msg, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return c.Decode(p)
		},
		SkipSearchAttributes: true,
	})
}

// KeyFile is where `samarbeid dev` keeps the key it made, inside its data directory.
const KeyFile = "payload-keys"

// DevKeys reads the key ring kept in dataDir, or makes one and keeps it there (mode 0600),
// so a restarted `samarbeid dev` still decrypts the histories its embedded server kept.
func DevKeys(dataDir string) (spec, path string, created bool, err error) {
	path = filepath.Join(dataDir, KeyFile)
	buf, err := os.ReadFile(path)
	if err == nil {
		spec = strings.TrimSpace(string(buf))
		if _, err := Parse(spec); err != nil {
			return "", path, false, fmt.Errorf("%s: %w", path, err)
		}
		return spec, path, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", path, false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", path, false, err
	}
	spec = NewKey("dev1")
	if err := os.WriteFile(path, []byte(spec+"\n"), 0o600); err != nil {
		return "", path, false, err
	}
	return spec, path, true, nil
}
