package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// deleteUnderLoad deletes p's pool while it updates a user of another pool
// in a loop, one write at a time, and reports how long DeleteUserPool
// took to answer, how long the deletion took (until --scale-gone
// succeeds), and how long the writes waited.
func deleteUnderLoad(ctx context.Context, o options, admin *cip.Client, p *scalePool, out io.Writer) error {
	other, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("scale-other")})
	if err != nil {
		return err
	}
	otherID := other.UserPool.Id
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: otherID, Username: aws.String("writer"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		return err
	}
	write := func(i int) (time.Duration, error) {
		t0 := time.Now()
		_, err := admin.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: otherID, Username: aws.String("writer"),
			UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("write " + strconv.Itoa(i))}},
		})
		return time.Since(t0), err
	}
	// The writes' cost without the deletion, for comparison.
	var quiet []time.Duration
	for i := range 200 {
		d, err := write(i)
		if err != nil {
			return fmt.Errorf("write to another pool: %w", err)
		}
		quiet = append(quiet, d)
	}
	var answered, gone time.Duration
	done := make(chan error, 1)
	began := time.Now()
	go func() {
		_, err := admin.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &p.poolID})
		answered = time.Since(began)
		if err == nil {
			err = waitGone(ctx, o.scaleGone, p.poolID)
			gone = time.Since(began)
		}
		done <- err
	}()
	var busy []time.Duration
	var writeErr, deleteErr error
loop:
	for i := 0; ; i++ {
		select {
		case deleteErr = <-done:
			break loop
		default:
		}
		d, err := write(i)
		if err != nil && writeErr == nil {
			writeErr = err
		}
		busy = append(busy, d)
	}
	if deleteErr != nil {
		return fmt.Errorf("DeleteUserPool: %w", deleteErr)
	}
	fmt.Fprintf(out, "DeleteUserPool of %d users: answered in %s\n", p.n, answered.Round(time.Millisecond))
	fmt.Fprintf(out, "  the pool was gone from the database after %s\n", gone.Round(time.Millisecond))
	fmt.Fprintf(out, "writes to another pool before: %s; during the deletion: %s\n", summary(quiet), summary(busy))
	if writeErr != nil {
		fmt.Fprintf(out, "  first write error: %v\n", writeErr)
	}
	_, err = admin.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: otherID})
	return err
}

// waitGone runs the --scale-gone command, with POOL_ID set to the pool's
// id, every 100 ms until it succeeds (or ctx ends).
func waitGone(ctx context.Context, command, poolID string) error {
	for {
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		cmd.Env = append(os.Environ(), "POOL_ID="+poolID)
		if cmd.Run() == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the pool to be gone: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// summary describes latencies: count, p50, p99, max.
func summary(lat []time.Duration) string {
	if len(lat) == 0 {
		return "none"
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return fmt.Sprintf("%d writes, p50 %s, p99 %s, max %s", len(lat), ms(lat[len(lat)/2]),
		ms(lat[min(len(lat)*99/100, len(lat)-1)]), ms(lat[len(lat)-1]))
}

// processMemory returns a process's resident set and its peak, in KiB,
// from /proc/<pid>/status (Linux).
func processMemory(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm, nil
}

// show runs a --scale-show command and prints its output.
func show(command string, out io.Writer) {
	if command == "" {
		return
	}
	b, err := exec.Command("sh", "-c", command).CombinedOutput()
	fmt.Fprintf(out, "$ %s\n%s", command, b)
	if err != nil {
		fmt.Fprintf(out, "(%v)\n", err)
	}
}
