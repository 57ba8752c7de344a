/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.train.TrainPlan.Feature;
import org.opensearchrealm.train.TrainPlan.Group;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/**
 * A training question is read over its paragraph and the wrong passages retrieved for it; a retrieved passage answers
 * where a gold answer's text occurs in it as whole words.
 */
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

    public void testGroupOfTheParagraphAndTheWrongPassages() throws Exception {
        NativeLibraries.configure(ModelTestSupport.pluginHome(), ModelTestSupport.cacheDir(), 1);
        String context = "Warsaw University Library opened in 1816. It holds two million books.";
        SquadData.Question q = new SquadData.Question(
            "q1",
            "Warsaw",
            context,
            "When did the library open?",
            List.of(new SquadData.Answer("1816", 36, 40)),
            false
        );
        RetrievedPassages retrieved = RetrievedPassages.of(
            "q1",
            List.of(
                new RetrievedPassages.Passage("The opera opened in 1875.", 0.9f),       // wrong, ranked first
                new RetrievedPassages.Passage(context, 0.8f),                           // the gold paragraph
                new RetrievedPassages.Passage("A museum also dates from 1816.", 0.5f),  // wrong, but holds the answer
                new RetrievedPassages.Passage("Never read: beyond --negatives.", 0.4f)
            )
        );
        try (
            QaTokenizer tokenizer = QaTokenizer.create(
                Files.readAllBytes(ModelTestSupport.pluginHome().resolve("models/all-minilm-l6-v2/tokenizer.json")),
                384,
                128,
                64
            )
        ) {
            Group g = new QuestionGroups(tokenizer, retrieved, 2, 0.1).group(q);
            assertEquals("gold paragraph + two wrong passages, one window each", 3, g.windows().size());
            Feature gold = g.windows().get(0);
            Feature opera = g.windows().get(1);
            Feature museum = g.windows().get(2);
            assertEquals(1, gold.spans().size());
            assertTrue("the opera holds no answer", opera.spans().isEmpty());
            assertEquals("the museum passage answers too", 1, museum.spans().size());
            // p(z | q) = softmax(score / 0.1) over the three
            double z = Math.exp(8) + Math.exp(9) + Math.exp(5);
            assertEquals(Math.log(Math.exp(8) / z), gold.logPassage(), 1e-5);
            assertEquals(Math.log(Math.exp(9) / z), opera.logPassage(), 1e-5);
            assertEquals(Math.log(Math.exp(5) / z), museum.logPassage(), 1e-5);

            Group alone = new QuestionGroups(tokenizer, RetrievedPassages.none(), 2, 0.1).group(q);
            assertEquals("without retrieval: the paragraph only", 1, alone.windows().size());
            assertEquals(0.0, alone.windows().get(0).logPassage(), 1e-9);
        }
    }
}
