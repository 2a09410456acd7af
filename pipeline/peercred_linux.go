package pipeline

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// peerOwnsFile returns nil when the process at the other end of the Unix
// socket c runs as the user who owns the file at path.
func peerOwnsFile(c net.Conn, path string) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return errors.New("not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if credErr != nil {
		return fmt.Errorf("peer credentials: %w", credErr)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("no file owner")
	}
	if cred.Uid != st.Uid {
		return fmt.Errorf("user %d does not own %s (user %d does)", cred.Uid, path, st.Uid)
	}
	return nil
}
