package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The --scale mode builds one pool per size in --scale-users through
// Cognito's CSV import (no password hashing, as Cognito's import), adds one
// user with a password to each, and measures the user operations one at a
// time (sequential p50: the cost of one request, not throughput) on every
// pool, side by side, with the ratio of the largest pool's p50 to the
// smallest's. With --scale-delete it then deletes the largest pool while
// it writes to another pool in a loop, and reports how long those writes
// waited.

// scaleOps are the measured operations, in order.
var scaleOps = []string{"DescribeUserPool", "AdminGetUser", "GetUser", "SignIn", "ListUsers first page",
	"ListUsers 90% deep", "ListUsers email ^="}

const scalePageSize = 60

// scalePool is one pool built for the comparison.
type scalePool struct {
	n                    int
	poolID, clientID     string
	accessToken          string
	deepTokens           []string // page tokens at about 90% depth
	importTime, walkTime time.Duration
	walkPages            int
	glitches             int // requests sent again (see closedConn)
	p50                  map[string]time.Duration
	p99                  map[string]time.Duration
}

func runScale(ctx context.Context, o options, admin *cip.Client, out io.Writer) error {
	var sizes []int
	for _, s := range strings.Split(o.scaleUsers, ",") {
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			return fmt.Errorf("--scale-users: %q is not a count of at least 10", s)
		}
		sizes = append(sizes, n)
	}
	sort.Ints(sizes)
	fmt.Fprintf(out, "endpoint %s, pools of %v users, %d samples per operation, load average %s\n",
		o.endpoint, sizes, o.samples, loadAverage())
	var pools []*scalePool
	if o.scalePools != "" {
		for _, id := range strings.Split(o.scalePools, ",") {
			p, err := existingScalePool(ctx, o, admin, id, out)
			if err != nil {
				return fmt.Errorf("pool %s: %w", id, err)
			}
			pools = append(pools, p)
		}
		sort.Slice(pools, func(i, j int) bool { return pools[i].n < pools[j].n })
	}
	for _, n := range sizes {
		p, err := buildScalePool(ctx, o, admin, n, out)
		if err != nil {
			return fmt.Errorf("pool of %d users: %w", n, err)
		}
		pools = append(pools, p)
	}
	if o.scaleBuildOnly {
		return nil
	}
	if err := measureAll(ctx, o, admin, pools); err != nil {
		return err
	}
	for _, p := range pools {
		if p.glitches > 0 {
			fmt.Fprintf(out, "pool of %d users: %d requests sent again after the client closed their connection\n", p.n, p.glitches)
		}
	}
	fmt.Fprintf(out, "\nsequential p50 (p99) per operation\n%-22s", "operation")
	for _, p := range pools {
		fmt.Fprintf(out, " %22s", fmt.Sprintf("%d users", p.n))
	}
	fmt.Fprintf(out, " %7s\n", "ratio")
	small, large := pools[0], pools[len(pools)-1]
	for _, op := range scaleOps {
		fmt.Fprintf(out, "%-22s", op)
		for _, p := range pools {
			fmt.Fprintf(out, " %22s", fmt.Sprintf("%s (%s)", ms(p.p50[op]), ms(p.p99[op])))
		}
		fmt.Fprintf(out, " %6.2fx\n", float64(large.p50[op])/float64(max(small.p50[op], 1)))
	}
	if o.serverPID > 0 {
		if rss, hwm, err := processMemory(o.serverPID); err == nil {
			fmt.Fprintf(out, "server memory: VmRSS %d MiB, VmHWM %d MiB\n", rss>>10, hwm>>10)
		}
	}
	show(o.scaleShow, out)
	if o.scaleDelete {
		if err := deleteUnderLoad(ctx, o, admin, large, out); err != nil {
			return err
		}
		show(o.scaleShow, out)
	}
	fmt.Fprintf(out, "load average after: %s\n", loadAverage())
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", d.Seconds()*1000) }

// buildScalePool creates a pool and its client, imports n users, adds the
// signing-in user and walks ListUsers to 90% of the pool for page tokens.
func buildScalePool(ctx context.Context, o options, admin *cip.Client, n int, out io.Writer) (*scalePool, error) {
	p := &scalePool{n: n}
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String(fmt.Sprintf("scale-%d-%s", n, time.Now().Format("150405"))),
	})
	if err != nil {
		return nil, err
	}
	p.poolID = *pool.UserPool.Id
	cl, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &p.poolID, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		return nil, err
	}
	p.clientID = *cl.UserPoolClient.ClientId
	began := time.Now()
	if err := importUsers(ctx, o, admin, p.poolID, n); err != nil {
		return nil, err
	}
	p.importTime = time.Since(began)
	fmt.Fprintf(out, "pool %s: imported %d users in %s (%.0f users/s)\n", p.poolID, n,
		p.importTime.Round(time.Second), float64(n)/p.importTime.Seconds())
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &p.poolID, Username: aws.String("bench-user"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		return nil, err
	}
	if _, err := admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: &p.poolID, Username: aws.String("bench-user"), Password: aws.String(benchPassword), Permanent: true,
	}); err != nil {
		return nil, err
	}
	return p, p.prepare(ctx, o, admin, out)
}

// existingScalePool finds a pool an earlier run built (--scale-pools):
// its size, its client and its signing-in user.
func existingScalePool(ctx context.Context, o options, admin *cip.Client, id string, out io.Writer) (*scalePool, error) {
	d, err := admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		return nil, err
	}
	cl, err := admin.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &id, MaxResults: aws.Int32(1)})
	if err != nil {
		return nil, err
	}
	if len(cl.UserPoolClients) == 0 {
		return nil, fmt.Errorf("pool %s has no app client", id)
	}
	p := &scalePool{n: int(d.UserPool.EstimatedNumberOfUsers) - 1, poolID: id, clientID: *cl.UserPoolClients[0].ClientId}
	return p, p.prepare(ctx, o, admin, out)
}

// prepare signs the user in and walks ListUsers to 90% of the pool for
// page tokens.
func (p *scalePool) prepare(ctx context.Context, o options, admin *cip.Client, out io.Writer) error {
	res, err := admin.InitiateAuth(ctx, p.signInInput())
	if err != nil {
		return err
	}
	if res.AuthenticationResult == nil {
		return fmt.Errorf("sign-in returned challenge %s", res.ChallengeName)
	}
	p.accessToken = *res.AuthenticationResult.AccessToken
	// Walk to 90% of the pool, keeping the last pages' tokens.
	began := time.Now()
	var token *string
	for seen := 0; seen < p.n*9/10; p.walkPages++ {
		page, err := admin.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &p.poolID, Limit: aws.Int32(scalePageSize), PaginationToken: token})
		if closedConn(err) {
			p.glitches++
			p.walkPages--
			continue
		}
		if err != nil {
			return fmt.Errorf("page %d: %w", p.walkPages+1, err)
		}
		seen += len(page.Users)
		if page.PaginationToken == nil {
			return fmt.Errorf("ListUsers ended after %d users", seen)
		}
		token = page.PaginationToken
		if seen >= p.n*9/10-o.samples*scalePageSize {
			p.deepTokens = append(p.deepTokens, *token)
		}
	}
	p.walkTime = time.Since(began)
	fmt.Fprintf(out, "pool %s: ListUsers walked %d pages (%d%%) in %s (%.2f ms a page)\n", p.poolID, p.walkPages, 90,
		p.walkTime.Round(time.Millisecond), p.walkTime.Seconds()*1000/float64(p.walkPages))
	return nil
}

func (p *scalePool) signInInput() *cip.InitiateAuthInput {
	return &cip.InitiateAuthInput{ClientId: &p.clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bench-user", "PASSWORD": benchPassword}}
}

// calls returns the measured operations on p's pool.
func (p *scalePool) calls(ctx context.Context, admin *cip.Client) map[string]func(i int) error {
	r := rand.New(rand.NewPCG(uint64(p.n), 7))
	return map[string]func(i int) error{
		"DescribeUserPool": func(int) error {
			out, err := admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &p.poolID})
			if err == nil && out.UserPool.EstimatedNumberOfUsers != int32(p.n+1) {
				err = fmt.Errorf("EstimatedNumberOfUsers %d, want %d", out.UserPool.EstimatedNumberOfUsers, p.n+1)
			}
			return err
		},
		"AdminGetUser": func(int) error {
			_, err := admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &p.poolID,
				Username: aws.String(fmt.Sprintf("user%07d", r.IntN(p.n)))})
			return err
		},
		"GetUser": func(int) error {
			_, err := admin.GetUser(ctx, &cip.GetUserInput{AccessToken: &p.accessToken})
			return err
		},
		"SignIn": func(int) error {
			_, err := admin.InitiateAuth(ctx, p.signInInput())
			return err
		},
		"ListUsers first page": func(int) error {
			return p.list(ctx, admin, nil, "", scalePageSize)
		},
		"ListUsers 90% deep": func(i int) error {
			return p.list(ctx, admin, &p.deepTokens[i%len(p.deepTokens)], "", scalePageSize)
		},
		"ListUsers email ^=": func(int) error {
			// Ten users share the prefix whatever the pool's size.
			prefix := fmt.Sprintf("m%06d", r.IntN(p.n/10))
			return p.list(ctx, admin, nil, `email ^= "`+prefix+`"`, 10)
		},
	}
}

// measureAll runs each operation o.samples times on every pool, one
// request at a time, the pools taking turns so that the machine's other
// load falls on them alike (sign-in a quarter as often: its password hash
// dominates it).
func measureAll(ctx context.Context, o options, admin *cip.Client, pools []*scalePool) error {
	calls := make([]map[string]func(int) error, len(pools))
	lat := make([][]time.Duration, len(pools))
	for j, p := range pools {
		calls[j] = p.calls(ctx, admin)
		p.p50, p.p99 = map[string]time.Duration{}, map[string]time.Duration{}
	}
	for _, op := range scaleOps {
		k := o.samples
		if op == "SignIn" {
			k = max(o.samples/4, 10)
		}
		for j := range pools {
			lat[j] = lat[j][:0]
		}
		for i := 0; i < k+k/10; i++ { // the first tenth warms up
			for j, p := range pools {
				for {
					t0 := time.Now()
					err := calls[j][op](i)
					if closedConn(err) {
						p.glitches++
						continue
					}
					if err != nil {
						return fmt.Errorf("pool of %d users: %s: %w", p.n, op, err)
					}
					if i >= k/10 {
						lat[j] = append(lat[j], time.Since(t0))
					}
					break
				}
			}
		}
		for j, p := range pools {
			l := lat[j]
			sort.Slice(l, func(a, b int) bool { return l[a] < l[b] })
			p.p50[op], p.p99[op] = l[len(l)/2], l[min(len(l)*99/100, len(l)-1)]
		}
	}
	return nil
}

// list reads one ListUsers page and checks it is full.
func (p *scalePool) list(ctx context.Context, admin *cip.Client, token *string, filter string, want int) error {
	in := &cip.ListUsersInput{UserPoolId: &p.poolID, Limit: aws.Int32(scalePageSize), PaginationToken: token}
	if filter != "" {
		in.Filter = &filter
	}
	out, err := admin.ListUsers(ctx, in)
	if err == nil && len(out.Users) != want {
		err = fmt.Errorf("%d users on the page, want %d", len(out.Users), want)
	}
	return err
}

// importUsers imports n users user0000000.. (in random order, with email
// addresses m0000000@example.com.. unrelated to the usernames) through an
// import job, and waits for it.
func importUsers(ctx context.Context, o options, admin *cip.Client, poolID string, n int) error {
	var buf bytes.Buffer
	buf.WriteString("cognito:username,name,email,email_verified,cognito:mfa_enabled\n")
	r := rand.New(rand.NewPCG(uint64(n), 2))
	emails := r.Perm(n)
	for _, i := range r.Perm(n) {
		fmt.Fprintf(&buf, "user%07d,User %d,m%07d@example.com,true,false\n", i, i, emails[i])
	}
	job, err := admin.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
		UserPoolId: &poolID, JobName: aws.String("scale"),
		CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport"),
	})
	if err != nil {
		return err
	}
	// The pre-signed URL names the server's public URL; send it to
	// --endpoint, which may be another address of the same server.
	u, err := url.Parse(*job.UserImportJob.PreSignedUrl)
	if err != nil {
		return err
	}
	e, err := url.Parse(o.endpoint)
	if err != nil {
		return err
	}
	u.Scheme, u.Host = e.Scheme, e.Host
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upload: HTTP %d", resp.StatusCode)
	}
	jobID := job.UserImportJob.JobId
	if _, err := admin.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: jobID}); err != nil {
		return err
	}
	for {
		time.Sleep(200 * time.Millisecond)
		d, err := admin.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: jobID})
		if err != nil {
			return err
		}
		switch j := d.UserImportJob; j.Status {
		case types.UserImportJobStatusTypeSucceeded:
			if j.ImportedUsers != int64(n) {
				return fmt.Errorf("imported %d of %d users", j.ImportedUsers, n)
			}
			return nil
		case types.UserImportJobStatusTypeFailed, types.UserImportJobStatusTypeStopped:
			return errors.New("import job " + string(j.Status))
		}
	}
}

// closedConn reports the Go HTTP client's "use of closed network
// connection" on reading a response (aws/aws-sdk-go-v2#1825, #2737): the
// client's own transport closed a reused connection. The request is sent
// again and counted; it is not a latency of the server's.
func closedConn(err error) bool {
	return err != nil && strings.Contains(err.Error(), "use of closed network connection")
}
