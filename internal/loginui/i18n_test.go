package loginui

import "testing"

// Every language speaks every message the English pages have.
func TestEveryLanguageHasEveryMessage(t *testing.T) {
	for _, lang := range Languages {
		for key := range messages["en"] {
			if _, ok := messages[lang][key]; !ok {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
	}
}
