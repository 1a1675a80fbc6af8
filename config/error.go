package config

import (
	"regexp"
	"strconv"
	"strings"
)

// Error is what Parse, Load and Default report about a bad configuration:
// the file, the line of the offending YAML node (1-based; 0 when the YAML
// library gave none) and what is wrong.
type Error struct {
	// File is the path given to Load or the name given to Parse.
	File string
	// Line is the 1-based line of the offending node; 0 if unknown.
	Line int
	// Msg says what is wrong, for a person to read.
	Msg string
	// Err is the underlying error, if any (for instance from
	// tariffs.ParseWindows or time.ParseDuration); nil otherwise.
	Err error
}

// Error writes "FILE:LINE: MSG", or "FILE: MSG" when the line is unknown.
func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "<config>"
	}
	if e.Line <= 0 {
		return file + ": " + e.Msg
	}
	return file + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// yamlLine matches the "yaml: line N: msg" form of go.yaml.in/yaml/v3's
// syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxError turns an error of the YAML library into an *Error with the
// line it names, corrected where the library is known to be off:
//   - parser errors ("did not find expected ...", "found duplicate ...")
//     carry a 0-based line (scanner errors a 1-based one);
//   - a tab in the indentation is reported at the line of the construct
//     it interrupts, so the line with the tab is looked up in data.
func syntaxError(file string, data []byte, err error) *Error {
	e := &Error{File: file, Msg: err.Error(), Err: err}
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return e
	}
	e.Msg = "YAML syntax: " + m[2]
	if m[1] != "" {
		e.Line, _ = strconv.Atoi(m[1])
	}
	switch {
	case strings.HasPrefix(m[2], "did not find expected") && m[1] == "":
		e.Line = 1 // the library omits line 0 (0-based), that is line 1
	case strings.HasPrefix(m[2], "did not find expected"),
		strings.HasPrefix(m[2], "found duplicate"),
		strings.HasPrefix(m[2], "found incompatible"),
		strings.HasPrefix(m[2], "found undefined"):
		e.Line++
	case strings.Contains(m[2], "tab character"):
		if l := tabLine(data, max(e.Line, 1)); l > 0 {
			e.Line, e.Msg = l, tabMsg
		}
	case strings.Contains(m[2], "cannot start any token"):
		// A tab opening a line is reported so; with no line for line 1.
		if l := tabLine(data, max(e.Line, 1)); l > 0 && l == max(e.Line, 1) {
			e.Line, e.Msg = l, tabMsg
		}
	case strings.HasPrefix(m[2], "unknown anchor"):
		if a := unknownAnchor.FindStringSubmatch(m[2]); a != nil {
			e.Line = lineOf(data, "*"+a[1])
		}
	}
	return e
}

const tabMsg = "YAML syntax: a tab in the indentation (indent with spaces only)"

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced`)

// lineOf returns the first line holding s; 0 if none.
func lineOf(data []byte, s string) int {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	return 0
}

// tabLine returns the first line, from line from on, whose indentation
// holds a tab; 0 if none.
func tabLine(data []byte, from int) int {
	for i, line := range strings.Split(string(data), "\n") {
		if i+1 < from {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if strings.Contains(indent, "\t") {
			return i + 1
		}
	}
	return 0
}
