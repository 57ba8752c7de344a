/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.index.RealmSettings;
import org.opensearchrealm.read.Reader;
import org.opensearchrealm.read.Reader.PassageReading;
import org.opensearchrealm.read.Reader.Span;

import java.util.List;

import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * The reader the project trained (models/realm-reader-minilm, a BERT built from DJL blocks), loaded from the staged
 * plugin home as a node loads it: it answers easy questions with exact offsets, and knows when a passage does not.
 */
@LuceneTestCase.SuppressFileSystems("*")
public class DefaultReaderTests extends OpenSearchTestCase {

    private ModelRegistry registry;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        registry = ModelTestSupport.registry(createTempDir());
    }

    @Override
    public void tearDown() throws Exception {
        registry.close();
        super.tearDown();
    }

    public void testAnswersWithExactOffsets() {
        Reader reader = registry.reader(RealmSettings.DEFAULT_READER);
        List<String> passages = List.of(
            "The Eiffel Tower is a wrought-iron lattice tower in Paris, France. It was completed in 1889 for the World's Fair.",
            "Mount Etna \uD83C\uDF0B is an active stratovolcano on the east coast of Sicily, Italy, and one of the tallest in Europe."
        );
        List<PassageReading> when = reader.read("When was the Eiffel Tower completed?", passages, 30, 3);
        assertEquals(2, when.size());
        Span best = when.get(0).spans().get(0);
        assertEquals("1889", best.text());
        assertEquals(passages.get(0).indexOf("1889"), best.start());
        assertEquals(passages.get(0).substring(best.start(), best.end()), best.text());
        assertThat(best.probability(), greaterThan(0.5));

        Span where = reader.read("On which island is Mount Etna?", passages.subList(1, 2), 30, 1).get(0).spans().get(0);
        assertThat(where.text(), startsWith("Sicily"));
        assertEquals(passages.get(1).substring(where.start(), where.end()), where.text()); // offsets in UTF-16, after an emoji
    }

    public void testLongPassageIsReadInWindows() {
        Reader reader = registry.reader(RealmSettings.DEFAULT_READER);
        String filler = "The committee met again to discuss the budget of the next year and adjourned without a decision. ".repeat(40);
        String passage = filler + "The treaty was signed in Lisbon in 2007. " + filler;
        Span best = reader.read("Where was the treaty signed?", List.of(passage), 30, 1).get(0).spans().get(0);
        assertEquals("Lisbon", best.text());
        assertEquals(passage.indexOf("Lisbon"), best.start());
        assertThat(best.start(), greaterThan(2000)); // past the first window
    }

    public void testUnrelatedPassageScoresLowerThanRelevantOne() {
        Reader reader = registry.reader(RealmSettings.DEFAULT_READER);
        String question = "Who painted the Mona Lisa?";
        List<PassageReading> readings = reader.read(
            question,
            List.of("The Mona Lisa was painted by Leonardo da Vinci in the early sixteenth century.", "Bananas are rich in potassium."),
            30,
            1
        );
        assertEquals("Leonardo da Vinci", readings.get(0).spans().get(0).text());
        assertThat(readings.get(0).noAnswerProbability(), lessThan(readings.get(1).noAnswerProbability()));
    }
}
