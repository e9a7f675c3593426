package key

import (
	"encoding/hex"
	"strings"
)

// Destination is where a vindex says a value's rows live. The topology
// resolves it to shard names; see the package documentation.
type Destination interface {
	// String describes the destination for errors and VEXPLAIN.
	String() string
	isDestination()
}

// DestinationKeyspaceID is a single keyspace id.
type DestinationKeyspaceID []byte

// DestinationKeyspaceIDs is a set of keyspace ids, as a non-unique vindex
// returns for one value.
type DestinationKeyspaceIDs [][]byte

// DestinationKeyRange is every shard that intersects the key range.
type DestinationKeyRange KeyRange

// DestinationShard is one shard named directly, for vindexes that choose a
// shard rather than compute a keyspace id.
type DestinationShard string

// DestinationAllShards is every shard of the keyspace.
type DestinationAllShards struct{}

// DestinationNone is no shard: the value cannot exist in the keyspace.
type DestinationNone struct{}

func (DestinationKeyspaceID) isDestination()  {}
func (DestinationKeyspaceIDs) isDestination() {}
func (DestinationKeyRange) isDestination()    {}
func (DestinationShard) isDestination()       {}
func (DestinationAllShards) isDestination()   {}
func (DestinationNone) isDestination()        {}

// String returns the keyspace id in hexadecimal.
func (d DestinationKeyspaceID) String() string { return "KeyspaceId(" + hex.EncodeToString(d) + ")" }

// String returns the keyspace ids in hexadecimal.
func (d DestinationKeyspaceIDs) String() string {
	parts := make([]string, len(d))
	for i, id := range d {
		parts[i] = hex.EncodeToString(id)
	}
	return "KeyspaceIds(" + strings.Join(parts, ",") + ")"
}

// String returns the range in shard-name form.
func (d DestinationKeyRange) String() string { return "KeyRange(" + KeyRange(d).String() + ")" }

// String returns the shard name.
func (d DestinationShard) String() string { return "Shard(" + string(d) + ")" }

// String returns "AllShards()".
func (DestinationAllShards) String() string { return "AllShards()" }

// String returns "None()".
func (DestinationNone) String() string { return "None()" }
