package gameproc

import (
	"os/exec"
	"syscall"
)

// sysProcAttr puts the game process in its own process group, so that a
// kill reaches its children and a terminal's Ctrl-C does not (simpipe stops
// it), and has Linux kill it when simpipe's thread that started it dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Process.Kill()
	}
}
