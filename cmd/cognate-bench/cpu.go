package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat;
// Linux reports 100 per second on every architecture it supports.
const clockTicks = 100

// processCPU returns the CPU time (user + system, all threads, exited ones
// included) that process pid has used, from /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name is in parentheses and may hold spaces: fields
	// count from after its closing one (state is field 3, utime 14).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime or stime", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// selfCPU returns the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage returns the first field of /proc/loadavg ("" if unreadable),
// so a figure can be read against how busy the machine was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cpuMeter measures the CPU a phase costs the server (when its pid is
// known) and this driver.
type cpuMeter struct {
	pid            int
	server, client time.Duration
	err            error
}

func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{pid: pid, client: selfCPU()}
	if pid > 0 {
		m.server, m.err = processCPU(pid)
	}
	return m
}

// stop returns the server's and the driver's CPU time since start; server
// is negative when it could not be read.
func (m *cpuMeter) stop() (server, client time.Duration) {
	client = selfCPU() - m.client
	if m.pid <= 0 || m.err != nil {
		return -1, client
	}
	now, err := processCPU(m.pid)
	if err != nil {
		return -1, client
	}
	return now - m.server, client
}
