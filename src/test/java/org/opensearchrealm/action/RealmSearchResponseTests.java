/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.common.Strings;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.action.RealmSearchResponse.Reading;
import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.model.Reader.Span;
import org.opensearchrealm.read.ReaderError;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.util.List;
import java.util.Map;

/** How {@code _realm} renders passages, answers, explanations and reader errors, and how its response travels. */
public class RealmSearchResponseTests extends OpenSearchTestCase {

    private static final String SOURCE = "Etna. Mount Etna is in Sicily.";
    private static final List<RetrievedPassage> PASSAGES = List.of(
        new RetrievedPassage("kb", "etna", 1, "Mount Etna is in Sicily.", 6, 30, 0.5f),
        new RetrievedPassage("kb", "moon", 0, "The Moon.", 0, 9, 0.25f)
    );
    private static final List<PassageReading> READINGS = List.of(
        new PassageReading(List.of(new Span(0, 10, "Mount Etna", 0.8, 5.0, 4.0), new Span(6, 10, "Etna", 0.1, 1.0, 4.0)), 0.05),
        new PassageReading(List.of(new Span(4, 8, "Moon", 0.3, 2.0, 2.0)), 0.6)
    );

    private static Map<String, Object> render(RealmSearchResponse response) {
        return XContentHelper.convertToMap(MediaTypeRegistry.JSON.xContent(), Strings.toString(MediaTypeRegistry.JSON, response), true);
    }

    private static RealmSearchResponse copy(RealmSearchResponse response) throws Exception {
        BytesStreamOutput out = new BytesStreamOutput();
        response.writeTo(out);
        return new RealmSearchResponse(out.bytes().streamInput());
    }

    public void testWithoutReading() throws Exception {
        RealmSearchResponse response = new RealmSearchResponse(12, 3.5, 7.25, PASSAGES);
        Map<String, Object> json = render(response);
        assertEquals(Map.of("encode", 3.5, "search", 7.25), json.get("timing"));
        assertEquals(List.of("took", "timing", "passages"), List.copyOf(json.keySet()));
        assertEquals(json, render(copy(response)));
    }

    @SuppressWarnings("unchecked")
    public void testAnswers() throws Exception {
        Answers answers = new AnswerScorer(3, 1.0, 1.0, false).score(PASSAGES, READINGS);
        RealmSearchResponse response = new RealmSearchResponse(40, 3.5, 7.25, PASSAGES, Reading.answered("qa", 20.123, answers, "ml-1", 1, false, 1.0, 2));
        Map<String, Object> json = render(response);
        assertEquals(List.of("took", "timing", "passages", "answers", "no_answer_probability", "no_answer"), List.copyOf(json.keySet()));
        assertEquals(20.12, ((Map<String, Object>) json.get("timing")).get("read"));
        List<Map<String, Object>> rendered = (List<Map<String, Object>>) json.get("answers");
        assertEquals(List.of("Mount Etna", "Moon", "Etna"), rendered.stream().map(a -> a.get("text")).toList());
        Map<String, Object> where = ((List<Map<String, Object>>) rendered.get(0).get("passages")).get(0);
        assertEquals(Map.of("_index", "kb", "_id", "etna", "passage", 1, "start", 6, "end", 16), where);
        assertEquals("Mount Etna", SOURCE.substring(6, 16));
        assertEquals(answers.answers().get(0).probability(), (Double) rendered.get(0).get("probability"), 1e-12);
        assertEquals(answers.noAnswerProbability(), (Double) json.get("no_answer_probability"), 1e-12);
        assertEquals(false, json.get("no_answer"));
        assertEquals(json, render(copy(response)));
    }

    @SuppressWarnings("unchecked")
    public void testExplain() throws Exception {
        Answers answers = new AnswerScorer(1, 1.0, 1.0, true).score(PASSAGES, READINGS);
        RealmSearchResponse response = new RealmSearchResponse(40, 3.5, 7.25, PASSAGES, Reading.answered("qa", 20, answers, "ml-2", 2, true, 0.6, 2));
        Map<String, Object> json = render(response);
        assertEquals(1, ((List<?>) json.get("answers")).size());
        assertEquals(Map.of("model", "qa", "node", "ml-2", "attempts", 2, "no_answer_threshold", 0.6, "passages_read", 2), json.get("reader"));
        List<Map<String, Object>> reading = (List<Map<String, Object>>) json.get("reading");
        assertEquals(2, reading.size());
        Map<String, Object> first = reading.get(0);
        assertEquals("etna", first.get("_id"));
        assertEquals(0.05, (Double) first.get("no_answer_probability"), 1e-12);
        List<Map<String, Object>> spans = (List<Map<String, Object>>) first.get("spans");
        assertEquals(2, spans.size());
        assertEquals("Mount Etna", spans.get(0).get("text"));
        assertEquals("span offsets are in the source field", 6, spans.get(0).get("start"));
        assertEquals(16, spans.get(0).get("end"));
        assertEquals(5.0, spans.get(0).get("start_logit"));
        assertEquals(json, render(copy(response)));
    }

    public void testNoAnswer() throws Exception {
        Answers answers = new AnswerScorer(3, 1.0, 0.2, false).score(PASSAGES, READINGS);
        Map<String, Object> json = render(new RealmSearchResponse(1, 1, 1, PASSAGES, Reading.answered("qa", 1, answers, "n", 1, false, 1.0, 2)));
        assertEquals(List.of(), json.get("answers"));
        assertEquals(true, json.get("no_answer"));
        assertTrue((Double) json.get("no_answer_probability") > 0.2);
    }

    @SuppressWarnings("unchecked")
    public void testReaderError() throws Exception {
        ReaderError error = ReaderError.of(new IllegalStateException("boom"), List.of("ml-1", "ml-2"));
        RealmSearchResponse response = new RealmSearchResponse(40, 3.5, 7.25, PASSAGES, Reading.failed("qa", 30, error, 2, false, 1.0, 2));
        Map<String, Object> json = render(response);
        assertEquals(List.of("took", "timing", "passages", "reader_error"), List.copyOf(json.keySet()));
        assertEquals(
            Map.of("type", "illegal_state_exception", "reason", "boom", "status", 500, "nodes", List.of("ml-1", "ml-2")),
            json.get("reader_error")
        );
        assertEquals(30.0, ((Map<String, Object>) json.get("timing")).get("read"));
        assertEquals(2, ((List<?>) json.get("passages")).size());
        RealmSearchResponse copy = copy(response);
        assertEquals(error, copy.readerError());
        assertNull(copy.answers());
        assertEquals(json, render(copy));

        Map<String, Object> explained = render(new RealmSearchResponse(1, 1, 1, PASSAGES, Reading.failed("qa", 1, error, 2, true, 1.0, 1)));
        assertEquals(Map.of("model", "qa", "attempts", 2, "no_answer_threshold", 1.0, "passages_read", 1), explained.get("reader"));
        expectThrows(IllegalArgumentException.class, () -> new Reading("qa", 1, null, null, 0, null, false, 1.0, 0));
    }
}
