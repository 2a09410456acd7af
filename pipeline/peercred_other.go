//go:build !linux

package pipeline

import (
	"errors"
	"net"
)

// peerOwnsFile refuses every action: this system's peer credentials are
// not read, so the caller cannot be told from another user.
func peerOwnsFile(net.Conn, string) error {
	return errors.New("live actions need peer credentials, read on Linux only")
}
