package workflow

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// copyVSchema writes, beside the VSchema file, the VSchema the copy runs
// the driver on: the same keyspaces, with owned lookup vindexes disowned
// and dropped from their owners' column vindexes, so that an INSERT of
// owner rows routes by the primary vindex alone and the copy writes the
// lookup rows itself, a batch at a time. It returns the file's path; the
// caller removes it.
func copyVSchema(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if kss, ok := top["keyspaces"].(map[string]any); ok {
		for _, ks := range kss {
			if m, ok := ks.(map[string]any); ok {
				disown(m)
			}
		}
	} else {
		disown(top)
	}
	out, err := json.Marshal(top)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".copy-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// disown removes the "owner" param of a keyspace's lookup vindexes and
// their entries in the owner tables' column_vindexes.
func disown(ks map[string]any) {
	owned := map[string]string{} // vindex -> owner table
	vindexes, _ := ks["vindexes"].(map[string]any)
	for name, v := range vindexes {
		vm, _ := v.(map[string]any)
		params, _ := vm["params"].(map[string]any)
		owner, _ := params["owner"].(string)
		if owner == "" {
			owner, _ = vm["owner"].(string)
		}
		if owner == "" {
			continue
		}
		owned[name] = strings.ToLower(owner)
		delete(params, "owner")
		delete(vm, "owner")
	}
	tables, _ := ks["tables"].(map[string]any)
	for tname, t := range tables {
		tm, _ := t.(map[string]any)
		cvs, _ := tm["column_vindexes"].([]any)
		kept := cvs[:0:0]
		for _, cv := range cvs {
			m, _ := cv.(map[string]any)
			name, _ := m["name"].(string)
			if o, ok := owned[name]; ok && o == strings.ToLower(tname) {
				continue
			}
			kept = append(kept, cv)
		}
		if cvs != nil {
			tm["column_vindexes"] = kept
		}
	}
}
