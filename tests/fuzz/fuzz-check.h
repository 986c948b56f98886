/* fuzz-check.h: the harnesses' check on text meant for a terminal: it
 * aborts (a finding) when the text holds a byte a terminal would obey (a
 * C0 control other than a newline the layout allows, DEL, a C1 or bidi
 * control) or is not UTF-8. */
#ifndef LATTICECTL_FUZZ_CHECK_H
#define LATTICECTL_FUZZ_CHECK_H

#include <stdbool.h>
#include <stdlib.h>

#include "latticectl/text.h"
#include "latticectl/util.h"

static inline void
fuzz_check_text(const char *s, size_t len, bool newlines)
{
	size_t i, n;
	uint32_t cp;

	if (!lt_is_text(s, len))
		abort();
	for (i = 0; i < len; i += n)
		if (lt_text_classify(s + i, len - i, &n, &cp) != LT_TEXT_SAFE &&
		    !(newlines && (s[i] == '\n' || s[i] == '\t')))
			abort();
}

#endif
