package vindex

// KeyspaceIDs8 writes the keyspace id of each of values into ids, 8 bytes
// a value (ids holds 8*len(values)), for a router that needs only each
// value's shard, as a multi-row INSERT does: no key.Destination is built
// per value, and the hash vindex writes straight into ids, so the ids
// cost the caller's one allocation. all is false, and ids are
// partly written, when a value has no keyspace id (where Map gives
// key.DestinationNone); err is Map's error for the first value that has
// one.
func KeyspaceIDs8(h Hashing8, values []any, ids []byte) (all bool, err error) {
	if hash, ok := h.(*Hash); ok {
		for i, v := range values {
			isID, err := hash.hashInto(ids[8*i:8*i+8:8*i+8], v)
			if err != nil || !isID {
				return false, err
			}
		}
		return true, nil
	}
	for i, v := range values {
		id, isID, err := h.KeyspaceID8(v)
		if err != nil || !isID {
			return false, err
		}
		copy(ids[8*i:8*i+8], id[:])
	}
	return true, nil
}
