// Package parallel runs independent per-item work on a fixed number of
// goroutines with a deterministic error: the one of the lowest failing
// index, whatever the scheduling. Batch steps of nipt (preparing
// reference samples, analysing samples, writing reports, simulating a
// cohort) use it so that a failing batch reports the same file on every
// run.
package parallel

import (
	"context"
	"errors"
	"sync"
)

// ForEach calls fn(ctx, i) for i = 0 … n−1 on up to threads goroutines
// (at least one), handing out indices in order. After the first failure,
// or when ctx is done, it hands out no more indices and cancels the ctx
// passed to fn, so that running calls can stop early; it waits for them
// and returns the error of the lowest index that failed — deterministic,
// because every lower index was handed out before it; a cancellation that
// ForEach itself caused is not a failure — else ctx.Err().
func ForEach(parent context.Context, n, threads int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(threads, 1), max(n, 1)) {
		wg.Go(func() {
			for i := range next {
				if errs[i] = fn(ctx, i); errs[i] != nil {
					cancel()
				}
			}
		})
	}
feed:
	for i := range n {
		if ctx.Err() != nil { // select picks at random among ready cases
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil && !(errors.Is(err, context.Canceled) && parent.Err() == nil) {
			return err
		}
	}
	return parent.Err()
}
