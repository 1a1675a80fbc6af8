package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
)

// bbolt's on-disk format (version 2), read here without bbolt: bbolt maps
// the file and follows page ids and offsets it finds in it unchecked, so a
// damaged file makes it fault (SIGSEGV, SIGBUS) or fail an assertion in
// whatever goroutine touches the page. verifyFile walks the same structure
// with every offset bounds-checked first, so that bbolt only ever sees a file
// whose pages all lie where their references say.
const (
	boltMagic          = 0xED0CDAED
	boltVersion        = 2
	pageHeaderSize     = 16
	elementSize        = 16 // branch and leaf page elements alike
	metaSize           = 64
	metaChecksumOffset = 56
	flagBranch         = 0x01
	flagLeaf           = 0x02
	flagMeta           = 0x04
	flagFreelist       = 0x10
	leafBucketFlag     = 0x01
	noFreelist         = ^uint64(0)
	bucketHeaderSize   = 16
	maxTreeDepth       = 64
)

// boltMeta is one of the two meta pages.
type boltMeta struct {
	pageSize uint64
	root     uint64 // the root bucket's page
	freelist uint64
	hwm      uint64 // pages in use: the high-water mark
	txid     uint64
}

// fileMap is the file's bytes, read-only, and how to let them go.
type fileMap struct {
	data  []byte
	close func() error
}

// verifyFile checks the structure of the bbolt file at path: a valid meta
// page, a file long enough for it, and every page reachable from it (the
// bucket trees and the freelist) inside the file, of the right type, with
// its elements, keys and values inside the page, keys in order, referenced
// once; every page below the high-water mark used or free. It reads the file
// only. Returns nil or an error wrapping ErrCorrupt that says what is wrong.
func verifyFile(path string) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	m, err := mapFile(f)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	defer func() { _ = m.close() }()
	// The file could shrink under us (another process truncating it): the
	// fault then becomes a panic here, recovered, instead of a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: reading the file failed: %v", ErrCorrupt, r)
		}
	}()
	return verifyBytes(m.data)
}

// verifyBytes checks a bbolt file held in memory (see verifyFile).
func verifyBytes(data []byte) error {
	meta, err := pickMeta(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	v := &walker{data: data, meta: meta, used: make([]bool, meta.hwm), free: make([]bool, meta.hwm)}
	v.used[0], v.used[1] = true, true
	if err := v.freelist(); err != nil {
		return fmt.Errorf("%w: freelist: %w", ErrCorrupt, err)
	}
	if err := v.tree(meta.root, 0); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if meta.freelist == noFreelist {
		return nil // bbolt rebuilds the freelist from what is not used
	}
	for id := range meta.hwm {
		if !v.used[id] && !v.free[id] {
			return fmt.Errorf("%w: page %d is neither used nor free", ErrCorrupt, id)
		}
	}
	return nil
}

// pickMeta returns the valid meta page of the higher transaction, as bbolt
// does, checked against the file's size.
func pickMeta(data []byte) (boltMeta, error) {
	m0, err0 := readMeta(data, 0)
	size := uint64(4096)
	if err0 == nil {
		size = m0.pageSize
	}
	m1, err1 := readMeta(data, size)
	if err1 != nil && err0 != nil {
		// meta 0's page size is unknown: try the sizes bbolt uses.
		for _, s := range []uint64{uint64(os.Getpagesize()), 4096, 8192, 16384, 65536} {
			if m1, err1 = readMeta(data, s); err1 == nil {
				break
			}
		}
	}
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		if errors.Is(err0, errNoMagic) && errors.Is(err1, errNoMagic) {
			return m, errors.New("not a bbolt database file (no meta page)")
		}
		return m, fmt.Errorf("both meta pages damaged (%w; %w)", err0, err1)
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid >= m1.txid:
		m = m0
	default:
		m = m1
	}
	switch {
	case m.hwm < 2:
		return m, fmt.Errorf("meta page: %d pages in use is impossible", m.hwm)
	case m.hwm > uint64(len(data))/m.pageSize:
		return m, fmt.Errorf("truncated: the file has %d bytes, its last transaction needs %d pages of %d",
			len(data), m.hwm, m.pageSize)
	case m.root < 2 || m.root >= m.hwm:
		return m, fmt.Errorf("meta page: root page %d outside the %d pages in use", m.root, m.hwm)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.hwm):
		return m, fmt.Errorf("meta page: freelist page %d outside the %d pages in use", m.freelist, m.hwm)
	}
	return m, nil
}

var errNoMagic = errors.New("no bbolt magic number")

// readMeta decodes and validates the meta page at offset off.
func readMeta(data []byte, off uint64) (boltMeta, error) {
	var m boltMeta
	if off+pageHeaderSize+metaSize > uint64(len(data)) {
		return m, fmt.Errorf("meta page at %d: %w: the file has %d bytes", off, errNoMagic, len(data))
	}
	p := data[off : off+pageHeaderSize+metaSize]
	b := p[pageHeaderSize:]
	le := binary.NativeEndian
	if le.Uint32(b[0:]) != boltMagic {
		return m, fmt.Errorf("meta page at %d: %w", off, errNoMagic)
	}
	if v := le.Uint32(b[4:]); v != boltVersion {
		return m, fmt.Errorf("meta page at %d: bbolt format version %d, want %d", off, v, boltVersion)
	}
	h := fnv.New64a()
	_, _ = h.Write(b[:metaChecksumOffset])
	if h.Sum64() != le.Uint64(b[metaChecksumOffset:]) {
		return m, fmt.Errorf("meta page at %d: checksum mismatch", off)
	}
	if flags := le.Uint16(p[8:]); flags != flagMeta {
		return m, fmt.Errorf("meta page at %d: page type %#x", off, flags)
	}
	m = boltMeta{pageSize: uint64(le.Uint32(b[8:])), root: le.Uint64(b[16:]),
		freelist: le.Uint64(b[32:]), hwm: le.Uint64(b[40:]), txid: le.Uint64(b[48:])}
	if m.pageSize < 1024 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
		return m, fmt.Errorf("meta page at %d: page size %d", off, m.pageSize)
	}
	return m, nil
}

// walker visits the pages of one file.
type walker struct {
	data       []byte
	meta       boltMeta
	used, free []bool
}

// page returns page id and its overflow pages after checking that they lie
// below the high-water mark, are referenced once and carry their own id.
func (v *walker) page(id uint64) ([]byte, error) {
	if id < 2 || id >= v.meta.hwm {
		return nil, fmt.Errorf("page %d: outside the %d pages in use", id, v.meta.hwm)
	}
	off := id * v.meta.pageSize
	head := v.data[off : off+pageHeaderSize]
	le := binary.NativeEndian
	if got := le.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d: header says page %d", id, got)
	}
	overflow := uint64(le.Uint32(head[12:]))
	if id+overflow >= v.meta.hwm {
		return nil, fmt.Errorf("page %d: %d overflow pages run past the %d pages in use", id, overflow, v.meta.hwm)
	}
	for i := id; i <= id+overflow; i++ {
		if v.used[i] {
			return nil, fmt.Errorf("page %d: referenced twice", i)
		}
		v.used[i] = true
	}
	return v.data[off : off+(overflow+1)*v.meta.pageSize], nil
}

// freelist marks the free pages.
func (v *walker) freelist() error {
	if v.meta.freelist == noFreelist {
		return nil
	}
	p, err := v.page(v.meta.freelist)
	if err != nil {
		return err
	}
	le := binary.NativeEndian
	if flags := le.Uint16(p[8:]); flags != flagFreelist {
		return fmt.Errorf("page %d: type %#x, want a freelist", v.meta.freelist, flags)
	}
	start, count := uint64(pageHeaderSize), uint64(le.Uint16(p[10:]))
	if count == 0xFFFF {
		if len(p) < pageHeaderSize+8 {
			return errors.New("count does not fit")
		}
		count, start = le.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > (uint64(len(p))-start)/8 {
		return fmt.Errorf("%d ids do not fit in %d bytes", count, len(p))
	}
	for i := range count {
		id := le.Uint64(p[start+8*i:])
		switch {
		case id < 2 || id >= v.meta.hwm:
			return fmt.Errorf("free page %d outside the %d pages in use", id, v.meta.hwm)
		case v.free[id]:
			return fmt.Errorf("page %d freed twice", id)
		}
		v.free[id] = true
	}
	return nil
}

// tree walks the B+tree whose root is page id: branch pages down to leaves,
// and the buckets those hold.
func (v *walker) tree(id uint64, depth int) error {
	return v.node(id, depth, nil, nil)
}

// node checks page id, whose keys must lie in [lo, hi) (nil: unbounded).
func (v *walker) node(id uint64, depth int, lo, hi []byte) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("page %d: trees nested deeper than %d", id, maxTreeDepth)
	}
	p, err := v.page(id)
	if err != nil {
		return err
	}
	if v.free[id] {
		return fmt.Errorf("page %d: in use and free", id)
	}
	switch flags := binary.NativeEndian.Uint16(p[8:]); flags {
	case flagBranch:
		return v.branch(id, p, depth, lo, hi)
	case flagLeaf:
		return v.leaf(id, p, depth, lo, hi)
	default:
		return fmt.Errorf("page %d: type %#x where a branch or leaf page belongs", id, flags)
	}
}

// branch checks a branch page and the pages below it.
func (v *walker) branch(id uint64, p []byte, depth int, lo, hi []byte) error {
	n := int(binary.NativeEndian.Uint16(p[10:]))
	if n == 0 {
		return fmt.Errorf("page %d: an empty branch page", id)
	}
	keys := make([][]byte, n)
	children := make([]uint64, n)
	for i := range n {
		e, key, _, err := element(p, i, false)
		if err != nil {
			return fmt.Errorf("page %d: %w", id, err)
		}
		keys[i], children[i] = key, binary.NativeEndian.Uint64(e[8:])
	}
	if err := ordered(keys, lo, hi); err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	for i := range n {
		next := hi
		if i+1 < n {
			next = keys[i+1]
		}
		if err := v.node(children[i], depth+1, keys[i], next); err != nil {
			return err
		}
	}
	return nil
}

// leaf checks a leaf page and the buckets it holds.
func (v *walker) leaf(id uint64, p []byte, depth int, lo, hi []byte) error {
	n := int(binary.NativeEndian.Uint16(p[10:]))
	keys := make([][]byte, n)
	for i := range n {
		e, key, value, err := element(p, i, true)
		if err != nil {
			return fmt.Errorf("page %d: %w", id, err)
		}
		keys[i] = key
		if binary.NativeEndian.Uint32(e)&leafBucketFlag == 0 {
			continue
		}
		if err := v.bucket(value, depth); err != nil {
			return fmt.Errorf("bucket %q (page %d): %w", key, id, err)
		}
	}
	if err := ordered(keys, lo, hi); err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	return nil
}

// bucket checks a bucket's header and its tree, or its inline page.
func (v *walker) bucket(value []byte, depth int) error {
	if len(value) < bucketHeaderSize {
		return fmt.Errorf("bucket header of %d bytes", len(value))
	}
	if root := binary.NativeEndian.Uint64(value); root != 0 {
		return v.tree(root, depth+1)
	}
	inline := value[bucketHeaderSize:]
	if len(inline) < pageHeaderSize {
		return fmt.Errorf("inline page of %d bytes", len(inline))
	}
	if flags := binary.NativeEndian.Uint16(inline[8:]); flags != flagLeaf {
		return fmt.Errorf("inline page of type %#x", flags)
	}
	return v.leaf(0, inline, depth+1, nil, nil)
}

// element returns element i of page p, its key and (for a leaf) its value,
// after checking they lie inside p.
func element(p []byte, i int, leaf bool) (e, key, value []byte, err error) {
	at := pageHeaderSize + i*elementSize
	if at+elementSize > len(p) {
		return nil, nil, nil, fmt.Errorf("element %d lies outside the page", i)
	}
	e = p[at : at+elementSize]
	le := binary.NativeEndian
	var pos, ksize, vsize uint64
	if leaf {
		pos, ksize, vsize = uint64(le.Uint32(e[4:])), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
	} else {
		pos, ksize = uint64(le.Uint32(e[0:])), uint64(le.Uint32(e[4:]))
	}
	start := uint64(at) + pos
	if end := start + ksize + vsize; end > uint64(len(p)) {
		return nil, nil, nil, fmt.Errorf("element %d: key and value end at %d, past the page's %d bytes", i, end, len(p))
	}
	return e, p[start : start+ksize], p[start+ksize : start+ksize+vsize], nil
}

// ordered reports whether keys ascend strictly and lie in [lo, hi).
func ordered(keys [][]byte, lo, hi []byte) error {
	for i, k := range keys {
		switch {
		case i > 0 && bytes.Compare(keys[i-1], k) >= 0:
			return fmt.Errorf("key %d (%x) not above the one before", i, k)
		case lo != nil && bytes.Compare(k, lo) < 0:
			return fmt.Errorf("key %d (%x) below its parent's", i, k)
		case hi != nil && bytes.Compare(k, hi) >= 0:
			return fmt.Errorf("key %d (%x) not below the next parent key", i, k)
		}
	}
	return nil
}
