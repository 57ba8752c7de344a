/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;
import java.util.Set;

/** A retrieved passage answers where a gold answer's text occurs in it as whole words. */
public class QuestionGroupsTests extends OpenSearchTestCase {

    public void testOccurrencesAreWholeWords() {
        String passage = "In 1816 the library opened; 18 years later, in 1834, it had 18 rooms.";
        List<int[]> found = QuestionGroups.occurrences(passage, Set.of("18", "1834"));
        assertEquals(3, found.size());
        for (int[] span : found) {
            String text = passage.substring(span[0], span[1]);
            assertTrue(text, text.equals("18") || text.equals("1834"));
        }
        assertTrue(QuestionGroups.occurrences(passage, Set.of("81", "librar")).isEmpty());
    }
}
