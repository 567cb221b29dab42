package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// forecastHeader is the first line of each forecast shard.
const forecastHeader = "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,clv"

// shardFn assigns each forecast line to one of N shards by its customer id.
type shardFn struct{ N int }

func (f *shardFn) ProcessElement(line string, emit func(int, string)) {
	h := fnv.New32a()
	id, _, _ := strings.Cut(line, ",")
	h.Write([]byte(id))
	emit(int(h.Sum32()%uint32(f.N)), line)
}

// writeShardFn writes one shard, forecast-SSSSS-of-NNNNN.csv, its lines
// sorted (the order of a shard does not depend on the runner).
type writeShardFn struct {
	Dir string
	N   int
}

func (f *writeShardFn) ProcessElement(ctx context.Context, shard int, lines func(*string) bool) error {
	var all []string
	var l string
	for lines(&l) {
		all = append(all, l)
	}
	slices.Sort(all)
	name := filepath.Join(f.Dir, fmt.Sprintf("forecast-%05d-of-%05d.csv", shard, f.N))
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w, forecastHeader); err != nil {
		w.Close()
		return err
	}
	for _, l := range all {
		if _, err := fmt.Fprintln(w, l); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

func init() {
	register.DoFn2x0[string, func(int, string)](&shardFn{})
	register.Emitter2[int, string]()
	register.DoFn3x1[context.Context, int, func(*string) bool, error](&writeShardFn{})
}

// writeSharded writes the forecast lines in n shards.
func writeSharded(s beam.Scope, dir string, n int, lines beam.PCollection) {
	keyed := beam.ParDo(s, &shardFn{N: n}, lines)
	beam.ParDo0(s, &writeShardFn{Dir: dir, N: n}, beam.GroupByKey(s, keyed))
}
