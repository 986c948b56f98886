/* plain-run.h: the scan for the end of plain text in a JSON string, 16
 * bytes at a time, shared by the JSON validator (json.c) and the string
 * escaper (buf.c); inline, as it runs once or more per string of every
 * payload. Not installed. */
#ifndef LATTICECTL_PLAIN_RUN_H
#define LATTICECTL_PLAIN_RUN_H

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <string.h>

/* Words of 8 bytes in lt_json_plain_run; on a big-endian machine the
 * lowest mark is not the first byte, and the byte loop finds it instead. */
#define LT_LITTLE_ENDIAN (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define WORD_ONES 0x0101010101010101ULL
#define WORD_HIGHS 0x8080808080808080ULL

/* The bytes of v that need a look in a string, each marked by its top
 * bit: a quote, a backslash, a control character, DEL or anything above
 * ASCII. Only marks above a true one can be false, so the lowest mark is
 * the first such byte. */
static inline uint64_t
word_specials(uint64_t v)
{
	uint64_t quote = v ^ (WORD_ONES * '"'), bslash = v ^ (WORD_ONES * '\\');
	uint64_t del = v ^ (WORD_ONES * 0x7f);

	return (((quote - WORD_ONES) & ~quote) |
	    ((bslash - WORD_ONES) & ~bslash) | ((del - WORD_ONES) & ~del) |
	    (v - WORD_ONES * 0x20) | v) & WORD_HIGHS;
}

/* The first byte at or after p (before end) that a JSON string cannot
 * hold as it is: a quote, a backslash, a control character, DEL or any
 * byte above ASCII (to be checked as UTF-8); end when there is none. */
static inline const char *
lt_json_plain_run(const char *p, const char *end)
{
	uint64_t v, hit;

#ifdef __SSE2__
	/* 16 at a time: quote, backslash, DEL, and (signed) below 0x20,
	 * which takes in every byte above ASCII */
	for (; end - p >= 16; p += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
		int mask = _mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(b, _mm_set1_epi8('\\'))),
		    _mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(0x20)),
		    _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7f)))));

		if (mask != 0)
			return p + __builtin_ctz((unsigned)mask);
	}
#endif
	for (; end - p >= 8; p += 8) {
		memcpy(&v, p, 8);
		if ((hit = word_specials(v)) == 0)
			continue;
		if (LT_LITTLE_ENDIAN)	/* the lowest mark is the first byte */
			return p + __builtin_ctzll(hit) / 8;
		break;
	}
	while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f &&
	    *p != '"' && *p != '\\')
		p++;
	return p;
}

#endif
