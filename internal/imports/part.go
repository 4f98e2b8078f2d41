package imports

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds of one XML part as it is streamed. A worksheet's tags are tens of
// bytes and a cell holds at most 32,767 characters, so a file needing more
// was not written by a spreadsheet program; within them, a token costs the
// decoder a bounded amount of memory however the part is shaped.
const (
	// maxTagBytes bounds a start tag with its attributes, or a processing
	// instruction: a tag of a million attributes would take the decoder
	// hundreds of megabytes.
	maxTagBytes = 64 << 10
	// maxRunBytes bounds the text between two tags, a comment and a CDATA
	// section.
	maxRunBytes = 1 << 20
	// maxDepth bounds how deep elements nest; a worksheet goes about ten
	// deep, and the decoder keeps a record of each open element.
	maxDepth = 64
	// ctxCheckTokens is how often, in tokens, reading looks at its
	// context.
	ctxCheckTokens = 1024
)

// part is one XML part of a workbook, decoded as a stream of tokens.
type part struct {
	name  string
	dec   *xml.Decoder
	guard *guard
	body  io.Closer
	ctx   context.Context
	depth int
	count int
}

func newPart(ctx context.Context, name string, body io.ReadCloser, budget *int64) *part {
	g := &guard{r: body, ctx: ctx, budget: budget}
	// Without a CharsetReader, a part declaring a charset other than
	// UTF-8 fails to decode: no spreadsheet program writes one.
	dec := xml.NewDecoder(g)
	return &part{name: name, dec: dec, guard: g, body: body, ctx: ctx}
}

// next returns the part's next token, io.EOF at its end, or an error: the
// context's cause once it is done, the guard's error, or one wrapping
// ErrNotSpreadsheet for XML that is not well formed. The token's bytes are
// valid until the next call.
func (p *part) next() (xml.Token, error) {
	if p.count++; p.count%ctxCheckTokens == 0 && p.ctx.Err() != nil {
		return nil, context.Cause(p.ctx)
	}
	tok, err := p.dec.RawToken()
	switch {
	case err == io.EOF && p.depth == 0:
		return nil, io.EOF
	case err != nil && p.guard.err != nil:
		return nil, p.guard.err
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %v", ErrNotSpreadsheet, p.name, err)
	}
	switch tok.(type) {
	case xml.StartElement:
		if p.depth++; p.depth > maxDepth {
			return nil, fmt.Errorf("%w: %s: elements nested more than %d deep", ErrNotSpreadsheet, p.name, maxDepth)
		}
	case xml.EndElement:
		p.depth--
	}
	return tok, nil
}

// skip reads past the rest of the element whose start was the last token.
func (p *part) skip() error {
	for depth := p.depth; p.depth >= depth; {
		if _, err := p.next(); err != nil {
			return unexpectedEOF(p, err)
		}
	}
	return nil
}

// children reads the rest of the element whose start was the last token,
// handing each child element named local to each, which may read into it;
// whatever of a child each leaves, and every other child, is skipped.
func (p *part) children(local string, each func(xml.StartElement) error) error {
	for depth := p.depth; ; {
		tok, err := p.next()
		if err != nil {
			return unexpectedEOF(p, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if p.depth < depth {
				return nil
			}
		case xml.StartElement:
			if t.Name.Local == local {
				if err := each(t); err != nil {
					return err
				}
			}
			if p.depth > depth {
				if err := p.skip(); err != nil {
					return err
				}
			}
		}
	}
}

// text returns the text of the element whose start was the last token, as
// a spreadsheet shows it: the <t> elements within, its own and those of
// its rich-text runs, but not the phonetic reading (<rPh>) some East Asian
// workbooks add. It returns ErrTooMuchText past maxText bytes.
func (p *part) text() (string, error) {
	var b []byte
	inT := false
	for depth := p.depth; ; {
		tok, err := p.next()
		if err != nil {
			return "", unexpectedEOF(p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "rPh":
				if err := p.skip(); err != nil {
					return "", err
				}
			case "t":
				inT = true
			}
		case xml.EndElement:
			inT = false
			if p.depth < depth {
				return unescapeText(string(b)), nil
			}
		case xml.CharData:
			if inT {
				if len(b)+len(t) > maxText {
					return "", fmt.Errorf("%w: a cell in %s", ErrTooMuchText, p.name)
				}
				b = append(b, t...)
			}
		}
	}
}

// value returns the character data of the element whose start was the
// last token (a cell's <v>).
func (p *part) value() (string, error) {
	var b []byte
	for depth := p.depth; ; {
		tok, err := p.next()
		if err != nil {
			return "", unexpectedEOF(p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			if p.depth < depth {
				return string(b), nil
			}
		case xml.CharData:
			if len(b)+len(t) > maxText {
				return "", fmt.Errorf("%w: a cell in %s", ErrTooMuchText, p.name)
			}
			b = append(b, t...)
		}
	}
}

func unexpectedEOF(p *part, err error) error {
	if err == io.EOF {
		return fmt.Errorf("%w: %s ends inside an element", ErrNotSpreadsheet, p.name)
	}
	return err
}

// attr returns the value of the start element's attribute named local, in
// any namespace.
func attr(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// guard passes a part's bytes on to the XML decoder, stopping with an error
// when a tag, a run of text, a comment or a CDATA section outgrows its
// bound, at a document type declaration (no workbook has one; the decoder
// would keep all of it), when the package's unzip budget is spent, or when
// the context is done. It follows the bytes with a small state machine
// that sees the markup as the decoder will.
type guard struct {
	r      io.Reader
	ctx    context.Context
	budget *int64 // bytes the package may still unzip
	err    error

	state guardState
	quote byte   // the quotation mark that opened an attribute value
	run   int    // bytes in the current tag, text, comment or section
	seen  string // after "<!": what followed, until it is known
	last  [3]byte
}

type guardState uint8

const (
	inText    guardState = iota
	afterLT              // just after '<'
	afterBang            // in "<!", until it is known what follows
	inTag                // a start or end tag, outside quotes
	inQuote              // an attribute value
	inPI                 // <? … ?>
	inComment            // <!-- … -->
	inCDATA              // <![CDATA[ … ]]>
)

// errGuard is what the decoder is told when the guard stops; the cause is
// in guard.err.
var errGuard = errors.New("reading stopped")

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, errGuard
	}
	if err := g.ctx.Err(); err != nil {
		g.err = context.Cause(g.ctx)
		return 0, errGuard
	}
	n, err := g.r.Read(p)
	if *g.budget -= int64(n); *g.budget < 0 {
		g.err = fmt.Errorf("%w: the workbook unzips to more than %d MB", ErrTooLarge, maxUnzipped>>20)
		return 0, errGuard
	}
	for _, c := range p[:n] {
		if g.err = g.step(c); g.err != nil {
			return 0, errGuard
		}
	}
	return n, err
}

func (g *guard) step(c byte) error {
	g.run++
	g.last = [3]byte{g.last[1], g.last[2], c}
	switch g.state {
	case inText:
		if c == '<' {
			g.state, g.run = afterLT, 1
		} else if g.run > maxRunBytes {
			return refuse("text of more than %d bytes", maxRunBytes)
		}
	case afterLT:
		switch c {
		case '!':
			g.state, g.seen = afterBang, ""
		case '?':
			g.state = inPI
		default:
			g.state = inTag
			g.run--
			return g.step(c)
		}
	case afterBang:
		switch g.seen += string(c); {
		case g.seen == "--":
			g.state, g.last = inComment, [3]byte{}
		case g.seen == "[CDATA[":
			g.state, g.last = inCDATA, [3]byte{}
		case !strings.HasPrefix("--", g.seen) && !strings.HasPrefix("[CDATA[", g.seen):
			return refuse("a document type or other declaration")
		}
	case inTag:
		switch {
		case c == '"' || c == '\'':
			g.state, g.quote = inQuote, c
		case c == '>':
			g.state, g.run = inText, 0
		case g.run > maxTagBytes:
			return refuse("a tag of more than %d bytes", maxTagBytes)
		}
	case inQuote:
		if c == g.quote {
			g.state = inTag
		} else if g.run > maxTagBytes {
			return refuse("a tag of more than %d bytes", maxTagBytes)
		}
	case inPI:
		if g.last[1] == '?' && c == '>' {
			g.state, g.run = inText, 0
		} else if g.run > maxTagBytes {
			return refuse("a processing instruction of more than %d bytes", maxTagBytes)
		}
	case inComment, inCDATA:
		end := [3]byte{'-', '-', '>'}
		if g.state == inCDATA {
			end = [3]byte{']', ']', '>'}
		}
		if g.last == end {
			g.state, g.run = inText, 0
		} else if g.run > maxRunBytes {
			return refuse("a comment or CDATA section of more than %d bytes", maxRunBytes)
		}
	}
	return nil
}

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotSpreadsheet, fmt.Sprintf(format, args...))
}
