/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;

/** The official SQuAD v1.1 normalisation, EM and F1 on hand-checked cases. */
public class SquadMetricTests extends OpenSearchTestCase {

    public void testNormalize() {
        assertEquals("cats hat", SquadMetric.normalize("The  Cat's hat!"));
        assertEquals("denver broncos", SquadMetric.normalize("the Denver Broncos."));
        assertEquals("", SquadMetric.normalize("a an the"));
        assertEquals("theory", SquadMetric.normalize("A theory")); // 'the' inside a word stays
        assertEquals("1990s", SquadMetric.normalize("(1990s)"));
        assertEquals("rocknroll", SquadMetric.normalize("rock-n-roll"));
    }

    public void testExactMatchAndF1() {
        assertTrue(SquadMetric.exactMatch("The Broncos", "broncos"));
        assertFalse(SquadMetric.exactMatch("Denver Broncos", "broncos"));
        assertEquals(2 * 0.5 * 1.0 / 1.5, SquadMetric.f1("Denver Broncos", "broncos"), 1e-9);
        assertEquals(0.0, SquadMetric.f1("Carolina", "broncos"), 0);
        assertEquals(1.0, SquadMetric.f1("the end", "End."), 0);
        // repeated tokens count once per occurrence in the gold answer
        assertEquals(2 * (1.0 / 3) * 1.0 / (1.0 / 3 + 1.0), SquadMetric.f1("x x x", "x"), 1e-9);
        assertEquals(1.0, SquadMetric.maxF1("Santa Clara", List.of("Levi's Stadium", "Santa Clara, California", "Santa Clara")), 0);
        assertTrue(SquadMetric.maxExactMatch("santa clara", List.of("Levi's Stadium", "Santa Clara")));
        assertEquals(0.0, SquadMetric.f1("", "x"), 0);
    }
}
