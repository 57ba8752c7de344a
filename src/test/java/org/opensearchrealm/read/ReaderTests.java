/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.common.settings.Settings;
import org.opensearchrealm.answer.Answer;
import org.opensearchrealm.answer.AnswerNormalizer;
import org.opensearchrealm.answer.AnswerPassage;
import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.model.QaModel;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.model.QaTokenizer.Window;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.model.Reader.Span;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.settings.ModelSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * The reader end to end on the tiny QA fixtures: loading through the registry on both engines, the reference logits,
 * windows with a stride, span offsets, answers, and many threads sharing one reader.
 */
public class ReaderTests extends ReaderFixtureTestCase {

    /** PyTorch's logits for the reference pair are reproduced by both engines, with the same tokens. */
    public void testReferenceLogits() throws Exception {
        Map<String, Object> expected = ReadTestSupport.json(ModelTestSupport.fixtures().resolve("expected-qa.json"));
        long[] ids = ReadTestSupport.longs(expected.get("ids"));
        long[] types = ReadTestSupport.longs(expected.get("type_ids"));
        float[] start = ReadTestSupport.floats(expected.get("start_logits"));
        float[] end = ReadTestSupport.floats(expected.get("end_logits"));
        ModelRegistry models = registry("tiny-qa-onnx", "tiny-qa-pt");
        for (String id : List.of("tiny-qa-onnx", "tiny-qa-pt")) {
            ExtractiveReader reader = (ExtractiveReader) models.reader(id);
            assertTrue(models.isLoaded(id));
            assertSame(reader, models.reader(id));
            List<Window> windows = reader.tokenizer().windows((String) expected.get("question"), (String) expected.get("passage"));
            assertEquals(1, windows.size());
            Window w = windows.get(0);
            assertArrayEquals(ids, w.ids());
            assertArrayEquals(types, w.typeIds());
            long[][] mask = { new long[ids.length] };
            Arrays.fill(mask[0], 1L);
            float[][][] logits = reader.model().logits(new long[][] { ids }, mask, new long[][] { types });
            assertEquals(1, logits.length);
            assertThat(id, maxAbsDiff(start, logits[0][0]), lessThan(1e-4));
            assertThat(id, maxAbsDiff(end, logits[0][1]), lessThan(1e-4));
            // padded in a batch with a longer row: the same logits for the real tokens
            int longer = ids.length + 7;
            long[][] batchIds = { Arrays.copyOf(ids, longer), new long[longer] };
            long[][] batchMask = { Arrays.copyOf(mask[0], longer), new long[longer] };
            long[][] batchTypes = { Arrays.copyOf(types, longer), new long[longer] };
            Arrays.fill(batchIds[1], 7L);
            Arrays.fill(batchMask[1], 1L);
            float[][][] padded = reader.model().logits(batchIds, batchMask, batchTypes);
            assertThat(id, maxAbsDiff(start, Arrays.copyOf(padded[0][0], ids.length)), lessThan(1e-4));
            assertThat(id, maxAbsDiff(end, Arrays.copyOf(padded[0][1], ids.length)), lessThan(1e-4));
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** TorchScript and ONNX give the same readings; batching many passages changes nothing. */
    public void testEnginesAgreeAndBatchingChangesNothing() {
        ModelRegistry models = registry(Settings.builder().put(ModelSettings.MAX_BATCH_SIZE.getKey(), 2).build(), "tiny-qa-onnx", "tiny-qa-pt");
        String question = "Where did the cat sit?";
        List<String> passages = List.of(
            "The dog ran in the park, and the cat sat on the red mat.",
            "",
            String.join(" ", Collections.nCopies(30, "the big tree by the water")) + " and the moon.",
            "Café 中文 😀 tea",
            "sun"
        );
        List<PassageReading> onnx = models.reader("tiny-qa-onnx").read(question, passages, 5, 4);
        List<PassageReading> pt = models.reader("tiny-qa-pt").read(question, passages, 5, 4);
        assertEquals(passages.size(), onnx.size());
        for (int i = 0; i < passages.size(); i++) {
            assertReadingsEqual("passage " + i, onnx.get(i), pt.get(i), 1e-4);
            PassageReading single = models.reader("tiny-qa-onnx").read(question, List.of(passages.get(i)), 5, 4).get(0);
            assertReadingsEqual("passage " + i + " alone", single, onnx.get(i), 1e-5);
        }
        assertEquals(List.of(), onnx.get(1).spans());
        assertEquals(1.0, onnx.get(1).noAnswerProbability(), 0);
        assertEquals(List.of(), models.reader("tiny-qa-onnx").read(question, List.of(), 5, 4));
    }

    /** A batch holds windows of one length, max_batch_size at most: nothing is ever padded, and the readings are the same. */
    public void testBatchesHoldWindowsOfOneLength() {
        ModelRegistry models = registry(Settings.builder().put(ModelSettings.MAX_BATCH_SIZE.getKey(), 2).build(), "tiny-qa-onnx");
        ExtractiveReader tiny = (ExtractiveReader) models.reader("tiny-qa-onnx");
        List<long[][]> masks = Collections.synchronizedList(new ArrayList<>());
        QaModel recording = new QaModel() {
            @Override
            public float[][][] logits(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
                masks.add(attentionMask);
                return tiny.model().logits(inputIds, attentionMask, tokenTypeIds);
            }

            @Override
            public void close() {}
        };
        ExtractiveReader reader = new ExtractiveReader("recording", tiny.tokenizer(), recording, 2);
        String question = "Where did the cat sit?";
        String same = "The cat sat on the mat.";
        List<String> passages = List.of(
            same,
            "The dog ran in the park, and the cat sat on the red mat.",
            same,
            same,
            String.join(" ", Collections.nCopies(30, "the big tree by the water")) + " and the moon."
        );
        List<PassageReading> got = reader.read(question, passages, 5, 4);

        int windows = passages.stream().mapToInt(p -> tiny.tokenizer().windows(question, p).size()).sum();
        assertEquals(windows, masks.stream().mapToInt(m -> m.length).sum());
        for (long[][] mask : masks) {
            assertThat(mask.length, lessThanOrEqualTo(2));
            for (long[] row : mask) {
                assertEquals("no padding", row.length, Arrays.stream(row).sum());
                assertEquals("one length a batch", mask[0].length, row.length);
            }
        }
        assertTrue("windows of one length share a batch", masks.stream().anyMatch(m -> m.length == 2));
        List<PassageReading> expected = tiny.read(question, passages, 5, 4);
        for (int i = 0; i < passages.size(); i++) {
            assertReadingsEqual("passage " + i, got.get(i), expected.get(i), 1e-6);
        }
    }

    private static void assertReadingsEqual(String what, PassageReading a, PassageReading b, double tolerance) {
        assertEquals(what, a.noAnswerProbability(), b.noAnswerProbability(), tolerance);
        assertEquals(what, a.spans().size(), b.spans().size());
        for (int i = 0; i < a.spans().size(); i++) {
            Span x = a.spans().get(i);
            Span y = b.spans().get(i);
            assertEquals(what, x.probability(), y.probability(), tolerance);
            // ties aside, the same spans in the same order
            if (i + 1 >= a.spans().size() || Math.abs(a.spans().get(i + 1).probability() - x.probability()) > 1e-3) {
                assertEquals(what, x.start(), y.start());
                assertEquals(what, x.end(), y.end());
                assertEquals(what, x.text(), y.text());
            }
        }
    }

    /** Readings are probabilities: spans and passages in range, exact offsets, the length limit respected. */
    public void testReadingInvariants() throws Exception {
        ModelRegistry models = registry("tiny-qa-onnx");
        ExtractiveReader reader = (ExtractiveReader) models.reader("tiny-qa-onnx");
        String passage = "Naïve café owners 😀 sat by the big tree; the dog ran in the park and the bird flew to the moon. "
            + String.join(" ", Collections.nCopies(20, "the red fish swim in the blue water"))
            + " x\uD835\uDC00y the end.";
        String question = "who sat by the tree?";
        for (int max : new int[] { 1, 2, 3, 7 }) {
            PassageReading r = reader.read(question, List.of(passage), max, 20).get(0);
            assertEquals(20, r.spans().size());
            assertTrue(r.noAnswerProbability() >= 0 && r.noAnswerProbability() <= 1);
            for (Span s : r.spans()) {
                assertEquals(passage.substring(s.start(), s.end()), s.text());
                assertTrue(s.probability() > 0 && s.probability() <= 1);
                assertThat(pieces(reader.tokenizer(), passage, s), lessThanOrEqualTo(max));
                // no span starts or ends inside a surrogate pair
                assertFalse(Character.isLowSurrogate(passage.charAt(s.start())));
                assertFalse(s.end() < passage.length() && Character.isLowSurrogate(passage.charAt(s.end())));
            }
        }
        // per window, with every span counted: p(no answer) + sum of p(span) <= 1
        List<Window> windows = reader.tokenizer().windows(question, passage);
        assertThat(windows.size(), greaterThan(3));
        for (Window w : windows) {
            long[][] mask = { new long[w.length()] };
            Arrays.fill(mask[0], 1L);
            float[][][] logits = reader.model().logits(new long[][] { w.ids() }, mask, new long[][] { w.typeIds() });
            SpanDecoder.WindowReading all = SpanDecoder.window(logits[0][0], logits[0][1], w, 1000, 1_000_000);
            double sum = all.noAnswerProbability();
            for (SpanDecoder.Candidate c : all.spans()) {
                sum += c.probability();
            }
            assertThat(sum, lessThanOrEqualTo(1.0 + 1e-9));
            assertThat(sum, greaterThan(0.0));
        }
    }

    /** How many word pieces of the passage the span covers. */
    private static int pieces(QaTokenizer tokenizer, String passage, Span span) {
        int count = 0;
        for (Window w : tokenizer.windows("q", passage)) {
            int inWindow = 0;
            for (int t = 0; t < w.length(); t++) {
                if (w.inPassage(t) && w.starts()[t] >= span.start() && w.ends()[t] <= span.end()) {
                    inWindow++;
                }
            }
            count = Math.max(count, inWindow);
        }
        return count;
    }

    /** Windows hold at most max_tokens, share doc_stride passage tokens, and cover the whole passage. */
    public void testWindows() throws Exception {
        try (QaTokenizer tokenizer = ReadTestSupport.tokenizer(64, 16, 16)) {
            assertEquals(3, tokenizer.pairSpecialTokens());
            String passage = String.join(" ", Collections.nCopies(150, "the cat sat")) + " 😀 moon";
            List<Window> windows = tokenizer.windows("is the cat on the mat?", passage);
            List<Integer> firstStarts = new ArrayList<>();
            int covered = 0;
            for (int i = 0; i < windows.size(); i++) {
                Window w = windows.get(i);
                assertThat(w.length(), lessThanOrEqualTo(64));
                assertEquals(2, w.ids()[0]); // [CLS]
                assertEquals(3, w.ids()[w.length() - 1]); // [SEP]
                List<Integer> starts = new ArrayList<>();
                for (int t = 0; t < w.length(); t++) {
                    if (w.inPassage(t)) {
                        starts.add(w.starts()[t]);
                        assertEquals(1, w.typeIds()[t]);
                    } else if (t < 9) {
                        assertEquals(0, w.typeIds()[t]);
                    }
                }
                if (i > 0) {
                    // the previous window's last 16 passage tokens start this one
                    List<Integer> previous = passageStarts(windows.get(i - 1));
                    assertEquals(previous.subList(previous.size() - 16, previous.size()), starts.subList(0, 16));
                }
                firstStarts.add(starts.get(0));
                covered = Math.max(covered, w.ends()[lastPassageToken(w)]);
            }
            assertEquals(passage.length(), covered);
            assertEquals(150 * 3 + 2, windows.stream().mapToInt(w -> passageStarts(w).size()).sum() - 16 * (windows.size() - 1));
            // [CLS] + 7 question pieces ("is the cat on the mat ?") + [SEP] + passage + [SEP]: 54 passage tokens
            assertEquals(54, passageStarts(windows.get(0)).size());
            for (int i = 1; i < firstStarts.size(); i++) {
                assertThat(firstStarts.get(i), greaterThan(firstStarts.get(i - 1)));
            }
            // a question longer than max_question_tokens is cut; the windows still hold more than doc_stride passage tokens
            String longQuestion = String.join(" ", Collections.nCopies(100, "cat"));
            assertEquals(String.join(" ", Collections.nCopies(16, "cat")), tokenizer.question(longQuestion));
            for (Window w : tokenizer.windows(longQuestion, passage)) {
                assertThat(w.length(), lessThanOrEqualTo(64));
                assertThat(passageStarts(w).size(), greaterThan(16));
            }
            assertEquals(List.of(), tokenizer.windows("question", ""));
            assertEquals(List.of(), tokenizer.windows("question", " \n\t "));
            assertEquals(1, tokenizer.windows("", "cat").size());
        }
        // a stride the windows have no room for is refused
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> ReadTestSupport.tokenizer(64, 45, 16));
        assertThat(e.getMessage(), containsString("doc_stride [45] must be smaller than max_tokens - max_question_tokens - special tokens = 64 - 16 - 3 = 45"));
    }

    private static List<Integer> passageStarts(Window w) {
        List<Integer> starts = new ArrayList<>();
        for (int t = 0; t < w.length(); t++) {
            if (w.inPassage(t)) {
                starts.add(w.starts()[t]);
            }
        }
        return starts;
    }

    private static int lastPassageToken(Window w) {
        for (int t = w.length() - 1; t >= 0; t--) {
            if (w.inPassage(t)) {
                return t;
            }
        }
        throw new AssertionError("no passage token");
    }

    /**
     * The deterministic reader (logits by token: start "moon" 9, "big" 7, "red" 4; end "moon" 9, "dog" 7, "tree" 5;
     * [CLS] 3 and 3) finds a span near the end of a long passage, with exact offsets after accents and emoji.
     */
    public void testSpanNearTheEndOfALongPassage() {
        ModelRegistry models = registry("tiny-qa-pick");
        Reader reader = models.reader("tiny-qa-pick");
        String filler = String.join(" ", Collections.nCopies(60, "Café 😀 naïve x\uD835\uDC00y sat on a mat,"));
        String passage = filler + " and then the Moon rose.";
        PassageReading r = reader.read("what rose?", List.of(passage), 30, 3).get(0);
        Span best = r.spans().get(0);
        assertEquals("Moon", best.text());
        assertEquals(passage.lastIndexOf("Moon"), best.start());
        assertEquals(passage.lastIndexOf("Moon") + 4, best.end());
        assertEquals(9.0, best.startLogit(), 1e-6);
        assertEquals(9.0, best.endLogit(), 1e-6);
        // the window with the moon: its softmax over [CLS] and its passage tokens
        assertThat(best.probability(), greaterThan(0.5));
        // the smallest no-answer probability is the moon's window's, far below the others'
        assertThat(r.noAnswerProbability(), lessThan(0.01));
        PassageReading fillerOnly = reader.read("what rose?", List.of(filler), 30, 3).get(0);
        assertThat(fillerOnly.noAnswerProbability(), greaterThan(10 * r.noAnswerProbability()));
    }

    /** The longest answer limits which spans compete. */
    public void testMaxAnswerTokensDecidesTheSpan() {
        ModelRegistry models = registry("tiny-qa-pick");
        Reader reader = models.reader("tiny-qa-pick");
        String passage = "The big red dog sat under the moon.";
        // moon..moon 18; big..moon (7 tokens) 16; big..dog 14; red..moon 13; red..dog 11
        List<Span> spans = reader.read("q", List.of(passage), 30, 3).get(0).spans();
        assertEquals(List.of("moon", "big red dog sat under the moon", "big red dog"), spans.stream().map(Span::text).toList());
        assertEquals(List.of("moon", "big red dog", "red dog"), reader.read("q", List.of(passage), 6, 3).get(0).spans().stream().map(Span::text).toList());
        // big..big and dog..dog tie (e^7 / (Z_start * Z_end) each): the earlier span first
        assertEquals(List.of("moon", "big", "dog"), reader.read("q", List.of(passage), 1, 3).get(0).spans().stream().map(Span::text).toList());
        // the softmax is over [CLS] and the passage tokens: p(moon) = p_start(moon) * p_end(moon)
        Map<Long, Double> startTable = Map.of(37L, 9.0, 27L, 7.0, 25L, 4.0); // moon, big, red
        Map<Long, Double> endTable = Map.of(37L, 9.0, 8L, 7.0, 38L, 5.0); // moon, dog, tree
        Window w = ((ExtractiveReader) reader).tokenizer().windows("q", passage).get(0);
        double zStart = Math.exp(3);
        double zEnd = Math.exp(3);
        for (int t = 0; t < w.length(); t++) {
            if (w.inPassage(t)) {
                zStart += Math.exp(startTable.getOrDefault(w.ids()[t], 0.0));
                zEnd += Math.exp(endTable.getOrDefault(w.ids()[t], 0.0));
            }
        }
        assertEquals(Math.exp(9) / zStart * Math.exp(9) / zEnd, spans.get(0).probability(), 1e-6);
        assertEquals(Math.exp(3) / zStart * Math.exp(3) / zEnd, reader.read("q", List.of(passage), 30, 3).get(0).noAnswerProbability(), 1e-6);
    }

    /** The reader and the answer scorer together, as _realm will use them. */
    public void testAnswersEndToEnd() {
        ModelRegistry models = registry("tiny-qa-pick");
        Reader reader = models.reader("tiny-qa-pick");
        String sourceA = "Intro text. The moon rose over the big dog. End.";
        String sourceB = "Later, the Moon set.";
        // passage 1 of doc a starts at offset 12 of its source
        String passageA = sourceA.substring(12, 43);
        List<RetrievedPassage> passages = List.of(
            new RetrievedPassage("kb", "a", 1, passageA, 12, 43, 0.6f),
            new RetrievedPassage("kb", "b", 0, sourceB, 0, sourceB.length(), 0.5f)
        );
        List<PassageReading> readings = reader.read("what rose?", passages.stream().map(RetrievedPassage::text).toList(), 30, 5);
        Answers answers = new AnswerScorer(2, 1.0, 1.0, false).score(passages, readings);
        Answer moon = answers.answers().get(0);
        assertEquals("moon", AnswerNormalizer.normalize(moon.text()));
        // "moon" and "The moon" in a, "Moon" and "the Moon" in b: one answer
        assertEquals(Set.of("a", "b"), moon.passages().stream().map(AnswerPassage::id).collect(Collectors.toSet()));
        assertThat(moon.passages().size(), greaterThan(2));
        for (AnswerPassage p : moon.passages()) {
            String source = p.id().equals("a") ? sourceA : sourceB;
            assertEquals("moon", AnswerNormalizer.normalize(source.substring(p.start(), p.end())));
            assertEquals(p.id().equals("a") ? 1 : 0, p.passage());
        }
        assertThat(moon.probability(), greaterThan(answers.answers().get(1).probability()));
        assertTrue(answers.noAnswerProbability() > 0 && answers.noAnswerProbability() < 1);
    }

    /** Many threads share one reader, loaded once. */
    public void testConcurrentReads() throws Exception {
        ModelRegistry models = registry("tiny-qa-onnx", "tiny-qa-pt");
        List<String> passages = List.of("the dog ran in the park", "the cat sat on the red mat and the bird flew", "moon");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<PassageReading>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = QA.get(i % 2);
                futures.add(pool.submit(() -> {
                    List<PassageReading> last = null;
                    for (int j = 0; j < 3; j++) {
                        last = models.reader(id).read("where is the cat?", passages, 30, 2);
                    }
                    return last;
                }));
            }
            for (int i = 2; i < futures.size(); i++) {
                assertEquals(futures.get(i % 2).get(), futures.get(i).get());
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
