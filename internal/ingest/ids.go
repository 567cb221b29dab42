// Package ingest is the engine behind clv's Reader, Summarizer and
// CustomerState: the records and columns of delimited text within a line
// limit, the amount and time parsers, the checks of summary rows, the hash
// index and compact store of customer ids, the customer states in blocks
// with batched lookups (Summarizer, AddBatch, Summary), the split of a log's
// customers into parts summarized on a core each and merged bit for bit
// (NewParts, AddHashed, Merge), the time order of a log, the pipeline that
// parses ahead on a second core, and the sketch of the amounts. clv's public types are thin faces over it; nothing here
// knows what a customer summary means beyond its arithmetic. The unsafe
// of the engine lives here: a []clv.Transaction read in place through a
// layout constraint (Transactions), ids aliasing a chunk's arena
// (Chunk.String), the page size of a block of states.
package ingest

import "hash/maphash"

// MaxCustomers bounds the number of customers an Index holds, so that
// a customer's number fits the index's slots.
const MaxCustomers = 1<<31 - 1

// Index maps customer ids to customer numbers: an open-addressing hash
// table with linear probing, at most half full. A slot is one word: the
// high 32 bits of the id's hash, which also choose the slot, and the
// customer's number plus one (zero marks an empty slot). The ids themselves
// live in the customers' state, where a lookup compares them. Keeping the
// hash bits lets the table grow without rehashing the ids and lets a lookup
// skip nearly all non-matching slots without touching their ids; one word
// per slot keeps the table small (16 MiB for a million customers), which
// matters because every lookup of a large log misses the caches. Unlike a
// Go map, the table can be probed for a group of ids before any id is
// compared (see AddBatch).
type Index struct {
	seed  maphash.Seed
	slots []uint64
	mask  uint32
	n     int
}

// NewIndex returns an empty index.
func NewIndex() Index {
	const size = 1 << 10
	return Index{seed: maphash.MakeSeed(), slots: make([]uint64, size), mask: size - 1}
}

// Hash returns the 32 bits of the id's hash that the table keeps.
func (x *Index) Hash(id string) uint32 { return uint32(maphash.String(x.seed, id) >> 32) }

// Start returns the slot where the probe for hash h starts.
func (x *Index) Start(h uint32) uint32 { return h & x.mask }

// Slot returns the content of the slot where the probe for hash h starts:
// loading it early warms the cache for a later Probe or Lookup.
func (x *Index) Slot(h uint32) uint64 { return x.slots[h&x.mask] }

// Len returns the number of entries and of slots.
func (x *Index) Len() (entries, slots int) { return x.n, len(x.slots) }

// Lookup returns the number of the entry with hash h for which same
// reports true, or -1 and the free slot where it belongs (for Insert).
func (x *Index) Lookup(h uint32, same func(k int32) bool) (k int32, free uint32) {
	for i := x.Start(h); ; i = (i + 1) & x.mask {
		e := x.slots[i]
		if e == 0 {
			return -1, i
		}
		if uint32(e>>32) == h {
			if k := int32(uint32(e) - 1); same(k) {
				return k, 0
			}
		}
	}
}

// Probe returns the number in the first slot holding hash h, or -1. The
// caller must compare the ids.
func (x *Index) Probe(h uint32) int32 {
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := x.slots[i]
		if e == 0 {
			return -1
		}
		if uint32(e>>32) == h {
			return int32(uint32(e) - 1)
		}
	}
}

// Insert stores customer k with hash h at the free slot found by a lookup,
// growing the table when it becomes half full.
func (x *Index) Insert(free, h uint32, k int32) {
	x.slots[free] = uint64(h)<<32 | uint64(uint32(k)+1)
	x.n++
	if 2*x.n <= len(x.slots) {
		return
	}
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	x.mask = uint32(len(x.slots) - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := uint32(e>>32) & x.mask
		for x.slots[i] != 0 {
			i = (i + 1) & x.mask
		}
		x.slots[i] = e
	}
}

// MaxIDLen is the length of the longest customer id a Store accepts.
const MaxIDLen = 1<<16 - 1

// Store keeps the customers' ids so that a customer's state refers to
// its id with one word, and a million ids are a few allocations which the
// garbage collector need not scan. An id of up to 7 bytes is held in the
// word itself (flag bit 63, length in bits 56-62, the bytes from bit 0), so
// that comparing it touches no other memory; a longer id is stored back to
// back with others in chunks of at most 1 MiB, and the word is its offset
// << 16 | its length.
type Store struct {
	chunks [][]byte
}

const (
	idChunkBits = 20
	inlineID    = 1 << 63
)

// inline returns the word holding id, if id is short enough.
func inline(id string) (uint64, bool) {
	if len(id) > 7 {
		return 0, false
	}
	w := uint64(inlineID) | uint64(len(id))<<56
	for i := 0; i < len(id); i++ {
		w |= uint64(id[i]) << (8 * i)
	}
	return w, true
}

// Add stores id, which must be at most MaxIDLen bytes, and returns its
// reference.
func (st *Store) Add(id string) uint64 {
	if w, ok := inline(id); ok {
		return w
	}
	c := len(st.chunks) - 1
	if c < 0 || len(st.chunks[c])+len(id) > cap(st.chunks[c]) {
		size := 4096 // chunks grow up to 1 MiB: small logs stay small
		if c >= 0 {
			size = min(2*cap(st.chunks[c]), 1<<idChunkBits)
		}
		st.chunks = append(st.chunks, make([]byte, 0, size))
		c++
	}
	off := uint64(c)<<idChunkBits | uint64(len(st.chunks[c]))
	st.chunks[c] = append(st.chunks[c], id...)
	return off<<16 | uint64(len(id))
}

// Stored returns the stored bytes of a long id, nil for a short one.
func (st *Store) Stored(ref uint64) []byte {
	if ref&inlineID != 0 {
		return nil
	}
	off, n := ref>>16, ref&MaxIDLen
	c, p := off>>idChunkBits, off&(1<<idChunkBits-1)
	return st.chunks[c][p : p+n]
}

// Equal reports whether ref refers to id.
func (st *Store) Equal(ref uint64, id string) bool {
	if ref&inlineID != 0 {
		w, ok := inline(id)
		return ok && w == ref
	}
	return string(st.Stored(ref)) == id
}

// Length returns the length of the id that ref refers to.
func Length(ref uint64) int {
	if ref&inlineID != 0 {
		return int(ref >> 56 & 0x7f)
	}
	return int(ref & MaxIDLen)
}

// AppendID appends the id that ref refers to to dst.
func (st *Store) AppendID(dst []byte, ref uint64) []byte {
	if ref&inlineID == 0 {
		return append(dst, st.Stored(ref)...)
	}
	for i := range Length(ref) {
		dst = append(dst, byte(ref>>(8*i)))
	}
	return dst
}

// ID returns the id that ref refers to.
func (st *Store) ID(ref uint64) string { return string(st.AppendID(nil, ref)) }

// IDs returns the ids that refs refer to, in one allocation.
func (st *Store) IDs(refs []uint64) []string {
	n := 0
	for _, ref := range refs {
		n += Length(ref)
	}
	buf := make([]byte, 0, n)
	for _, ref := range refs {
		buf = st.AppendID(buf, ref)
	}
	all := string(buf)
	ids := make([]string, len(refs))
	for i, ref := range refs {
		n := Length(ref)
		ids[i], all = all[:n], all[n:]
	}
	return ids
}
