package cli

import (
	"fmt"

	"github.com/simpipe/simpipe/store"
)

// noteRecovery tells the user, in one line on standard error, that Open
// found one of the DB's meta pages damaged and uses the last good commit
// (and, when writable, rewrote the page); see store.MetaRecovery.
func noteRecovery(s *streams, db *store.DB) {
	if r := db.Recovery(); r != nil {
		fmt.Fprintf(s.err, "%s: %s: %s\n", progName, db.Path(), r)
	}
}
