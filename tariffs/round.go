package tariffs

// RoundHalfUp returns num/den rounded to the nearest integer, halves rounded
// up (towards +∞). It is the one rounding function for money in smspark:
// amounts are carried as exact fractions (num/den cents) and rounded once.
//
// den must be positive; RoundHalfUp returns 0 when it is not, rather than
// panicking. A negative num is rounded the same way (-2.5 → -2).
func RoundHalfUp(num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	q, r := num/den, num%den
	if r < 0 { // floor division
		q--
		r += den
	}
	// r is in [0, den); round up when r/den >= 1/2, written so it cannot overflow.
	if r >= den-r {
		q++
	}
	return q
}
