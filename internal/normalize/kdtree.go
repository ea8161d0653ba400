package normalize

import (
	"container/heap"
	"sort"
)

// kdTree is a static k-d tree over points stored row-major in pts (dim
// coordinates each), for exact k-nearest-neighbour queries with a filter.
type kdTree struct {
	dim   int
	pts   []float64
	idx   []int // permutation of point indices; leaves are runs of idx
	nodes []kdNode
}

type kdNode struct {
	lo, hi      int     // idx[lo:hi] are the points under this node
	split       float64 // splitting value (internal nodes)
	axis        int     // -1 for a leaf
	left, right int
}

const kdLeafSize = 16

func newKDTree(pts []float64, dim int) *kdTree {
	n := len(pts) / dim
	t := &kdTree{dim: dim, pts: pts, idx: make([]int, n)}
	for i := range t.idx {
		t.idx[i] = i
	}
	if n > 0 {
		t.build(0, n)
	}
	return t
}

func (t *kdTree) build(lo, hi int) int {
	id := len(t.nodes)
	t.nodes = append(t.nodes, kdNode{lo: lo, hi: hi, axis: -1})
	if hi-lo <= kdLeafSize {
		return id
	}
	// Split on the axis of largest spread, at the median.
	axis, spread := 0, -1.0
	for d := 0; d < t.dim; d++ {
		mn, mx := t.pts[t.idx[lo]*t.dim+d], t.pts[t.idx[lo]*t.dim+d]
		for _, i := range t.idx[lo:hi] {
			v := t.pts[i*t.dim+d]
			mn, mx = min(mn, v), max(mx, v)
		}
		if mx-mn > spread {
			axis, spread = d, mx-mn
		}
	}
	if spread <= 0 {
		return id
	}
	sub := t.idx[lo:hi]
	sort.Slice(sub, func(a, b int) bool {
		va, vb := t.pts[sub[a]*t.dim+axis], t.pts[sub[b]*t.dim+axis]
		if va != vb {
			return va < vb
		}
		return sub[a] < sub[b]
	})
	mid := lo + (hi-lo)/2
	split := t.pts[t.idx[mid]*t.dim+axis]
	l := t.build(lo, mid)
	r := t.build(mid, hi)
	t.nodes[id].axis, t.nodes[id].split, t.nodes[id].left, t.nodes[id].right = axis, split, l, r
	return id
}

// neighbour is a candidate with its squared distance.
type neighbour struct {
	i int
	d float64
}

// maxHeap keeps the k best (smallest distance) candidates, worst on top;
// ties broken by index so results are deterministic.
type maxHeap []neighbour

func (h maxHeap) Len() int { return len(h) }
func (h maxHeap) Less(a, b int) bool {
	if h[a].d != h[b].d {
		return h[a].d > h[b].d
	}
	return h[a].i > h[b].i
}
func (h maxHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *maxHeap) Push(x any)   { *h = append(*h, x.(neighbour)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// knn returns the k nearest points to q (squared Euclidean distance) among
// those whose label differs from skip, nearest first.
func (t *kdTree) knn(q []float64, k int, label []int, skip int, h *maxHeap) []neighbour {
	*h = (*h)[:0]
	if len(t.nodes) > 0 {
		t.search(0, q, k, label, skip, h)
	}
	out := make([]neighbour, len(*h))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(neighbour)
	}
	return out
}

func (t *kdTree) search(id int, q []float64, k int, label []int, skip int, h *maxHeap) {
	nd := &t.nodes[id]
	if nd.axis < 0 {
		for _, i := range t.idx[nd.lo:nd.hi] {
			if label[i] == skip {
				continue
			}
			p := t.pts[i*t.dim : (i+1)*t.dim]
			var d float64
			for j, v := range p {
				x := v - q[j]
				d += x * x
			}
			c := neighbour{i, d}
			if h.Len() < k {
				heap.Push(h, c)
			} else if top := (*h)[0]; d < top.d || d == top.d && i < top.i {
				(*h)[0] = c
				heap.Fix(h, 0)
			}
		}
		return
	}
	diff := q[nd.axis] - nd.split
	near, far := nd.left, nd.right
	if diff >= 0 {
		near, far = nd.right, nd.left
	}
	t.search(near, q, k, label, skip, h)
	if h.Len() < k || diff*diff <= (*h)[0].d {
		t.search(far, q, k, label, skip, h)
	}
}
