package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// The writer runs with wal_autocheckpoint off. Left on (SQLite's default,
// 1,000 pages), the commit that takes the WAL past 4 MiB copies the whole
// WAL into the database file and fsyncs it before it returns, while it
// still holds the one writer connection: during a large pool's deletion,
// whose batches each rewrite hundreds of scattered pages, that was every
// second or third batch, and another pool's write waited for it (up to
// 0.4 s a commit on a busy machine, against 10 to 20 ms without it).
//
// A checkpointer on a connection of its own does that work instead, in
// PASSIVE mode: it copies what the readers allow and never takes the
// write lock, so writes commit while it runs. It is woken by commits and
// runs at most once every checkpointEvery; a bulk job (Pools.Delete,
// ReclaimSpace) also runs one after each of its transactions, which keeps
// the WAL about one transaction long and paces the job to the disk.
//
// Durability is unchanged: a commit still fsyncs its WAL frames
// (synchronous = FULL) before it returns; the checkpoint only moves them.

// checkpointEvery is the least time between two background checkpoints.
const checkpointEvery = 250 * time.Millisecond

// walSizeLimitBytes is the journal_size_limit: after the WAL restarts from
// its beginning, a file that a large transaction made longer is truncated
// to this.
const walSizeLimitBytes = 64 << 20

// walResetFrames bounds the WAL. SQLite starts it again from the beginning
// only when a write transaction begins with every frame already copied;
// with another pool written in a loop alongside a deletion, the next
// write nearly always begins while the checkpoint of the last batch still
// runs, and the WAL grew to 800 MB in a 200,000-user deletion (and the
// write that finally restarted it took 0.35 s, truncating it). Past this
// many frames, a checkpoint holds the writer while it copies what the
// PASSIVE pass left (little or nothing), so that the next write restarts
// the WAL.
const walResetFrames = walSizeLimitBytes / 4096

// failureReportEvery is the least time between two reports of background
// checkpoints that keep failing.
const failureReportEvery = time.Minute

// checkpointer runs PASSIVE checkpoints on its own connection.
type checkpointer struct {
	db      *sql.DB // one connection: checkpoints run one at a time
	writer  *sql.DB // held, rarely, to let the WAL restart (walResetFrames)
	kick    chan struct{}
	stop    context.CancelFunc
	done    sync.WaitGroup
	onError atomic.Pointer[func(error)] // told of failed background checkpoints
}

func newCheckpointer(db, writer *sql.DB) *checkpointer {
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{db: db, writer: writer, kick: make(chan struct{}, 1), stop: stop}
	c.done.Add(1)
	go c.run(ctx)
	return c
}

// committed tells the checkpointer that the WAL grew; it never blocks.
func (c *checkpointer) committed() { signal(c.kick) }

func (c *checkpointer) run(ctx context.Context) {
	defer c.done.Done()
	var reported time.Time // when a failure was last reported
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
		}
		// A failure (a full disk, say) leaves the frames in the WAL,
		// where readers still find them; the next commit tries again.
		// Meanwhile the WAL grows, so the failure is reported: the
		// first, then at most one every failureReportEvery.
		if _, err := c.checkpoint(ctx); err != nil && ctx.Err() == nil {
			if f := c.onError.Load(); f != nil && time.Since(reported) >= failureReportEvery {
				reported = time.Now()
				(*f)(err)
			}
		} else if err == nil {
			reported = time.Time{}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// checkpoint copies into the database what it can of the WAL and returns
// how many frames the WAL holds that are not copied yet (a reader on an
// older snapshot keeps some back). When the WAL is longer than
// walResetFrames, it then waits for the writer, like any write, and
// copies the rest while it holds it.
func (c *checkpointer) checkpoint(ctx context.Context) (left int, err error) {
	frames, left, err := c.passive(ctx)
	if err != nil || frames < walResetFrames {
		return left, err
	}
	w, err := c.writer.Conn(ctx)
	if err != nil {
		return left, fmt.Errorf("sqlite: checkpoint: %w", convert(err))
	}
	defer w.Close()
	_, left, err = c.passive(ctx)
	return left, err
}

// passive runs a PASSIVE checkpoint and returns the WAL's frames and how
// many of them are not copied.
func (c *checkpointer) passive(ctx context.Context) (frames, left int, err error) {
	var busy, copied int
	err = c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite: checkpoint: %w", convert(err))
	}
	return frames, max(frames-copied, 0), nil
}

func (c *checkpointer) close() error {
	c.stop()
	c.done.Wait()
	return c.db.Close()
}

// Checkpoint copies the WAL into the database now, outside the writer:
// Pools.Delete runs it between its batches (see sqlstore.Checkpointer).
func (b *backend) Checkpoint(ctx context.Context) error {
	_, err := b.ckpt.checkpoint(ctx)
	return err
}
