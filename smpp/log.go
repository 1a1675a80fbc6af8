package smpp

import "strings"

// maskNumber hides a phone number for logs, keeping its last 3
// characters: "+32470123456" → "*********456".
func maskNumber(s string) string {
	if len(s) <= 3 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-3) + s[len(s)-3:]
}

// safeErr is err's text for logs with every run of 6 or more digits (a
// phone number a Handler or store may have put in it) masked to its last
// 3.
func safeErr(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i >= 6 {
			b.WriteString(maskNumber(s[i:j]))
			i = j
			continue
		}
		if j > i {
			b.WriteString(s[i:j])
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
