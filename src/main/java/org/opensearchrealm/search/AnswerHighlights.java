/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.core.common.text.Text;
import org.opensearch.search.SearchHit;
import org.opensearch.search.fetch.subphase.highlight.HighlightField;
import org.opensearchrealm.answer.Answer;
import org.opensearchrealm.answer.AnswerPassage;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.settings.SourceFieldValues;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answer spans as highlights: in each hit, the best answer read in one of its passages, tagged in a fragment of the
 * hit's source field, so that a search UI marks the answer where it stands in the document. A fragment is the field's
 * text (or, when the hit's source does not hold the field, the passage's) with the spans between the tags; its untagged
 * text is always a verbatim part of the field, and the whole field when the fragment size allows.
 *
 * @param preTag       what opens a span, as a search's {@code highlight.pre_tags} gives it
 * @param postTag      what closes a span
 * @param fragmentSize characters of context around the first span, at least the span
 */
record AnswerHighlights(String preTag, String postTag, int fragmentSize) {

    /** OpenSearch's own defaults for a highlight. */
    static final AnswerHighlights DEFAULT = new AnswerHighlights("<em>", "</em>", 100);

    /**
     * Adds, to each hit where an answer was read, the highlight of its source field (kept beside the hit's other
     * highlights; one of the same field is replaced).
     *
     * @param answers      best first
     * @param passages     the passages read, for hits whose source does not hold the field
     * @param sourceFields the source field of each REALM index
     */
    void apply(Iterable<SearchHit> hits, List<Answer> answers, List<RetrievedPassage> passages, Map<String, String> sourceFields) {
        for (SearchHit hit : hits) {
            String field = sourceFields.get(hit.getIndex());
            if (field == null) {
                continue;
            }
            for (Answer answer : answers) {
                List<AnswerPassage> spans = answer.passages().stream().filter(p -> p.index().equals(hit.getIndex()) && p.id().equals(hit.getId())).toList();
                if (spans.isEmpty()) {
                    continue;
                }
                String fragment = fragment(hit, field, spans, passages);
                if (fragment != null) {
                    Map<String, HighlightField> highlights = new HashMap<>(hit.getHighlightFields());
                    highlights.put(field, new HighlightField(field, new Text[] { new Text(fragment) }));
                    hit.highlightFields(highlights);
                }
                break; // the best answer of this hit only
            }
        }
    }

    private String fragment(SearchHit hit, String field, List<AnswerPassage> spans, List<RetrievedPassage> passages) {
        List<Object> values = hit.hasSource() ? SourceFieldValues.of(hit.getSourceAsMap(), field) : List.of();
        if (values.size() == 1 && values.get(0) instanceof String text) {
            return tag(text, 0, spans);
        }
        AnswerPassage first = spans.get(0);
        for (RetrievedPassage passage : passages) {
            if (passage.index().equals(first.index()) && passage.id().equals(first.id()) && passage.number() == first.passage()) {
                return tag(passage.text(), passage.start(), spans.stream().filter(s -> s.passage() == first.passage()).toList());
            }
        }
        return null;
    }

    /**
     * {@code text}, which starts at offset {@code base} of the field, cut to the fragment size around the first span,
     * with every span that lies inside between the tags.
     */
    String tag(String text, int base, List<AnswerPassage> spans) {
        List<int[]> inside = new ArrayList<>();
        for (AnswerPassage span : spans) {
            int start = span.start() - base;
            int end = span.end() - base;
            if (0 <= start && start < end && end <= text.length() && inside.stream().noneMatch(s -> s[0] < end && start < s[1])) {
                inside.add(new int[] { start, end });
            }
        }
        if (inside.isEmpty()) {
            return null;
        }
        int[] window = window(text, inside.get(0)[0], inside.get(0)[1]);
        inside.removeIf(s -> s[0] < window[0] || s[1] > window[1]);
        inside.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder out = new StringBuilder();
        int at = window[0];
        for (int[] span : inside) {
            out.append(text, at, span[0]).append(preTag).append(text, span[0], span[1]).append(postTag);
            at = span[1];
        }
        return out.append(text, at, window[1]).toString();
    }

    /** The characters shown around a span: the whole text when it fits, else the fragment size centred, words kept whole. */
    private int[] window(String text, int start, int end) {
        if (fragmentSize >= text.length()) {
            return new int[] { 0, text.length() };
        }
        int context = Math.max(0, fragmentSize - (end - start));
        int from = Math.max(0, start - context / 2);
        int to = Math.min(text.length(), Math.max(end, from + Math.max(fragmentSize, end - start)));
        while (from > 0 && from < start && Character.isWhitespace(text.charAt(from - 1)) == false) {
            from++; // no half word at the start
        }
        while (to < text.length() && to > end && Character.isWhitespace(text.charAt(to)) == false) {
            to--; // nor at the end
        }
        return new int[] { from, to };
    }
}
