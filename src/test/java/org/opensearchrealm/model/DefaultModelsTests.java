/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.ingest.Passage;
import org.opensearchrealm.ingest.PassageSplitter;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.model.Reader.Span;
import org.opensearchrealm.settings.RealmSettings;

import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/** The default models bundled with the plugin (two encoders and the project's reader in two engines), loaded from the staged plugin home. */
@LuceneTestCase.SuppressFileSystems("*")
public class DefaultModelsTests extends OpenSearchTestCase {

    private static final String[] WORDS = {
        "river", "mountain", "apple", "house", "green", "small", "water", "light", "music", "paper",
        "table", "window", "garden", "summer", "winter", "morning", "evening", "market", "street", "doctor" };

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

    /** {@code count} single-token words. */
    private static List<String> words(int count, int seed) {
        List<String> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            words.add(WORDS[(i * 7 + seed) % WORDS.length]);
        }
        return words;
    }

    public void testMiniLm() {
        Encoder encoder = registry.encoder("all-minilm-l6-v2");
        assertEquals(384, encoder.dimension());
        float[][] v = encoder.embed(
            List.of("A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply today."),
            TextKind.PASSAGE
        );
        for (float[] x : v) {
            assertEquals(384, x.length);
            assertEquals(1.0, ModelTestSupport.norm(x), 1e-5);
        }
        double paraphrase = ModelTestSupport.dot(v[0], v[1]);
        double unrelated = ModelTestSupport.dot(v[0], v[2]);
        assertThat(paraphrase, greaterThan(0.6));
        assertThat(unrelated, lessThan(0.3));
    }

    public void testInt8MiniLmQueriesTheSameSpace() {
        Encoder fp32 = registry.encoder("all-minilm-l6-v2");
        Encoder int8 = registry.encoder("all-minilm-l6-v2-int8");
        assertEquals(fp32.dimension(), int8.dimension());
        List<String> questions = List.of("Who plays the guitar?", "Why did the stock market fall?", "How do plants make food?");
        float[][] q8 = int8.embed(questions, TextKind.QUERY);
        float[][] q32 = fp32.embed(questions, TextKind.QUERY);
        float[][] passages = fp32.embed(
            List.of(
                "A man is playing a guitar on the stage.",
                "The stock market fell sharply today after the bank raised rates.",
                "Plants use photosynthesis to turn sunlight and water into sugar."
            ),
            TextKind.PASSAGE
        );
        for (int i = 0; i < questions.size(); i++) {
            assertEquals(1.0, ModelTestSupport.norm(q8[i]), 1e-5);
            assertThat("int8 and fp32 vectors of " + questions.get(i), ModelTestSupport.dot(q8[i], q32[i]), greaterThan(0.95));
            for (int j = 0; j < passages.length; j++) {
                if (j != i) {
                    assertThat(ModelTestSupport.dot(q8[i], passages[i]), greaterThan(ModelTestSupport.dot(q8[i], passages[j])));
                }
            }
        }
    }

    public void testMiniLmBatchEqualsOneByOne() {
        Encoder encoder = registry.encoder("all-minilm-l6-v2");
        List<String> texts = List.of(
            "short",
            String.join(" ", words(60, 3)),
            "Where is the nearest train station?",
            String.join(" ", words(200, 1)),
            "Le café est très bon, merci! 中文 😀",
            ""
        );
        float[][] batch = encoder.embed(texts, TextKind.PASSAGE);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = encoder.embed(List.of(texts.get(i)), TextKind.PASSAGE)[0];
            assertThat("text " + i, ModelTestSupport.maxAbsDiff(single, batch[i]), lessThan(1e-5));
        }
    }

    /** The langchain4j tokenizer.json truncates at 128 tokens; the descriptor's 256 applies instead. */
    public void testMiniLmTruncatesAt256() {
        Encoder encoder = registry.encoder("all-minilm-l6-v2");
        List<String> words = words(300, 0);
        float[] base = encoder.embed(List.of(String.join(" ", words)), TextKind.PASSAGE)[0];

        List<String> middle = new ArrayList<>(words);
        for (int i = 130; i < 250; i++) {
            middle.set(i, "zebra");
        }
        float[] changedMiddle = encoder.embed(List.of(String.join(" ", middle)), TextKind.PASSAGE)[0];
        assertThat("words 130-250 must be seen", ModelTestSupport.maxAbsDiff(base, changedMiddle), greaterThan(1e-3));

        List<String> tail = new ArrayList<>(words);
        for (int i = 260; i < 300; i++) {
            tail.set(i, "zebra");
        }
        float[] changedTail = encoder.embed(List.of(String.join(" ", tail)), TextKind.PASSAGE)[0];
        assertThat("words after 254 are cut", ModelTestSupport.maxAbsDiff(base, changedTail), lessThan(1e-6));

        // the word pieces are not truncated
        assertEquals(300, encoder.wordPieces(String.join(" ", words)).size());
    }

    public void testMiniLmWordPieces() {
        Encoder encoder = registry.encoder("all-minilm-l6-v2");
        String text = "Héllo wörld 😀 中文 unbelievably";
        WordPieces pieces = encoder.wordPieces(text);
        List<String> covered = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            covered.add(text.substring(pieces.starts()[i], pieces.ends()[i]) + "/" + pieces.wordIds()[i]);
        }
        assertEquals(List.of("Héllo/0", "wörld/1", "😀/2", "中/3", "文/4", "un/5", "bel/5", "ie/5", "va/5", "bly/5"), covered);
    }

    /** The MiniLM tokenizer strips accents, so its word pieces end before combining marks: passages must not. */
    public void testMiniLmPassagesNeverSplitAGraphemeCluster() {
        Encoder encoder = registry.encoder("all-minilm-l6-v2");
        String cafe = "We met at the little cafe\u0301";
        assertEquals(List.of(new Passage(0, 0, cafe.length(), cafe)), new PassageSplitter(200, 32).split(cafe, encoder.wordPieces(cafe)));

        String text = String.join(" ", GraphemeClustersTests.NFD_WORDS) + " " + String.join(" ", GraphemeClustersTests.NFD_WORDS);
        for (int max = 1; max <= 8; max++) {
            for (Passage p : new PassageSplitter(max, max / 2).split(text, encoder.wordPieces(text))) {
                assertTrue("start inside a cluster: " + p, GraphemeClustersTests.isBoundary(text, p.start()));
                assertTrue("end inside a cluster: " + p, GraphemeClustersTests.isBoundary(text, p.end()));
                assertEquals(text.substring(p.start(), p.end()), p.text());
            }
        }
    }

    public void testBge() {
        Encoder encoder = registry.encoder("bge-small-en-v15");
        assertEquals(384, encoder.dimension());
        String question = "How do plants make food?";
        float[] query = encoder.embed(List.of(question), TextKind.QUERY)[0];
        float[] sameAsPassage = encoder.embed(List.of(question), TextKind.PASSAGE)[0];
        assertEquals(1.0, ModelTestSupport.norm(query), 1e-5);
        // the query prefix is applied to queries only
        assertThat(ModelTestSupport.maxAbsDiff(query, sameAsPassage), greaterThan(1e-3));
        float[][] passages = encoder.embed(
            List.of("Plants use photosynthesis to turn sunlight, water and carbon dioxide into sugar.", "The train leaves at noon from platform four."),
            TextKind.PASSAGE
        );
        assertThat(ModelTestSupport.dot(query, passages[0]), greaterThan(ModelTestSupport.dot(query, passages[1]) + 0.1));
    }

    private static final String PROSE = "The history of the printing press begins in the fifteenth century, when Johannes Gutenberg combined "
        + "movable metal type, oil-based inks and a wooden screw press into a practical system for producing books. Before his "
        + "invention, manuscripts were copied by hand, which made them expensive, rare and prone to errors. Within a few decades, "
        + "printing shops spread across Europe, and millions of volumes circulated among scholars, merchants and clergy. Historians "
        + "argue that cheaper books accelerated the Renaissance, the Reformation and the Scientific Revolution, because ideas could "
        + "travel faster than ever before and could be checked against identical copies. Newspapers, pamphlets and posters followed, "
        + "changing politics and commerce. Literacy rates rose slowly but steadily, and governments soon tried to license printers "
        + "and censor what they produced, with mixed success.";

    /** Not a benchmark: a rough figure for the report, logged. 200-word passages, batches of 16, 1 intra-op thread. */
    public void testMiniLmSpeed() {
        Encoder encoder = registry.encoder("all-minilm-l6-v2");
        String[] prose = PROSE.split(" ");
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 200; w++) {
                sb.append(prose[(i * 11 + w) % prose.length]).append(' ');
            }
            batch.add(sb.toString().trim());
        }
        int pieces = encoder.wordPieces(batch.get(0)).size();
        encoder.embed(batch, TextKind.PASSAGE); // warm up
        int rounds = 3;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            assertEquals(16, encoder.embed(batch, TextKind.PASSAGE).length);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // with one intra-op thread ONNX Runtime computes on the calling thread: its CPU time is the cost, whatever the load
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        logger.info(
            "MiniLM: {} passages of 200 words ({} word pieces, truncated at 256 tokens) in {} s wall, {} s CPU: {} passages/s, {} per CPU second",
            rounds * 16,
            pieces,
            seconds,
            cpuSeconds,
            rounds * 16 / seconds,
            rounds * 16 / cpuSeconds
        );
    }

    /**
     * The shipped readers: the project's BERTs built from DJL blocks (models/realm-reader-minilm, 6 layers, and
     * models/realm-reader-bge-small, 12) and their int8 ONNX exports (one of them the default), each tested alike.
     */
    private static final List<String> READERS = List.of(
        "realm-reader-minilm",
        "realm-reader-minilm-int8",
        "realm-reader-bge-small",
        "realm-reader-bge-small-int8"
    );

    public void testTheDefaultReaderIsOneOfThem() {
        assertTrue(READERS.contains(RealmSettings.DEFAULT_READER));
    }

    public void testReaderAnswersWithExactOffsets() {
        for (String id : READERS) {
            assertAnswersWithExactOffsets(registry.reader(id));
        }
    }

    public void testReaderAnswersWholeGraphemeClusters() {
        for (String id : READERS) {
            assertAnswersWholeGraphemeClusters(registry.reader(id));
        }
    }

    public void testReaderReadsLongPassageInWindows() {
        for (String id : READERS) {
            assertReadsLongPassageInWindows(registry.reader(id));
        }
    }

    public void testReaderFindsUnrelatedPassageLessAnswerable() {
        for (String id : READERS) {
            assertFindsUnrelatedPassageLessAnswerable(registry.reader(id));
        }
    }

    /** Easy answers, exact offsets. */
    private static void assertAnswersWithExactOffsets(Reader reader) {
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

    /** The reader's tokenizer strips the diaeresis of a decomposed "Zoë": the answer keeps it. */
    private static void assertAnswersWholeGraphemeClusters(Reader reader) {
        String passage = "This year the prize was Zoe\u0308. She beat everyone.";
        Span best = reader.read("Who won the prize?", List.of(passage), 30, 1).get(0).spans().get(0);
        assertEquals("Zoe\u0308", best.text());
        assertEquals(passage.indexOf("Zoe"), best.start());
        assertEquals(passage.indexOf('.'), best.end());
    }

    private static void assertReadsLongPassageInWindows(Reader reader) {
        String filler = "The committee met again to discuss the budget of the next year and adjourned without a decision. ".repeat(40);
        String passage = filler + "The treaty was signed in Lisbon in 2007. " + filler;
        Span best = reader.read("Where was the treaty signed?", List.of(passage), 30, 1).get(0).spans().get(0);
        assertEquals("Lisbon", best.text());
        assertEquals(passage.indexOf("Lisbon"), best.start());
        assertThat(best.start(), greaterThan(2000)); // past the first window
    }

    private static void assertFindsUnrelatedPassageLessAnswerable(Reader reader) {
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
