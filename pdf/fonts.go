package pdf

import (
	_ "embed"
)

// The documents' typeface is DejaVu Sans (and DejaVu Sans Mono Bold for
// codes), version 2.37 as Debian's fonts-dejavu-core ships it, embedded so
// that every name prints, whatever its script: Łukasz, Ayşe, Ørsted,
// Дмитрий. The licence (Bitstream Vera, public domain changes) is
// fonts/LICENSE; it must travel with the fonts. Only the glyphs a document
// uses are written into it.
var (
	//go:embed fonts/DejaVuSans.ttf
	sansRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBold []byte
	//go:embed fonts/DejaVuSans-Oblique.ttf
	sansOblique []byte
	//go:embed fonts/DejaVuSansMono-Bold.ttf
	monoBold []byte
)

// Font families as the documents name them.
const (
	sans = "DejaVuSans"
	mono = "DejaVuSansMono"
)
