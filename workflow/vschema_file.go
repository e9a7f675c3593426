package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dot-do/vitessdo/vschema"
)

// rewriteShards replaces the "shards" of a keyspace in a VSchema file:
// the new file is written beside it and renamed over it, so that a
// reader sees the old file or the new one, never a part. The old file is
// kept as FILE.TIMESTAMP.bak, whose name it returns. urls holds the
// backends of the new shards when the VSchema must name them; the shards
// that stay keep the entries they had.
func rewriteShards(path string, ks *vschema.Keyspace, to []string, urls map[string]string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("vitessdo: reshard: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return "", fmt.Errorf("vitessdo: reshard: %s: %w", path, err)
	}
	var ksObj map[string]json.RawMessage
	var keyspaces map[string]json.RawMessage
	if raw, ok := top["keyspaces"]; ok {
		if err := json.Unmarshal(raw, &keyspaces); err != nil {
			return "", fmt.Errorf("vitessdo: reshard: %s: keyspaces: %w", path, err)
		}
		if err := json.Unmarshal(keyspaces[ks.Name], &ksObj); err != nil {
			return "", fmt.Errorf("vitessdo: reshard: %s: keyspace %q: %w", path, ks.Name, err)
		}
	} else {
		ksObj = top
	}
	shards, err := newShardsValue(ksObj["shards"], to, urls)
	if err != nil {
		return "", fmt.Errorf("vitessdo: reshard: %s: keyspace %q: %w", path, ks.Name, err)
	}
	ksObj["shards"] = shards
	if keyspaces != nil {
		if keyspaces[ks.Name], err = json.Marshal(ksObj); err != nil {
			return "", err
		}
		if top["keyspaces"], err = json.Marshal(keyspaces); err != nil {
			return "", err
		}
	}
	compact, err := json.Marshal(top)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return "", err
	}
	out.WriteByte('\n')
	backup := fmt.Sprintf("%s.%s.bak", path, time.Now().UTC().Format("20060102T150405.000000000Z"))
	if err := writeFileSync(backup, data); err != nil {
		return "", fmt.Errorf("vitessdo: reshard: keeping the old vschema: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".new")
	if err := writeFileSync(tmp, out.Bytes()); err != nil {
		return "", fmt.Errorf("vitessdo: reshard: writing the new vschema: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("vitessdo: reshard: switching the vschema: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return backup, nil
}

// newShardsValue returns the "shards" value listing to: a list of names
// when the old value was one (or absent) and no new shard needs a URL,
// else an object from name to URL.
func newShardsValue(old json.RawMessage, to []string, urls map[string]string) (json.RawMessage, error) {
	var oldURLs map[string]string
	isObject := len(bytes.TrimSpace(old)) > 0 && bytes.TrimSpace(old)[0] == '{'
	if isObject {
		if err := json.Unmarshal(old, &oldURLs); err != nil {
			return nil, err
		}
	}
	if !isObject && urls == nil {
		return json.Marshal(to)
	}
	obj := map[string]string{}
	for _, n := range to {
		switch {
		case urls[n] != "":
			obj[n] = urls[n]
		case oldURLs[n] != "":
			obj[n] = oldURLs[n]
		default:
			obj[n] = ""
		}
	}
	return json.Marshal(obj)
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
