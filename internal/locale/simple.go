package locale

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// simpleMessage is a message of plain text and {{.Name}} placeholders,
// taken apart once: the text between the placeholders, and their names.
type simpleMessage struct {
	texts []string // one more than names
	names []string
}

var placeholder = regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}`)

// simpleMessages returns the messages of a message file that are one
// string (no plural forms, no description) whose every template action is
// a {{.Name}}.
func simpleMessages(file []byte) (map[string]simpleMessage, error) {
	var raw map[string]any
	if err := toml.Unmarshal(file, &raw); err != nil {
		return nil, err
	}
	simple := map[string]simpleMessage{}
	for id, v := range raw {
		text, ok := v.(string)
		if !ok || strings.Count(text, "{{") != len(placeholder.FindAllStringIndex(text, -1)) {
			continue
		}
		var m simpleMessage
		last := 0
		for _, loc := range placeholder.FindAllStringSubmatchIndex(text, -1) {
			m.texts = append(m.texts, text[last:loc[0]])
			m.names = append(m.names, text[loc[2]:loc[3]])
			last = loc[1]
		}
		m.texts = append(m.texts, text[last:])
		simple[id] = m
	}
	return simple, nil
}

// fill writes the message with the values of args, pairs of a name and a
// value, printed as text/template prints them.
func (m simpleMessage) fill(args []any) string {
	if len(m.names) == 0 {
		return m.texts[0]
	}
	var b strings.Builder
	for i, name := range m.names {
		b.WriteString(m.texts[i])
		value := any("<no value>")
		for j := 0; j+1 < len(args); j += 2 {
			if n, ok := args[j].(string); ok && n == name {
				value = args[j+1]
				break
			}
		}
		fmt.Fprint(&b, value)
	}
	b.WriteString(m.texts[len(m.names)])
	return b.String()
}
