package main

import (
	"errors"
	"flag"
	"time"

	"github.com/samarbeid/samarbeid/audit"
)

// periodFlags adds --from and --to to fs; the returned function reads them once fs is parsed.
func periodFlags(fs *flag.FlagSet) func() (from, to time.Time, err error) {
	fromS := fs.String("from", "", "første dag, ÅÅÅÅ-MM-DD")
	toS := fs.String("to", "", "dagen etter siste dag, ÅÅÅÅ-MM-DD")
	return func() (time.Time, time.Time, error) {
		if *fromS == "" || *toS == "" {
			return time.Time{}, time.Time{}, errors.New("oppgi perioden med --from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD")
		}
		from, err := audit.ParseDate(*fromS)
		if err != nil {
			return from, time.Time{}, err
		}
		to, err := audit.ParseDate(*toS)
		return from, to, err
	}
}
