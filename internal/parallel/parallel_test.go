package parallel

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// TestForEachRunsEveryIndex: every index runs exactly once, on no more
// goroutines than asked.
func TestForEachRunsEveryIndex(t *testing.T) {
	for _, threads := range []int{0, 1, 3, 64} {
		const n = 100
		var hits [n]atomic.Int32
		var running, peak atomic.Int32
		err := ForEach(context.Background(), n, threads, func(_ context.Context, i int) error {
			r := running.Add(1)
			for p := peak.Load(); r > p && !peak.CompareAndSwap(p, r); p = peak.Load() {
			}
			hits[i].Add(1)
			running.Add(-1)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range hits {
			if hits[i].Load() != 1 {
				t.Fatalf("threads %d: index %d ran %d times", threads, i, hits[i].Load())
			}
		}
		if p := peak.Load(); int(p) > max(threads, 1) {
			t.Errorf("threads %d: %d calls at once", threads, p)
		}
	}
	if err := ForEach(context.Background(), 0, 2, func(context.Context, int) error { return errors.New("called") }); err != nil {
		t.Errorf("no items: %v", err)
	}
}

// TestForEachLowestError: with several failures the error of the lowest
// failing index is returned on every run, whatever finishes first, and a
// call stopped by ForEach's own cancellation does not count as a failure.
func TestForEachLowestError(t *testing.T) {
	for run := range 20 {
		err := ForEach(context.Background(), 50, 4, func(ctx context.Context, i int) error {
			switch {
			case i == 7:
				time.Sleep(2 * time.Millisecond) // the lower failure finishes last
				return fmt.Errorf("item %d", i)
			case i == 9 || i == 30:
				return fmt.Errorf("item %d", i)
			case i == 8:
				<-ctx.Done() // stopped by the cancellation after a failure
				return ctx.Err()
			}
			return nil
		})
		if err == nil || err.Error() != "item 7" {
			t.Fatalf("run %d: error %v, want item 7", run, err)
		}
	}
}

// TestForEachParentCancelled: a cancelled parent stops the work and is the
// error.
func TestForEachParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls atomic.Int32
	err := ForEach(ctx, 1000, 2, func(ctx context.Context, i int) error {
		calls.Add(1)
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if c := calls.Load(); c != 0 {
		t.Errorf("%d calls with the parent already cancelled", c)
	}
}
