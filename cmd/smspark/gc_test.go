package main

import "testing"

func TestMemoryLimit(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GOMEMLIMIT" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name, gomemlimit, memoryMax string
		want                        int64
	}{
		{"container limit", "", "1073741824\n", 966367638},
		{"no limit", "", "max\n", 0},
		{"no cgroup file", "", "", 0},
		{"GOMEMLIMIT wins", "512MiB", "1073741824\n", 0},
		{"garbage", "", "lots", 0},
	} {
		if got := memoryLimit(env(tc.gomemlimit), tc.memoryMax); got != tc.want {
			t.Errorf("%s: memoryLimit = %d, want %d", tc.name, got, tc.want)
		}
	}
}
