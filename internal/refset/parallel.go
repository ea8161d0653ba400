package refset

import "sync"

// parallelFor runs fn(i) for i in [0, n) on threads goroutines, each taking
// an interleaved share; fn must only write to index-owned state, so the
// result does not depend on scheduling.
func parallelFor(n, threads int, fn func(i int)) {
	threads = max(1, min(threads, n))
	if threads == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += threads {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
}
