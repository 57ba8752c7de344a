/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.answer;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.model.Reader.Span;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/** REALM's marginal answer scores, on hand-made readings. */
public class AnswerScorerTests extends OpenSearchTestCase {

    private static final String A = "The Moon orbits the Earth. The moon is bright.";
    private static final String B = "Sailors watched the moon rise over the sea.";
    private static final String C = "Nothing to see here.";

    private static RetrievedPassage passage(String id, int number, String text, int start, float score) {
        return new RetrievedPassage("kb", id, number, text, start, start + text.length(), score);
    }

    private static Span span(String passage, String text, int occurrence, double p) {
        int start = -1;
        for (int i = 0; i <= occurrence; i++) {
            start = passage.indexOf(text, start + 1);
        }
        assertTrue(text, start >= 0);
        return new Span(start, start + text.length(), text, p, 1.0, 2.0);
    }

    private static double[] softmax(double... x) {
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i]);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    public void testPassageProbabilities() {
        List<RetrievedPassage> passages = List.of(passage("a", 0, A, 0, 0.8f), passage("b", 0, B, 0, 0.5f), passage("c", 0, C, 0, -0.2f));
        double[] p = AnswerScorer.passageProbabilities(passages, 1.0);
        double[] expected = softmax(0.8f, 0.5f, -0.2f);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], p[i], 1e-12);
        }
        double[] sharp = AnswerScorer.passageProbabilities(passages, 0.05);
        double[] expectedSharp = softmax(0.8f / 0.05, 0.5f / 0.05, -0.2f / 0.05);
        for (int i = 0; i < 3; i++) {
            assertEquals(expectedSharp[i], sharp[i], 1e-12);
        }
        assertTrue(sharp[0] > 0.99);
        // inner products of unit vectors at temperature 1: close to uniform
        assertTrue(p[0] < 0.5);
        // very sharp: no overflow
        double[] extreme = AnswerScorer.passageProbabilities(passages, 1e-6);
        assertEquals(1.0, extreme[0], 1e-12);
        assertEquals(0, AnswerScorer.passageProbabilities(List.of(), 1.0).length);
        expectThrows(IllegalArgumentException.class, () -> AnswerScorer.passageProbabilities(List.of(passage("x", 0, C, 0, Float.NaN)), 1.0));
    }

    public void testPassagesToReadHoldTheReadMass() {
        List<RetrievedPassage> passages = List.of(passage("a", 0, A, 0, 0.8f), passage("b", 0, B, 0, 0.5f), passage("c", 0, C, 0, -0.2f));
        double[] p = softmax(0.8f, 0.5f, -0.2f); // ~0.474, 0.351, 0.174
        assertEquals("all of them at 1", 3, AnswerScorer.passagesToRead(passages, 1.0, 1.0));
        assertEquals("the first always", 1, AnswerScorer.passagesToRead(passages, 1.0, 0.0));
        assertEquals(1, AnswerScorer.passagesToRead(passages, 1.0, p[0]));
        assertEquals(2, AnswerScorer.passagesToRead(passages, 1.0, p[0] + 0.01));
        assertEquals(2, AnswerScorer.passagesToRead(passages, 1.0, 0.8));
        assertEquals(3, AnswerScorer.passagesToRead(passages, 1.0, 0.83));
        assertEquals("a sharp softmax: the first holds 99.7%", 1, AnswerScorer.passagesToRead(passages, 0.05, 0.98));
        assertEquals(0, AnswerScorer.passagesToRead(List.of(), 0.1, 0.98));
    }

    public void testMergesNormalisedTextAcrossPassages() {
        // A is passage 3 of doc "a", starting at offset 100 of the source field; B passage 0 of "b"
        List<RetrievedPassage> passages = List.of(passage("a", 3, A, 100, 0.8f), passage("b", 0, B, 0, 0.5f), passage("c", 0, C, 7, 0.1f));
        List<PassageReading> readings = List.of(
            new PassageReading(List.of(span(A, "The Moon", 0, 0.5), span(A, "moon", 0, 0.2), span(A, "Earth", 0, 0.1)), 0.1),
            new PassageReading(List.of(span(B, "the moon", 0, 0.6), span(B, "the sea", 0, 0.3)), 0.05),
            new PassageReading(List.of(span(C, ".", 0, 0.3)), 0.6)
        );
        Answers result = new AnswerScorer(3, 1.0, 1.0, false).score(passages, readings);
        double[] pz = softmax(0.8f, 0.5f, 0.1f);

        Answer moon = result.answers().get(0);
        // "The Moon", "moon" and "the moon" are one answer
        assertEquals(pz[0] * 0.5 + pz[0] * 0.2 + pz[1] * 0.6, moon.probability(), 1e-12);
        // its text is that of the most probable span: pz[1] * 0.6 > pz[0] * 0.5
        assertEquals(pz[1] * 0.6 > pz[0] * 0.5 ? "the moon" : "The Moon", moon.text());
        assertEquals(3, moon.passages().size());
        // supporting spans, most probable first, offsets in the source field
        int theMoonInA = A.indexOf("The Moon");
        int moonInA = A.indexOf("moon");
        int moonInB = B.indexOf("the moon");
        List<AnswerPassage> expectedSupport = new ArrayList<>(
            List.of(
                new AnswerPassage("kb", "b", 0, moonInB, moonInB + 8),
                new AnswerPassage("kb", "a", 3, 100 + theMoonInA, 100 + theMoonInA + 8),
                new AnswerPassage("kb", "a", 3, 100 + moonInA, 100 + moonInA + 4)
            )
        );
        if (pz[0] * 0.5 > pz[1] * 0.6) {
            expectedSupport.add(0, expectedSupport.remove(1));
        }
        assertEquals(expectedSupport, moon.passages());
        AnswerPassage inA = moon.passages().stream().filter(p -> p.id().equals("a") && p.end() - p.start() == 8).findFirst().orElseThrow();
        String source = " ".repeat(100) + A;
        assertEquals("The Moon", source.substring(inA.start(), inA.end()));

        assertEquals("the sea", result.answers().get(1).text());
        assertEquals(pz[1] * 0.3, result.answers().get(1).probability(), 1e-12);
        assertEquals("Earth", result.answers().get(2).text());
        // "." normalises to nothing: never an answer
        assertEquals(3, result.answers().size());
        assertEquals(pz[0] * 0.1 + pz[1] * 0.05 + pz[2] * 0.6, result.noAnswerProbability(), 1e-12);
        assertFalse(result.noAnswer());
        assertEquals(List.of(), result.explanations());

        // fewer answers
        Answers one = new AnswerScorer(1, 1.0, 1.0, false).score(passages, readings);
        assertEquals(List.of(moon), one.answers());
        // the answers are ordered by probability
        for (int i = 1; i < result.answers().size(); i++) {
            assertTrue(result.answers().get(i).probability() <= result.answers().get(i - 1).probability());
        }
    }

    /** A letter with its accent written as one code point (NFC) or as letter + combining mark (NFD) is one answer. */
    public void testMergesComposedAndDecomposedSpellings() {
        String composed = "The prize went to Zo\u00eb.";
        String decomposed = "Zoe\u0308 won the prize.";
        List<RetrievedPassage> passages = List.of(passage("a", 0, composed, 0, 0.5f), passage("b", 0, decomposed, 0, 0.5f));
        List<PassageReading> readings = List.of(
            new PassageReading(List.of(span(composed, "Zo\u00eb", 0, 0.4)), 0.1),
            new PassageReading(List.of(span(decomposed, "Zoe\u0308", 0, 0.3), span(decomposed, "prize", 0, 0.35)), 0.1)
        );
        Answers result = new AnswerScorer(3, 1.0, 1.0, false).score(passages, readings);
        Answer zoe = result.answers().get(0);
        assertEquals("Zo\u00eb", zoe.text()); // as written in its most probable span
        assertEquals(0.5 * 0.4 + 0.5 * 0.3, zoe.probability(), 1e-12);
        assertEquals(List.of("a", "b"), zoe.passages().stream().map(AnswerPassage::id).toList());
        assertEquals(List.of("Zo\u00eb", "prize"), result.answers().stream().map(Answer::text).toList());
    }

    public void testTemperatureChangesTheWinner() {
        // passage a has the best retrieval score but a weak span; b the opposite
        List<RetrievedPassage> passages = List.of(passage("a", 0, A, 0, 0.9f), passage("b", 0, B, 0, 0.3f));
        List<PassageReading> readings = List.of(
            new PassageReading(List.of(span(A, "Earth", 0, 0.2)), 0.1),
            new PassageReading(List.of(span(B, "the sea", 0, 0.5)), 0.1)
        );
        assertEquals("the sea", new AnswerScorer(3, 1.0, 1.0, false).score(passages, readings).answers().get(0).text());
        assertEquals("Earth", new AnswerScorer(3, 0.1, 1.0, false).score(passages, readings).answers().get(0).text());
    }

    public void testNoAnswerThreshold() {
        List<RetrievedPassage> passages = List.of(passage("a", 0, A, 0, 0.5f), passage("c", 0, C, 0, 0.5f));
        List<PassageReading> readings = List.of(
            new PassageReading(List.of(span(A, "Earth", 0, 0.2)), 0.7),
            new PassageReading(List.of(), 0.9)
        );
        Answers guess = new AnswerScorer(3, 1.0, 1.0, false).score(passages, readings);
        assertEquals(0.8, guess.noAnswerProbability(), 1e-12);
        assertFalse(guess.noAnswer());
        assertEquals("Earth", guess.answers().get(0).text());
        assertEquals(0.1, guess.answers().get(0).probability(), 1e-12);

        Answers none = new AnswerScorer(3, 1.0, 0.75, false).score(passages, readings);
        assertTrue(none.noAnswer());
        assertEquals(List.of(), none.answers());
        assertEquals(0.8, none.noAnswerProbability(), 1e-12);
        assertFalse(new AnswerScorer(3, 1.0, 0.8, false).score(passages, readings).noAnswer());

        // nothing retrieved: no answer, with probability 1
        Answers empty = AnswerScorer.defaults().score(List.of(), List.of());
        assertTrue(empty.noAnswer());
        assertEquals(1.0, empty.noAnswerProbability(), 0);
        // passages without spans: no answer whatever the threshold
        Answers spanless = AnswerScorer.defaults().score(List.of(passages.get(1)), List.of(readings.get(1)));
        assertTrue(spanless.noAnswer());
        assertEquals(0.9, spanless.noAnswerProbability(), 1e-12);
    }

    public void testProbabilityIsCappedAtOne() {
        // one text read twice in one passage (two windows) with high confidence
        List<RetrievedPassage> passages = List.of(passage("a", 0, A, 0, 0.5f));
        List<PassageReading> readings = List.of(new PassageReading(List.of(span(A, "moon", 0, 0.9), span(A, "Moon", 0, 0.8)), 0.01));
        assertEquals(1.0, AnswerScorer.defaults().score(passages, readings).answers().get(0).probability(), 0);
    }

    public void testExplanations() {
        List<RetrievedPassage> passages = List.of(passage("a", 2, A, 50, 0.7f), passage("c", 0, C, 0, 0.2f));
        List<PassageReading> readings = List.of(new PassageReading(List.of(span(A, "Earth", 0, 0.4)), 0.3), new PassageReading(List.of(), 1.0));
        Answers result = new AnswerScorer(3, 1.0, 1.0, true).score(passages, readings);
        double[] pz = softmax(0.7f, 0.2f);
        assertEquals(2, result.explanations().size());
        PassageExplanation e = result.explanations().get(0);
        assertEquals("a", e.id());
        assertEquals(2, e.passage());
        assertEquals(0.7f, e.score(), 0);
        assertEquals(pz[0], e.passageProbability(), 1e-12);
        assertEquals(0.3, e.noAnswerProbability(), 0);
        Span earth = e.spans().get(0);
        assertEquals(50 + A.indexOf("Earth"), earth.start());
        assertEquals("Earth", earth.text());
        assertEquals(0.4, earth.probability(), 0);
        assertEquals(List.of(), result.explanations().get(1).spans());
    }

    public void testBadArguments() {
        expectThrows(IllegalArgumentException.class, () -> new AnswerScorer(0, 1.0, 1.0, false));
        expectThrows(IllegalArgumentException.class, () -> new AnswerScorer(3, 0.0, 1.0, false));
        expectThrows(IllegalArgumentException.class, () -> new AnswerScorer(3, Double.NaN, 1.0, false));
        expectThrows(IllegalArgumentException.class, () -> new AnswerScorer(3, Double.POSITIVE_INFINITY, 1.0, false));
        expectThrows(IllegalArgumentException.class, () -> new AnswerScorer(3, 1.0, 1.5, false));
        expectThrows(IllegalArgumentException.class, () -> new AnswerScorer(3, 1.0, Double.NaN, false));
        IllegalArgumentException sizes = expectThrows(
            IllegalArgumentException.class,
            () -> AnswerScorer.defaults().score(List.of(passage("a", 0, A, 0, 0.1f)), List.of())
        );
        assertThat(sizes.getMessage(), containsString("1 passages but 0 readings"));
        IllegalArgumentException outside = expectThrows(
            IllegalArgumentException.class,
            () -> AnswerScorer.defaults().score(List.of(passage("c", 0, C, 0, 0.1f)), List.of(new PassageReading(List.of(new Span(5, 500, "x", 0.1, 0, 0)), 0.1)))
        );
        assertThat(outside.getMessage(), containsString("lies outside passage [0]"));
    }

    private static <T extends org.opensearch.core.common.io.stream.Writeable> T roundTrip(
        T value,
        org.opensearch.core.common.io.stream.Writeable.Reader<T> reader
    ) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            value.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                T read = reader.read(in);
                assertEquals(0, in.available());
                return read;
            }
        }
    }

    private static Map<String, Object> render(ToXContent value, boolean fragment) throws IOException {
        XContentBuilder builder = JsonXContent.contentBuilder();
        if (fragment) {
            builder.startObject();
        }
        value.toXContent(builder, ToXContent.EMPTY_PARAMS);
        if (fragment) {
            builder.endObject();
        }
        return XContentHelper.convertToMap(BytesReference.bytes(builder), true, MediaTypeRegistry.JSON).v2();
    }

    public void testSerialisationAndRendering() throws IOException {
        List<RetrievedPassage> passages = List.of(passage("a", 3, A, 100, 0.8f), passage("b", 0, B, 0, 0.5f));
        List<PassageReading> readings = List.of(
            new PassageReading(List.of(span(A, "The Moon", 0, 0.5), span(A, "Earth", 0, 0.1)), 0.1),
            new PassageReading(List.of(span(B, "the moon", 0, 0.6)), 0.05)
        );
        Answers result = new AnswerScorer(3, 1.0, 1.0, true).score(passages, readings);
        assertEquals(result, roundTrip(result, Answers::new));
        assertEquals(result.answers().get(0), roundTrip(result.answers().get(0), Answer::new));
        assertEquals(readings.get(0), roundTrip(readings.get(0), PassageReading::new));
        assertEquals(readings.get(0).spans().get(0), roundTrip(readings.get(0).spans().get(0), Span::new));

        Map<String, Object> map = render(result, true);
        assertEquals(List.of("answers", "no_answer_probability", "no_answer", "reading"), new ArrayList<>(map.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) map.get("answers")).get(0);
        assertEquals(List.of("text", "probability", "passages"), new ArrayList<>(first.keySet()));
        assertEquals(result.answers().get(0).text(), first.get("text"));
        assertEquals(result.answers().get(0).probability(), ((Number) first.get("probability")).doubleValue(), 0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> support = (List<Map<String, Object>>) first.get("passages");
        AnswerPassage p = result.answers().get(0).passages().get(0);
        assertEquals(Map.of("_index", "kb", "_id", p.id(), "passage", p.passage(), "start", p.start(), "end", p.end()), support.get(0));
        assertEquals(false, map.get("no_answer"));
        @SuppressWarnings("unchecked")
        Map<String, Object> reading = ((List<Map<String, Object>>) map.get("reading")).get(0);
        assertEquals(
            List.of("_index", "_id", "passage", "score", "passage_probability", "no_answer_probability", "spans"),
            new ArrayList<>(reading.keySet())
        );
        @SuppressWarnings("unchecked")
        Map<String, Object> spanMap = ((List<Map<String, Object>>) reading.get("spans")).get(0);
        assertEquals(List.of("text", "probability", "start", "end", "start_logit", "end_logit"), new ArrayList<>(spanMap.keySet()));
        assertEquals(100 + A.indexOf("The Moon"), spanMap.get("start"));

        // without explanations there is no "reading"
        Map<String, Object> plain = render(new AnswerScorer(3, 1.0, 1.0, false).score(passages, readings), true);
        assertFalse(plain.containsKey("reading"));
    }
}
