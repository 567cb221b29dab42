package ingest

import (
	"slices"
	"testing"
)

func TestIDStore(t *testing.T) {
	var st Store
	ids := []string{"", "a", "1234567", "12345678", "\x00", "\x00\x00", "ü", "a somewhat longer id", "1234567"}
	var refs []uint64
	for _, id := range ids {
		refs = append(refs, st.Add(id))
	}
	for i, ref := range refs {
		if got := st.ID(ref); got != ids[i] {
			t.Errorf("string(add(%q)) = %q", ids[i], got)
		}
		for j, other := range ids {
			if st.Equal(ref, other) != (ids[i] == other) {
				t.Errorf("equal(add(%q), %q) = %v", ids[i], ids[j], !(ids[i] == other))
			}
		}
	}
	if got := st.IDs(refs); !slices.Equal(got, ids) {
		t.Errorf("strings = %q, want %q", got, ids)
	}
	if refs[2]&inlineID == 0 || refs[3]&inlineID != 0 {
		t.Errorf("7-byte id stored inline: %v, 8-byte id: %v; want true, false", refs[2]&inlineID != 0, refs[3]&inlineID != 0)
	}
}
