/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading SQuAD JSON, and answer offsets counted in code points (as Python does) mapped to UTF-16. */
public class SquadDataTests extends OpenSearchTestCase {

    public void testReadAndResolveOffsets() throws Exception {
        // "\uD83D\uDE00" is one code point (Python counts 1) but two UTF-16 units
        String context = "Smile \uD83D\uDE00 then Paris is the capital. Paris again.";
        int pythonStart = context.codePointCount(0, context.indexOf("Paris"));
        String json = "{\"version\":\"1.1\",\"data\":[{\"title\":\"T\",\"paragraphs\":[{\"context\":"
            + ReaderWeights.jsonString(context)
            + ",\"qas\":[{\"id\":\"q1\",\"question\":\"What is the capital?\",\"answers\":[{\"text\":\"Paris\",\"answer_start\":"
            + pythonStart
            + "}]},{\"id\":\"q2\",\"question\":\"Unanswerable?\",\"answers\":[],\"is_impossible\":true},"
            + "{\"id\":\"q3\",\"question\":\"Off by a few?\",\"answers\":[{\"text\":\"Paris again\",\"answer_start\":30}]}]}]}]}";
        Path file = createTempDir().resolve("squad.json");
        Files.writeString(file, json);
        List<SquadData.Question> qs = SquadData.read(file);
        assertEquals(3, qs.size());
        SquadData.Answer a = qs.get(0).answers().get(0);
        assertEquals("Paris", context.substring(a.start(), a.end()));
        assertEquals(context.indexOf("Paris"), a.start());
        assertTrue(qs.get(1).impossible());
        assertTrue(qs.get(1).answers().isEmpty());
        SquadData.Answer c = qs.get(2).answers().get(0);
        assertEquals("Paris again", context.substring(c.start(), c.end())); // nearest occurrence of the text
    }
}
