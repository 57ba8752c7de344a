/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;

/** The SQuAD evaluation's normalisation and measures (values as the official script computes them). */
public class AnswerNormalizerTests extends OpenSearchTestCase {

    public void testNormalize() {
        assertEquals("moon", AnswerNormalizer.normalize("The Moon."));
        assertEquals("moon", AnswerNormalizer.normalize("  the   moon!!  "));
        assertEquals("denver broncos", AnswerNormalizer.normalize("the Denver Broncos"));
        assertEquals("its 1990s", AnswerNormalizer.normalize("It's (the) 1990s"));
        assertEquals("", AnswerNormalizer.normalize("The"));
        assertEquals("", AnswerNormalizer.normalize(" a, an; the. "));
        // articles only as whole words
        assertEquals("theory another", AnswerNormalizer.normalize("Theory another"));
        // punctuation is removed before articles: "the-moon" -> "themoon"
        assertEquals("themoon", AnswerNormalizer.normalize("the-moon"));
        // Python's \b is Unicode-aware: "theé" is one word, "the" before it stays
        assertEquals("theé", AnswerNormalizer.normalize("theé"));
        assertEquals("é", AnswerNormalizer.normalize("the é"));
        // only ASCII punctuation is removed (string.punctuation); other white space splits
        assertEquals("«moon» 1 000", AnswerNormalizer.normalize("«Moon»\u00a01\u2009000"));
        assertEquals("etna", AnswerNormalizer.normalize("\tEtna\n"));
        assertEquals("", AnswerNormalizer.normalize(""));
    }

    public void testExactMatch() {
        assertTrue(AnswerNormalizer.exactMatch("the Moon", "moon"));
        assertFalse(AnswerNormalizer.exactMatch("the Moon landing", "moon"));
        assertTrue(AnswerNormalizer.exactMatch("Moon", List.of("sun", "a moon")));
        assertFalse(AnswerNormalizer.exactMatch("Moon", List.of()));
    }

    public void testF1() {
        assertEquals(1.0, AnswerNormalizer.f1("The Moon", "moon"), 0);
        assertEquals(0.0, AnswerNormalizer.f1("sun", "moon"), 0);
        // pred: [denver, broncos, won], gold: [broncos]: p = 1/3, r = 1
        assertEquals(0.5, AnswerNormalizer.f1("Denver Broncos won", "the Broncos"), 1e-12);
        // repeated tokens count as often as they occur in both
        // pred: [new, new, york], gold: [new, york]: same 2, p = 2/3, r = 1, f1 = 0.8
        assertEquals(0.8, AnswerNormalizer.f1("new new york", "New York"), 1e-12);
        // SQuAD 2.0: empty against empty is 1, empty against anything else 0
        assertEquals(1.0, AnswerNormalizer.f1("", "the"), 0);
        assertEquals(0.0, AnswerNormalizer.f1("", "moon"), 0);
        assertEquals(0.0, AnswerNormalizer.f1("moon", ""), 0);
        assertEquals(1.0, AnswerNormalizer.f1("moon", List.of("sun", "The moon")), 0);
        assertEquals(0.0, AnswerNormalizer.f1("moon", List.of()), 0);
    }
}
